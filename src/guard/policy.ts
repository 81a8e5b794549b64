/**
 * The guard policy: thresholds on the calibrated risk → actions, per-dimension overrides, and the
 * rules that raise or cap an action (attacks, emergencies, ordinary health questions).
 *
 *   allow    answer as is
 *   caution  answer + disclaimer (ordinary health questions: dosing, side effects... never refused)
 *   steer    the model answers under a safety system prompt: decline the harmful part, explain, offer the safe alternative
 *   block    no model call: the spec's explained refusal in the user's language
 *   escalate emergency guidance first, then a careful answer (or the refusal when the risk is block-level)
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SafetyVerdict } from '../core/chat.js';
import { ConfigError, describeError } from '../core/errors.js';
import { DIMENSION_IDS, type EmergencySituation } from '../spec/safety-spec-schema.js';
import { parseYaml } from '../spec/define-data-file.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';

export type GuardAction = SafetyVerdict['action'];
type RankedAction = Exclude<GuardAction, 'escalate'>;

const RANK: Record<RankedAction, number> = { allow: 0, caution: 1, steer: 2, block: 3 };

export interface ActionThresholds {
  /** Risk at or above which an answer gets a disclaimer. */
  caution: number;
  /** Risk at or above which the model is steered by a safety system prompt. */
  steer: number;
  /** Risk at or above which the request is refused without calling the model. */
  block: number;
}

export interface DimensionOverride extends Partial<ActionThresholds> {
  /** Never decide less than this for the dimension (e.g. `caution` for medication_safety). */
  minimumAction?: RankedAction;
  /** Never decide more than this (e.g. `steer`: never block without the model's own answer). */
  maximumAction?: RankedAction;
}

export interface GuardPolicy {
  input: ActionThresholds;
  /** An output sentence whose risk reaches `block` stops the stream and is replaced by the refusal. */
  output: { block: number };
  /** Low-risk requests that touch health get a disclaimer (caution) instead of a plain allow. */
  healthTopicCaution: boolean;
  /** A detected jailbreak strategy with risk >= caution raises the action to at least steer. */
  attacksRaiseToSteer: boolean;
  /** An emergency in the user's latest message escalates. */
  emergencyEscalation: boolean;
  /** The LLM guard's "uncertain" mode runs only for risks in [low, high). */
  llmGuardBand: { low: number; high: number };
  dimensions: Partial<Record<string, DimensionOverride>>;
}

export const DEFAULT_GUARD_POLICY: GuardPolicy = Object.freeze({
  input: { caution: 0.35, steer: 0.5, block: 0.85 },
  output: { block: 0.9 },
  healthTopicCaution: true,
  attacksRaiseToSteer: true,
  emergencyEscalation: true,
  llmGuardBand: { low: 0.35, high: 0.75 },
  dimensions: {
    general_harm: { steer: 0.5, block: 0.75 },
    benign: { maximumAction: 'caution' },
  },
}) as GuardPolicy;

const probability = z.number().min(0).max(1);
const rankedAction = z.enum(['allow', 'caution', 'steer', 'block']);
const thresholdsSchema = z.object({ caution: probability, steer: probability, block: probability }).strict();

/** The YAML shape of `--guard-config` (every key optional; missing keys keep the defaults). */
export const guardPolicyFileSchema = z
  .object({
    input: thresholdsSchema.partial().optional(),
    output: z.object({ block: probability }).strict().optional(),
    healthTopicCaution: z.boolean().optional(),
    attacksRaiseToSteer: z.boolean().optional(),
    emergencyEscalation: z.boolean().optional(),
    llmGuardBand: z.object({ low: probability, high: probability }).strict().optional(),
    dimensions: z
      .partialRecord(
        z.enum(DIMENSION_IDS),
        thresholdsSchema.partial().extend({ minimumAction: rankedAction.optional(), maximumAction: rankedAction.optional() }).strict(),
      )
      .optional(),
  })
  .strict();

export type GuardPolicyFile = z.infer<typeof guardPolicyFileSchema>;

/** The keys of a parsed partial object that are set (zod types an absent optional key as `| undefined`). */
function setKeys<Value extends object>(value: Value | undefined): { [Key in keyof Value]?: Exclude<Value[Key], undefined> } {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, entry]) => entry !== undefined)) as { [Key in keyof Value]?: Exclude<Value[Key], undefined> };
}

/** Merges a (partial) policy over the defaults and checks that thresholds are ordered. */
export function resolveGuardPolicy(file: GuardPolicyFile = {}, base: GuardPolicy = DEFAULT_GUARD_POLICY): GuardPolicy {
  const dimensions: GuardPolicy['dimensions'] = { ...base.dimensions };
  for (const [id, override] of Object.entries(file.dimensions ?? {})) dimensions[id] = { ...dimensions[id], ...setKeys(override) };
  const policy: GuardPolicy = {
    input: { ...base.input, ...setKeys(file.input) },
    output: { ...base.output, ...file.output },
    healthTopicCaution: file.healthTopicCaution ?? base.healthTopicCaution,
    attacksRaiseToSteer: file.attacksRaiseToSteer ?? base.attacksRaiseToSteer,
    emergencyEscalation: file.emergencyEscalation ?? base.emergencyEscalation,
    llmGuardBand: { ...base.llmGuardBand, ...file.llmGuardBand },
    dimensions,
  };
  const check = (where: string, thresholds: ActionThresholds) => {
    if (!(thresholds.caution <= thresholds.steer && thresholds.steer <= thresholds.block)) {
      throw new ConfigError(`Guard thresholds in ${where} must satisfy caution <= steer <= block.`, {
        key: 'guardConfig',
        fix: 'Order the thresholds, e.g. caution: 0.35, steer: 0.5, block: 0.85.',
      });
    }
  };
  check('input', policy.input);
  for (const [id, override] of Object.entries(policy.dimensions)) check(`dimensions.${id}`, { ...policy.input, ...override });
  if (policy.llmGuardBand.low > policy.llmGuardBand.high) {
    throw new ConfigError('llmGuardBand.low must not exceed llmGuardBand.high.', { key: 'guardConfig' });
  }
  return policy;
}

/** Reads a `--guard-config` YAML file into a full policy. */
export function loadGuardPolicyFile(path: string): GuardPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new ConfigError(`Cannot read the guard config ${path}: ${describeError(error)}.`, {
      key: 'guardConfig',
      cause: error,
      fix: 'Pass --guard-config a readable YAML file (see docs/guard.md).',
    });
  }
  const parsed = guardPolicyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '(root)' : issue.path.map(String).join('.') || '(root)';
    throw new ConfigError(`Invalid guard config ${path} at ${where}: ${issue?.message ?? 'invalid value'}.`, {
      key: 'guardConfig',
      fix: 'See docs/guard.md for the guard config shape.',
    });
  }
  return resolveGuardPolicy(parsed.data);
}

export interface DecideActionInput {
  assessment: RiskAssessment;
  /** The emergency recognised in the user's latest message, if any. */
  emergency?: EmergencySituation | undefined;
  /** Whether the request touches health (is-health-topic.ts). */
  healthTopic: boolean;
  /** An action the caller requires at least (e.g. steer after a fail-closed guard error). */
  minimumAction?: RankedAction;
  /** An action the caller allows at most (e.g. caution for a Llama Guard S6-only verdict). */
  maximumAction?: RankedAction;
}

export interface DecideActionResult {
  action: GuardAction;
  /** The action without the emergency: what follows the emergency text when escalating. */
  followUp: RankedAction;
  reasons: string[];
}

function raise(current: RankedAction, to: RankedAction): RankedAction {
  return RANK[to] > RANK[current] ? to : current;
}

function cap(current: RankedAction, to: RankedAction): RankedAction {
  return RANK[to] < RANK[current] ? to : current;
}

/** The action for one assessment under a policy (pure; every step explains itself in `reasons`). */
export function decideAction(input: DecideActionInput, policy: GuardPolicy = DEFAULT_GUARD_POLICY): DecideActionResult {
  const { assessment } = input;
  const override = policy.dimensions[assessment.dimension] ?? {};
  const thresholds: ActionThresholds = { ...policy.input, ...override };
  const risk = Number.isFinite(assessment.risk) ? assessment.risk : 1;
  const reasons: string[] = [];
  const shown = risk.toFixed(2);

  let action: RankedAction;
  if (risk >= thresholds.block) {
    action = 'block';
    reasons.push(`risk ${shown} >= block threshold ${thresholds.block}`);
  } else if (risk >= thresholds.steer) {
    action = 'steer';
    reasons.push(`risk ${shown} >= steer threshold ${thresholds.steer}`);
  } else if (risk >= thresholds.caution) {
    action = 'caution';
    reasons.push(`risk ${shown} >= caution threshold ${thresholds.caution}`);
  } else if (policy.healthTopicCaution && input.healthTopic) {
    action = 'caution';
    reasons.push(`risk ${shown} is low; a health question is answered with a disclaimer`);
  } else {
    action = 'allow';
    reasons.push(`risk ${shown} < caution threshold ${thresholds.caution}`);
  }
  if (policy.attacksRaiseToSteer && assessment.attacks.length > 0 && risk >= thresholds.caution && RANK[action] < RANK.steer) {
    action = 'steer';
    reasons.push(`jailbreak strategy detected (${assessment.attacks.join(', ')}): steered`);
  }
  if (override.minimumAction && RANK[override.minimumAction] > RANK[action]) {
    action = override.minimumAction;
    reasons.push(`dimension ${assessment.dimension} requires at least ${override.minimumAction}`);
  }
  if (override.maximumAction && RANK[override.maximumAction] < RANK[action]) {
    action = override.maximumAction;
    reasons.push(`dimension ${assessment.dimension} allows at most ${override.maximumAction}`);
  }
  if (input.minimumAction && RANK[input.minimumAction] > RANK[action]) {
    action = raise(action, input.minimumAction);
    reasons.push(`raised to ${input.minimumAction}`);
  }
  if (input.maximumAction && RANK[input.maximumAction] < RANK[action]) {
    action = cap(action, input.maximumAction);
    reasons.push(`capped at ${input.maximumAction}`);
  }
  if (policy.emergencyEscalation && input.emergency) {
    reasons.push(`emergency recognised (${input.emergency.id}): emergency guidance first`);
    return { action: 'escalate', followUp: action === 'allow' ? 'caution' : action, reasons };
  }
  return { action, followUp: action, reasons };
}
