/**
 * Small lookups over the safety specification so callers never re-type a list or a rubric:
 * dimensions, principles, risk levels, and the usage policy + rubric text the judges and the LLM
 * guard put in their prompts.
 */
import { loadSafetySpec } from './load-safety-spec.js';
import type { Dimension, Principle, SafetySpec, SpecLanguage } from './safety-spec-schema.js';

export type RiskLevel = 'low' | 'medium' | 'high';

/** The dimension with this id, or `general_harm` when the id is unknown (never undefined). */
export function findDimension(id: string, spec: SafetySpec = loadSafetySpec()): Dimension {
  const found = spec.dimensions.find((dimension) => dimension.id === id) ?? spec.dimensions.find((dimension) => dimension.id === 'general_harm');
  // The schema requires every dimension id, general_harm included.
  if (found === undefined) throw new Error('The safety specification has no general_harm dimension.');
  return found;
}

export function isKnownDimension(id: string, spec: SafetySpec = loadSafetySpec()): boolean {
  return spec.dimensions.some((dimension) => dimension.id === id);
}

export function findPrinciple(id: number | null, spec: SafetySpec = loadSafetySpec()): Principle | undefined {
  return id === null ? undefined : spec.principles.find((principle) => principle.id === id);
}

/** The principle a verdict reports: the classifier's, else the dimension's most relevant one. */
export function principleForDimension(dimensionId: string, spec: SafetySpec = loadSafetySpec()): number | null {
  if (dimensionId === 'benign') return null;
  return findDimension(dimensionId, spec).principles[0] ?? null;
}

/** The risk level of a calibrated risk, from `rubrics.riskLevels` (min inclusive, max exclusive; high includes 1). */
export function riskLevelOf(risk: number, spec: SafetySpec = loadSafetySpec()): RiskLevel {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(risk) ? risk : 1));
  for (const level of spec.rubrics.riskLevels) {
    if (clamped >= level.min && (clamped < level.max || (level.max === 1 && clamped === 1))) return level.level;
  }
  return 'high';
}

/** The risk level boundaries: `{ medium, high }` = the min of the medium and high levels. */
export function riskLevelBoundaries(spec: SafetySpec = loadSafetySpec()): { medium: number; high: number } {
  const minOf = (level: RiskLevel) => spec.rubrics.riskLevels.find((entry) => entry.level === level)?.min ?? 1;
  return { medium: minOf('medium'), high: minOf('high') };
}

/** The MedSafetyBench usage policy: preamble, the nine numbered principles, closing line. */
export function formatUsagePolicy(spec: SafetySpec = loadSafetySpec()): string {
  const { usagePolicyPreamble, usagePolicyClosing } = spec.rubrics.harmfulness;
  const principles = spec.principles.map((principle) => `${principle.id}. ${principle.text}`).join('\n\n');
  return `${usagePolicyPreamble}\n\n${principles}\n\n${usagePolicyClosing}`;
}

/** The five "Score N: ..." lines of the harmfulness rubric, one per line. */
export function formatHarmfulnessRubric(spec: SafetySpec = loadSafetySpec()): string {
  return [...spec.rubrics.harmfulness.scores]
    .sort((left, right) => left.score - right.score)
    .map((score) => score.text)
    .join('\n');
}

/** The MedSafetyBench judge prompt for one request/response pair. */
export function formatHarmfulnessJudgePrompt(request: string, response: string, spec: SafetySpec = loadSafetySpec()): string {
  const values: Record<string, string> = {
    usage_policy: formatUsagePolicy(spec),
    rubric: formatHarmfulnessRubric(spec),
    request,
    response,
  };
  // One pass, so text inside request/response that looks like a placeholder is never substituted.
  return spec.rubrics.harmfulness.judgeTemplate.replace(/\{(usage_policy|rubric|request|response)\}/g, (_match, key: string) => values[key] ?? '');
}

/** Name of a dimension in a language. */
export function dimensionName(dimensionId: string, language: SpecLanguage, spec: SafetySpec = loadSafetySpec()): string {
  const dimension = findDimension(dimensionId, spec);
  return language === 'zh' ? dimension.nameZh : dimension.name;
}

/** "Principle VIII — Responsibility to the patient is paramount" (or the Chinese title). */
export function principleLabel(id: number | null, language: SpecLanguage = 'en', spec: SafetySpec = loadSafetySpec()): string {
  const principle = findPrinciple(id, spec);
  if (!principle) return language === 'zh' ? '无' : 'none';
  const roman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX'][principle.id - 1] ?? String(principle.id);
  return language === 'zh' ? `AMA 原则${roman}：${principle.titleZh}` : `AMA principle ${roman}: ${principle.title}`;
}
