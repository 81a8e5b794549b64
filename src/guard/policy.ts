/**
 * The guard policy: thresholds on the calibrated risk → actions, per-dimension overrides, and the
 * rules that raise or cap an action (attacks, emergencies, ordinary health questions).
 *
 *   allow    answer as is
 *   caution  answer + disclaimer (ordinary health questions: dosing, side effects... never refused)
 *   steer    the model answers under a safety system prompt: decline the harmful part, explain, offer the safe alternative
 *   block    no model call: the spec's explained refusal in the user's language
 *   escalate emergency guidance first, then a careful answer (or the refusal when the risk is block-level)
 *
 * A `--guard-config` file is read, validated and merged over the defaults by load-guard-policy-file.ts.
 */
import type { SafetyVerdict } from '../core/chat.js';
import type { EmergencySituation } from '../spec/safety-spec-schema.js';
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
