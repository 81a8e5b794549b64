/**
 * The texts the guard shows, all taken from the safety specification and rendered in the user's
 * language (traditional characters for 'zh-Hant', see reply-language.ts): the explained refusal (built from the detected harm mechanism when there is one, else
 * from the dimension), the disclaimer, the emergency notice, the steering system prompt (with the
 * mechanism's own line), the fail-closed prompt and the short audit-friendly reasoning summary that
 * replaces `<think>` on a blocked request.
 */
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import type { EmergencySituation, Mechanism, SafetySpec } from '../spec/safety-spec-schema.js';
import { dimensionName, findDimension, principleLabel } from '../spec/spec-lookups.js';
import { inReplyLanguage, specLanguageOf, type ReplyLanguage } from './reply-language.js';

function refusalEntry(dimensionId: string, spec: SafetySpec) {
  const byDimension = spec.refusals.byDimension as Record<string, (typeof spec.refusals.byDimension)[keyof typeof spec.refusals.byDimension]>;
  const entry = byDimension[dimensionId] ?? byDimension[findDimension(dimensionId, spec).id];
  // The spec's schema requires a refusal for every dimension id, so this cannot happen with a loaded spec.
  if (entry === undefined) throw new Error(`The safety specification has no refusal for ${dimensionId}.`);
  return entry;
}

/** The spec's entry for a mechanism id; undefined for null, `other` and unknown ids (the dimension's texts are used then). */
export function findMechanism(mechanismId: string | null | undefined, spec: SafetySpec = loadSafetySpec()): Mechanism | undefined {
  if (mechanismId === null || mechanismId === undefined || mechanismId === 'other') return undefined;
  return spec.mechanisms.find((mechanism) => mechanism.id === mechanismId);
}

/**
 * The explained refusal. With a mechanism: opening, what in this request is harmful, why (principle
 * or law), the safe alternative that fits, when to seek care. Without one: the dimension's refusal.
 */
export function composeRefusal(
  dimensionId: string,
  replyLanguage: ReplyLanguage,
  spec: SafetySpec = loadSafetySpec(),
  mechanismId: string | null = null,
): string {
  const language = specLanguageOf(replyLanguage);
  const separator = language === 'zh' ? '' : ' ';
  const mechanism = findMechanism(mechanismId, spec);
  if (mechanism) {
    const texts = mechanism[language];
    return inReplyLanguage([spec.refusals.opening[language], texts.harm, texts.why, texts.alternative, texts.seekCare].join(separator), replyLanguage);
  }
  const entry = refusalEntry(dimensionId, spec)[language];
  return inReplyLanguage([spec.refusals.opening[language], entry.reason, entry.alternative, entry.seekCare].join(separator), replyLanguage);
}

/** The disclaimer for a dimension (falls back to the default one). */
export function composeDisclaimer(dimensionId: string, language: ReplyLanguage, spec: SafetySpec = loadSafetySpec()): string {
  const byDimension = spec.disclaimers.byDimension as Record<string, { en: string; zh: string } | undefined>;
  const specific = dimensionId === 'benign' ? undefined : byDimension[dimensionId];
  return inReplyLanguage((specific ?? spec.disclaimers.default)[specLanguageOf(language)], language);
}

/** The emergency notice shown first when escalating. */
export function composeEmergencyNotice(situation: EmergencySituation | undefined, language: ReplyLanguage, spec: SafetySpec = loadSafetySpec(), forSomeoneElse = false): string {
  const base = specLanguageOf(language);
  const forHelper = forSomeoneElse ? situation?.forSomeoneElse?.[base] : undefined;
  return inReplyLanguage(forHelper ?? (situation ? situation[base] : spec.emergency.general[base]), language);
}

/**
 * The system prompt of a steered request, with the dimension and principle filled in and, when the
 * mechanism is known, the mechanism's own line (what the model must not provide for this request).
 * A request with no harmful dimension (benign) is described as general harm, never as "Benign".
 */
export function composeSteerSystemPrompt(
  dimensionId: string,
  principle: number | null,
  replyLanguage: ReplyLanguage,
  spec: SafetySpec = loadSafetySpec(),
  mechanismId: string | null = null,
): string {
  const language = specLanguageOf(replyLanguage);
  const shownDimension = dimensionId === 'benign' ? 'general_harm' : dimensionId;
  const prompt = spec.refusals.steerSystemPrompt[language]
    .replaceAll('{dimension}', dimensionName(shownDimension, language, spec))
    .replaceAll('{principle}', principleLabel(principle, language, spec));
  const mechanism = findMechanism(mechanismId, spec);
  return inReplyLanguage(mechanism ? `${prompt}\n${mechanism[language].steer}` : prompt, replyLanguage);
}

/** The system prompt when the guard could not check the request and fails closed: sensible for any question. */
export function composeFailClosedSystemPrompt(language: ReplyLanguage, spec: SafetySpec = loadSafetySpec()): string {
  return inReplyLanguage(spec.refusals.failClosedSystemPrompt[specLanguageOf(language)], language);
}

/**
 * The system prompt of an escalated request that still calls the model; with `forSomeoneElse` (the one at risk is
 * someone the user writes about), the prompt that addresses the user as the helper, when the spec has one.
 */
export function composeEscalateSystemPrompt(situation: EmergencySituation | undefined, replyLanguage: ReplyLanguage, spec: SafetySpec = loadSafetySpec(), forSomeoneElse = false): string {
  const language = specLanguageOf(replyLanguage);
  const name = situation ? (language === 'zh' ? situation.nameZh : situation.name) : language === 'zh' ? '紧急情况' : 'an emergency';
  const prompt = (forSomeoneElse ? spec.refusals.escalateSystemPromptForSomeoneElse : undefined) ?? spec.refusals.escalateSystemPrompt;
  return inReplyLanguage(prompt[language].replaceAll('{situation}', name), replyLanguage);
}

export interface AuditSummaryInput {
  dimension: string;
  principle: number | null;
  riskLevel: 'low' | 'medium' | 'high';
  attacks: string[];
  emergency?: string | undefined;
  /** The harm mechanism, when one was recognised. */
  mechanism?: string | null | undefined;
}

/** Short reasoning shown instead of a model's `<think>` when SafeMed answers from a template. */
export function composeAuditSummary(input: AuditSummaryInput, replyLanguage: ReplyLanguage, spec: SafetySpec = loadSafetySpec()): string {
  const language = specLanguageOf(replyLanguage);
  const level = spec.rubrics.riskLevels.find((entry) => entry.level === input.riskLevel);
  const mechanism = findMechanism(input.mechanism, spec);
  const attackNames = input.attacks.map((id) => {
    const attack = spec.attackStrategies.find((entry) => entry.id === id);
    return attack ? (language === 'zh' ? attack.nameZh : attack.name) : id;
  });
  if (language === 'zh') {
    const lines = [
      `- 风险识别：${level?.labelZh ?? input.riskLevel}；维度：${dimensionName(input.dimension, 'zh', spec)}；依据：${principleLabel(input.principle, 'zh', spec)}。`,
      mechanism ? `- 伤害机制：${mechanism.nameZh}。` : '',
      attackNames.length > 0 ? `- 检测到的越狱策略：${attackNames.join('、')}。` : '',
      input.emergency ? `- 识别到紧急情况，优先提供急救指引。` : '',
      `- 处理：拒绝有害部分，说明原因，提供安全的替代方案和就医建议（模板回复，未调用模型）。`,
    ];
    return inReplyLanguage(lines.filter(Boolean).join('\n'), replyLanguage);
  }
  return [
    `- Risk identification: ${input.riskLevel}; dimension: ${dimensionName(input.dimension, 'en', spec)}; basis: ${principleLabel(input.principle, 'en', spec)}.`,
    mechanism ? `- Harm mechanism: ${mechanism.name}.` : '',
    attackNames.length > 0 ? `- Jailbreak strategies detected: ${attackNames.join(', ')}.` : '',
    input.emergency ? '- Emergency recognised: emergency guidance comes first.' : '',
    '- Handling: decline the harmful part, explain why, offer a safe alternative and when to seek care (templated reply; the model was not called).',
  ]
    .filter(Boolean)
    .join('\n');
}
