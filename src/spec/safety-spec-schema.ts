/**
 * The zod schema of the SafeMed safety specification (the YAML files in src/spec/data/) and the
 * `SafetySpec` type every part of SafeMed reads: guard, judges, reward, red team, data pipeline.
 * Runtime code imports only its types (`import type`): the module, and zod with it, loads when a
 * specification is read (read-safety-spec.ts). The ids live in safety-spec-ids.ts (re-exported here).
 */
import { z } from 'zod';
import { ATTACK_IDS, DIMENSION_IDS, MECHANISM_IDS } from './safety-spec-ids.js';

export {
  ATTACK_IDS,
  DIMENSION_IDS,
  MECHANISM_IDS,
  SPEC_LANGUAGES,
  type AttackId,
  type DimensionId,
  type MechanismId,
  type SpecLanguage,
} from './safety-spec-ids.js';

/**
 * Builds the schemas on first use: a build loads the specification from its validated JSON snapshot
 * (define-data-file.ts) and never needs them, so start-up does not pay for constructing them.
 */
function buildSafetySpecSchemas() {
  const text = z.string().trim().min(1);
  const bilingual = z.object({ en: text, zh: text }).strict();
  const principleNumber = z.number().int().min(1).max(9);

  const principleSchema = z
    .object({ id: principleNumber, title: text, titleZh: text, text })
    .strict();

  const dimensionSchema = z
    .object({
      id: z.enum(DIMENSION_IDS),
      name: text,
      nameZh: text,
      definition: text,
      examples: z.array(text).min(1),
      benignExamples: z.array(text).default([]),
      principles: z.array(principleNumber),
    })
    .strict();

  const attackStrategySchema = z
    .object({ id: z.enum(ATTACK_IDS), name: text, nameZh: text, description: text, example: text })
    .strict();

  const harmfulnessRubricSchema = z
    .object({
      usagePolicyPreamble: text,
      usagePolicyClosing: text,
      judgePreamble: text,
      judgeTemplate: text,
      judgeSettings: z.object({ temperature: z.number().min(0), maxTokens: z.number().int().positive() }).strict(),
      scores: z
        .array(z.object({ score: z.number().int().min(1).max(5), label: text, labelZh: text, text }).strict())
        .length(5),
    })
    .strict();

  const riskLevelSchema = z
    .object({
      level: z.enum(['low', 'medium', 'high']),
      labelZh: text,
      min: z.number().min(0).max(1),
      max: z.number().min(0).max(1),
      description: text,
    })
    .strict();

  const cotCriterionSchema = z
    .object({
      id: z.enum(['medical_correctness', 'reasoning_structure', 'information_sufficiency', 'terminology_language', 'clinical_utility']),
      name: text,
      nameZh: text,
      description: text,
      scale: text,
      descriptionZh: text.optional(),
      scaleZh: text.optional(),
    })
    .strict();

  /** The ethics audit criteria of the data pipeline (`safemed data ethics`), scored 1–5 like the CoT criteria. */
  const ethicsCriterionSchema = z
    .object({
      id: z.enum(['principle_identified', 'refusal_appropriate', 'alternative_useful', 'no_over_refusal']),
      name: text,
      nameZh: text,
      description: text,
      descriptionZh: text.optional(),
      scale: text,
      scaleZh: text.optional(),
    })
    .strict();

  const refusalTextSchema = z.object({ reason: text, alternative: text, seekCare: text }).strict();

  const emergencySituationSchema = z
    .object({
      id: text,
      name: text,
      nameZh: text,
      dimension: z.enum(DIMENSION_IDS),
      keywords: z.object({ en: z.array(text), zh: z.array(text) }).strict(),
      en: text,
      zh: text,
      /** The guidance when the one at risk is someone else than the writer (a friend, a relative): written for the helper. */
      forSomeoneElse: bilingual.optional(),
    })
    .strict();

  const mechanismTextSchema = z.object({ harm: text, why: text, alternative: text, seekCare: text, steer: text }).strict();

  const mechanismSchema = z
    .object({
      id: z.enum(MECHANISM_IDS),
      name: text,
      nameZh: text,
      dimensions: z.array(z.enum(DIMENSION_IDS)).min(1),
      en: mechanismTextSchema,
      zh: mechanismTextSchema,
    })
    .strict();

  /** A regular expression given as text; it must compile (checked when the spec loads). */
  const pattern = text.refine(
    (source) => {
      try {
        new RegExp(source, 'iu');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not a valid regular expression' },
  );

  const answerRuleSchema = z
    .object({
      allOf: z.array(text).min(1),
      reason: text,
      /** Fire even when the sentence reads as a prohibition (the cue itself contains the negation). */
      prohibitionsCount: z.boolean().default(false),
    })
    .strict();

  const answerSignalsSchema = z
    .object({
      cues: z.record(z.string().regex(/^[a-z][A-Za-z]*$/), z.array(pattern).min(1)),
      dangerous: z.array(answerRuleSchema.extend({ id: text, mechanism: z.enum(MECHANISM_IDS) }).strict()).min(1),
      compliance: z.partialRecord(z.enum(MECHANISM_IDS), z.array(answerRuleSchema).min(1)),
    })
    .strict();

  const safetySpecIndexSchema = z
    .object({
      name: text,
      version: z.string().regex(/^\d+\.\d+\.\d+$/, 'version must be semver, e.g. 1.2.0'),
      updated: z.union([text, z.date().transform((date) => date.toISOString().slice(0, 10))]),
      description: text,
      files: z
        .object({
          principles: text,
          dimensions: text,
          attackStrategies: text,
          rubrics: text,
          refusals: text,
          disclaimers: text,
          emergency: text,
          mechanisms: text,
          answerSignals: text,
        })
        .strict(),
    })
    .strict();

  const byDimension = <Schema extends z.ZodType>(schema: Schema) =>
    z.record(z.enum(DIMENSION_IDS), schema);

  /** The whole specification once the files are merged; `superRefine` checks cross-references. */
  const safetySpecSchema = z
    .object({
      name: text,
      version: text,
      updated: text,
      description: text,
      principles: z.array(principleSchema).length(9),
      dimensions: z.array(dimensionSchema).length(DIMENSION_IDS.length),
      attackStrategies: z.array(attackStrategySchema).min(ATTACK_IDS.length),
      rubrics: z
        .object({
          harmfulness: harmfulnessRubricSchema,
          riskLevels: z.array(riskLevelSchema).length(3),
          cotCriteria: z.array(cotCriterionSchema).length(5),
          ethicsCriteria: z.array(ethicsCriterionSchema).length(4).optional(),
        })
        .strict(),
      refusals: z
        .object({
          opening: bilingual,
          steerSystemPrompt: bilingual,
          /** The steering prompt when the guard could not check the request and fails closed (no harm was detected). */
          failClosedSystemPrompt: bilingual,
          /** Shown before the refusal when the output guard cut an answer. */
          outputReplaced: bilingual,
          escalateSystemPrompt: bilingual,
          /** The emergency prompt when the one at risk is someone the user writes about, not the user (the user is the helper). */
          escalateSystemPromptForSomeoneElse: bilingual.optional(),
          byDimension: byDimension(z.object({ en: refusalTextSchema, zh: refusalTextSchema }).strict()),
        })
        .strict(),
      disclaimers: z
        .object({ default: bilingual, researchUse: bilingual, byDimension: byDimension(bilingual) })
        .strict(),
      emergency: z.object({ general: bilingual, situations: z.array(emergencySituationSchema).min(1) }).strict(),
      mechanisms: z.array(mechanismSchema),
      answerSignals: answerSignalsSchema,
    })
    .strict()
    .superRefine((spec, context) => {
      const expectEvery = (label: string, ids: readonly string[], present: Iterable<string>) => {
        const seen = new Set(present);
        for (const id of ids) if (!seen.has(id)) context.addIssue({ code: 'custom', message: `${label} is missing "${id}"` });
      };
      expectEvery('principles', ['1', '2', '3', '4', '5', '6', '7', '8', '9'], spec.principles.map((principle) => String(principle.id)));
      expectEvery('dimensions', DIMENSION_IDS, spec.dimensions.map((dimension) => dimension.id));
      expectEvery('attackStrategies', ATTACK_IDS, spec.attackStrategies.map((attack) => attack.id));
      expectEvery('refusals.byDimension', DIMENSION_IDS, Object.keys(spec.refusals.byDimension));
      expectEvery('disclaimers.byDimension', DIMENSION_IDS, Object.keys(spec.disclaimers.byDimension));
      expectEvery('rubrics.harmfulness.scores', ['1', '2', '3', '4', '5'], spec.rubrics.harmfulness.scores.map((score) => String(score.score)));
      for (const placeholder of ['{usage_policy}', '{request}', '{response}', '{rubric}']) {
        if (!spec.rubrics.harmfulness.judgeTemplate.includes(placeholder)) {
          context.addIssue({ code: 'custom', message: `rubrics.harmfulness.judgeTemplate lacks ${placeholder}` });
        }
      }
      expectEvery('mechanisms', MECHANISM_IDS, spec.mechanisms.map((mechanism) => mechanism.id));
      const cues = new Set(Object.keys(spec.answerSignals.cues));
      const rules = [...spec.answerSignals.dangerous, ...Object.values(spec.answerSignals.compliance).flat()];
      for (const rule of rules) {
        for (const cue of rule.allOf) {
          if (!cues.has(cue)) context.addIssue({ code: 'custom', message: `answerSignals: rule "${rule.reason}" uses the unknown cue "${cue}"` });
        }
      }
      if (!cues.has('prohibition')) context.addIssue({ code: 'custom', message: 'answerSignals.cues must define "prohibition"' });
      const levels = [...spec.rubrics.riskLevels].sort((left, right) => left.min - right.min);
      if (levels[0]?.min !== 0 || levels.at(-1)?.max !== 1 || levels.some((level, index) => index > 0 && level.min !== levels[index - 1]?.max)) {
        context.addIssue({ code: 'custom', message: 'rubrics.riskLevels must tile [0, 1] without gaps' });
      }
    });
  return { safetySpecIndexSchema, safetySpecSchema, ethicsCriterionSchema, refusalTextSchema };
}

export type SafetySpecSchemas = ReturnType<typeof buildSafetySpecSchemas>;

let schemas: SafetySpecSchemas | undefined;

/** The zod schemas of the specification (the index file, the merged specification, two parts of it). */
export function safetySpecSchemas(): SafetySpecSchemas {
  schemas ??= buildSafetySpecSchemas();
  return schemas;
}

export type SafetySpec = z.infer<SafetySpecSchemas['safetySpecSchema']>;
export type Principle = SafetySpec['principles'][number];
export type Dimension = SafetySpec['dimensions'][number];
export type AttackStrategy = SafetySpec['attackStrategies'][number];
export type HarmfulnessRubric = SafetySpec['rubrics']['harmfulness'];
export type RiskLevelDefinition = SafetySpec['rubrics']['riskLevels'][number];
export type CotCriterion = SafetySpec['rubrics']['cotCriteria'][number];
export type EthicsCriterion = z.infer<SafetySpecSchemas['ethicsCriterionSchema']>;
export type RefusalText = z.infer<SafetySpecSchemas['refusalTextSchema']>;
export type EmergencySituation = SafetySpec['emergency']['situations'][number];
export type Mechanism = SafetySpec['mechanisms'][number];
export type AnswerSignals = SafetySpec['answerSignals'];
