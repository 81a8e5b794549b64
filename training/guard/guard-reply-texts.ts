/**
 * Every Chinese text the guard can compose for a reply (refusals per dimension and per mechanism,
 * disclaimers, emergency guidance, the system prompts it adds, the audit summary's lines, the notice
 * of a replaced answer), plus every Chinese string of the safety specification. Read by
 * build-traditional-reply-phrases.ts (which OpenCC phrases the traditional-script replies need) and by
 * the test that checks those replies against the full OpenCC conversion.
 */
import {
  composeAuditSummary,
  composeDisclaimer,
  composeEmergencyNotice,
  composeEscalateSystemPrompt,
  composeFailClosedSystemPrompt,
  composeRefusal,
  composeSteerSystemPrompt,
} from '../../src/guard/compose-guard-texts.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import type { SafetySpec } from '../../src/spec/safety-spec-schema.js';

const HAN = /\p{Script=Han}/u;

function specStrings(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (HAN.test(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) specStrings(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) specStrings(item, out);
  }
}

export function guardReplyTexts(spec: SafetySpec = loadSafetySpec()): string[] {
  const texts = new Set<string>();
  specStrings(spec, texts);
  const dimensions = [...spec.dimensions.map((dimension) => dimension.id), 'general_harm', 'benign'];
  const principles = [null, ...spec.principles.map((principle) => principle.id)];
  const mechanisms = [null, ...spec.mechanisms.map((mechanism) => mechanism.id)];
  const situations = [undefined, ...spec.emergency.situations];
  for (const dimension of dimensions) {
    if (dimension !== 'benign') texts.add(composeRefusal(dimension, 'zh', spec));
    texts.add(composeDisclaimer(dimension, 'zh', spec));
    for (const principle of principles) {
      texts.add(composeSteerSystemPrompt(dimension, principle, 'zh', spec));
      for (const level of spec.rubrics.riskLevels) {
        // The summary's first line names the level, dimension and principle; the other lines stand alone.
        texts.add(composeAuditSummary({ dimension, principle, riskLevel: level.level, attacks: [] }, 'zh', spec));
      }
    }
  }
  for (const mechanism of mechanisms) {
    if (mechanism === null) continue;
    texts.add(composeRefusal('general_harm', 'zh', spec, mechanism));
    texts.add(composeSteerSystemPrompt('general_harm', null, 'zh', spec, mechanism));
    texts.add(composeAuditSummary({ dimension: 'general_harm', principle: null, riskLevel: 'high', attacks: [], mechanism, emergency: 'any' }, 'zh', spec));
  }
  for (const attack of spec.attackStrategies) {
    texts.add(composeAuditSummary({ dimension: 'general_harm', principle: null, riskLevel: 'high', attacks: [attack.id] }, 'zh', spec));
  }
  texts.add(composeAuditSummary({ dimension: 'general_harm', principle: null, riskLevel: 'high', attacks: spec.attackStrategies.map((attack) => attack.id) }, 'zh', spec));
  for (const situation of situations) {
    texts.add(composeEmergencyNotice(situation, 'zh', spec));
    texts.add(composeEscalateSystemPrompt(situation, 'zh', spec));
    texts.add(composeEscalateSystemPrompt(situation, 'zh', spec, true));
  }
  texts.add(composeFailClosedSystemPrompt('zh', spec));
  return [...texts].sort();
}
