import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { checkInput } from '../../src/guard/check-input.js';
import { composeDisclaimer, composeRefusal, composeSteerSystemPrompt } from '../../src/guard/compose-guard-texts.js';
import { matchEmergency } from '../../src/guard/match-emergency.js';
import { loadGuardPolicyFile, resolveGuardPolicy } from '../../src/guard/load-guard-policy-file.js';
import { decideAction, DEFAULT_GUARD_POLICY } from '../../src/guard/policy.js';
import { conversationLanguage } from '../../src/guard/user-language.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { assessment, fixedAssessor } from './guarded-backend-helpers.js';

const decide = (overrides: Parameters<typeof assessment>[0], healthTopic = false, extra: Partial<Parameters<typeof decideAction>[0]> = {}) =>
  decideAction({ assessment: assessment(overrides), healthTopic, ...extra });

test('thresholds map risk to allow / caution / steer / block', () => {
  assert.equal(decide({ risk: 0.1 }).action, 'allow');
  assert.equal(decide({ risk: 0.1, dimension: 'medication_safety' }, true).action, 'caution');
  assert.equal(decide({ risk: 0.4, dimension: 'medication_safety' }).action, 'caution');
  assert.equal(decide({ risk: 0.6, dimension: 'medication_safety' }).action, 'steer');
  assert.equal(decide({ risk: 0.85, dimension: 'medication_safety' }).action, 'block');
  assert.equal(decide({ risk: Number.NaN, dimension: 'medication_safety' }).action, 'block', 'an unreadable risk is treated as maximal');
});

test('every decision explains itself', () => {
  const result = decide({ risk: 0.62, dimension: 'legal_compliance' });
  assert.deepEqual(result.reasons, ['risk 0.62 >= steer threshold 0.5']);
});

test('attacks raise a medium risk to steer; per-dimension overrides apply', () => {
  assert.equal(decide({ risk: 0.4, dimension: 'medication_safety', attacks: ['role_play'] }).action, 'steer');
  assert.equal(decide({ risk: 0.2, attacks: ['role_play'] }).action, 'allow', 'an attack pattern alone at low risk does not steer');
  assert.equal(decide({ risk: 0.78, dimension: 'general_harm' }).action, 'block', 'general_harm blocks from 0.75');
  assert.equal(decide({ risk: 0.95, dimension: 'benign' }).action, 'caution', 'benign is capped at caution');
  const policy = resolveGuardPolicy({ dimensions: { medication_safety: { maximumAction: 'steer' } } });
  assert.equal(decideAction({ assessment: assessment({ risk: 0.99, dimension: 'medication_safety' }), healthTopic: true }, policy).action, 'steer');
});

test('emergencies escalate and keep the follow-up action', () => {
  const spec = loadSafetySpec();
  const emergency = matchEmergency('I took too many pills and feel dizzy', spec);
  assert.equal(emergency?.id, 'overdose_poisoning');
  const result = decide({ risk: 0.3, dimension: 'medication_safety' }, true, { emergency });
  assert.equal(result.action, 'escalate');
  assert.equal(result.followUp, 'caution');
  assert.equal(decide({ risk: 0.9, dimension: 'mental_health_self_harm' }, true, { emergency }).followUp, 'block');
  assert.equal(matchEmergency('She has no chest pain today', spec), undefined, 'negated keywords do not escalate');
  assert.equal(matchEmergency('我爸爸突然口角歪斜，说话含糊', spec)?.id, 'chest_pain_stroke');
});

test('policy files: partial YAML merges over defaults, bad ones fail with the key named', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-policy-'));
  const good = join(folder, 'good.yaml');
  writeFileSync(good, 'input:\n  block: 0.9\ndimensions:\n  medication_safety:\n    steer: 0.7\n');
  const policy = loadGuardPolicyFile(good);
  assert.equal(policy.input.block, 0.9);
  assert.equal(policy.input.caution, DEFAULT_GUARD_POLICY.input.caution);
  assert.equal(policy.dimensions.medication_safety?.steer, 0.7);
  assert.deepEqual(policy.dimensions.general_harm, DEFAULT_GUARD_POLICY.dimensions.general_harm);
  const unknown = join(folder, 'unknown.yaml');
  writeFileSync(unknown, 'dimensions:\n  not_a_dimension:\n    block: 0.5\n');
  assert.throws(() => loadGuardPolicyFile(unknown), (error: unknown) => error instanceof ConfigError && /dimensions/.test(error.message));
  const unordered = join(folder, 'unordered.yaml');
  writeFileSync(unordered, 'input:\n  steer: 0.9\n  block: 0.5\n');
  assert.throws(() => loadGuardPolicyFile(unordered), /caution <= steer <= block/);
});

test('refusals and disclaimers come in the user language with reason, alternative and when to seek care', () => {
  const spec = loadSafetySpec();
  const english = composeRefusal('privacy_confidentiality', 'en');
  assert.ok(english.startsWith(spec.refusals.opening.en));
  assert.ok(english.includes(spec.refusals.byDimension.privacy_confidentiality.en.reason));
  assert.ok(english.includes(spec.refusals.byDimension.privacy_confidentiality.en.seekCare));
  assert.match(english, /AMA principle IV/);
  const chinese = composeRefusal('privacy_confidentiality', 'zh');
  assert.match(chinese, /个人信息保护法/);
  assert.doesNotMatch(chinese, /I can't/);
  assert.equal(composeDisclaimer('medication_safety', 'zh'), spec.disclaimers.byDimension.medication_safety.zh);
  assert.equal(composeDisclaimer('benign', 'en'), spec.disclaimers.default.en);
  assert.match(composeSteerSystemPrompt('organ_transplantation', 3, 'zh'), /器官移植.*AMA 原则III/s);
  assert.equal(conversationLanguage([{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'hi' }, { role: 'user', content: '布洛芬一次吃多少？' }]), 'zh');
  assert.equal(conversationLanguage([{ role: 'user', content: 'What is 布洛芬 dose for adults with fever?' }]), 'en');
});

test('checkInput builds the input verdict from the assessment and the policy', async () => {
  const check = await checkInput([{ role: 'user', content: 'How do I bill insurance for procedures I never did?' }], {
    assess: fixedAssessor({ risk: 0.9, dimension: 'legal_compliance', principle: null, reasons: ['classifier: fraud'] }),
    policy: DEFAULT_GUARD_POLICY,
    failMode: 'closed',
    spec: loadSafetySpec(),
    logger: silentLogger,
  });
  assert.equal(check.verdict.action, 'block');
  assert.equal(check.verdict.riskLevel, 'high');
  assert.equal(check.verdict.principle, 3, 'falls back to the dimension principle');
  assert.equal(check.verdict.compliance, 'pass', 'a refused harmful request is a compliant exchange');
  assert.deepEqual(check.verdict.reasons, ['classifier: fraud', 'risk 0.90 >= block threshold 0.85']);
});

test('checkInput uses the refined (async) assessment when the assessor offers one, and the sync one otherwise', async () => {
  const messages = [{ role: 'user' as const, content: 'Can I give my dad extra sedatives so he stops bothering the nurses?' }];
  const context = { policy: DEFAULT_GUARD_POLICY, failMode: 'closed' as const, spec: loadSafetySpec(), logger: silentLogger };
  const signals: Array<AbortSignal | undefined> = [];
  const controller = new AbortController();
  const refinable = {
    ...fixedAssessor({ risk: 0.3, dimension: 'vulnerable_populations' }),
    assessConversationRefined: (_messages: unknown, signal?: AbortSignal) => {
      signals.push(signal);
      return Promise.resolve(assessment({ risk: 0.9, dimension: 'vulnerable_populations', reasons: ['sentence encoder: risk 0.90 (uncertain band)'] }));
    },
  };
  const refined = await checkInput(messages, { ...context, assess: refinable, signal: controller.signal });
  assert.equal(refined.verdict.action, 'block', 'the refined risk decides');
  assert.deepEqual(signals, [controller.signal]);
  const fast = await checkInput(messages, { ...context, assess: fixedAssessor({ risk: 0.3, dimension: 'vulnerable_populations' }) });
  assert.notEqual(fast.verdict.action, 'block', 'a sync-only assessor is used as it is');
  controller.abort();
  const aborting = { ...refinable, assessConversationRefined: (_messages: unknown, signal?: AbortSignal) => Promise.reject(signal?.reason as Error) };
  await assert.rejects(checkInput(messages, { ...context, assess: aborting, signal: controller.signal }), { name: 'AbortError' }, 'an aborted request is not turned into a fail-closed verdict');
});
