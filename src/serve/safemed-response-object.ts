/**
 * The `safemed` object added to a chat completion (and to the final stream chunk): what the guard
 * decided, in snake_case as in the OpenAI wire format. Built from the guard's verdicts
 * (src/guard/guard-types.ts `GuardVerdict`); plain `SafetyVerdict`s work too.
 */
import type { SafetyVerdict } from '../core/chat.js';
import type { GuardVerdict } from '../guard/guard-types.js';

/** One verdict as JSON (snake_case, as in the OpenAI wire format). */
export interface VerdictJson {
  action: SafetyVerdict['action'];
  risk_level: SafetyVerdict['riskLevel'];
  risk: number;
  dimension: string;
  principle: number | null;
  attacks: string[];
  compliance: SafetyVerdict['compliance'];
  disclaimer_added: boolean;
  reasons: string[];
  /** The harm mechanism (input: of the request; output: of the removed text), null when none. */
  mechanism: string | null;
}

/** What happened to the answer: replaced or cut by the guard, and why. */
export interface OutputJson {
  /** The output check's action: `block` when the answer was replaced or cut, else the request's action. */
  action: SafetyVerdict['action'];
  replaced: boolean;
  /** Why the answer was replaced (null when it was not). */
  reason: string | null;
  /** refused_request | dangerous_content | compliance | check_error (null when not replaced). */
  kind: string | null;
}

/** The `safemed` object added to a response (and to the final stream chunk) when the backend produced verdicts. */
export interface SafemedResponseObject extends VerdictJson {
  /** Present when the output was checked: whether the answer was replaced or cut, and why. */
  output?: OutputJson;
  /** The disclaimer for this answer; with `response_format` set it is here only, never in the content. */
  disclaimer?: string;
  /** The emergency guidance of an escalation; with `response_format` set it is here only. */
  emergency?: string;
  /** Every verdict, in the order the guard produced them (input check first). */
  verdicts: Array<VerdictJson & { stage: SafetyVerdict['stage'] }>;
}

/** Escalation is the strongest action of an exchange: an escalated request answered with a refusal is still an escalation. */
const ACTION_SEVERITY: Record<SafetyVerdict['action'], number> = { allow: 0, caution: 1, steer: 2, block: 3, escalate: 4 };
const LEVEL_SEVERITY: Record<SafetyVerdict['riskLevel'], number> = { low: 0, medium: 1, high: 2 };

/** A verdict's guard-only fields (mechanism, replacement, disclaimer…), present when the guard made it. */
export const guardFields = (verdict: SafetyVerdict): Partial<GuardVerdict> => verdict;

/** One verdict of the `verdicts` list, stage first (an object literal: spreading a copy cost more than the rest of the summary). */
function toStagedVerdictJson(verdict: SafetyVerdict): VerdictJson & { stage: SafetyVerdict['stage'] } {
  return {
    stage: verdict.stage,
    action: verdict.action,
    risk_level: verdict.riskLevel,
    risk: verdict.risk,
    dimension: verdict.dimension,
    principle: verdict.principle,
    attacks: verdict.attacks,
    compliance: verdict.compliance,
    disclaimer_added: verdict.disclaimerAdded,
    reasons: verdict.reasons,
    mechanism: guardFields(verdict).mechanism ?? null,
  };
}

/** `into` plus the items of `more` it does not hold yet, in order (the lists are short). */
function addNew(into: string[], more: readonly string[]): void {
  for (const item of more) if (!into.includes(item)) into.push(item);
}

/**
 * Summarises verdicts: the decisive verdict is the one with the strongest action (escalate > block >
 * steer > caution > allow; the later one on a tie); risk and risk level are the maxima, attacks and
 * reasons the union, compliance fails if any verdict failed, and `disclaimer_added` is true if any
 * stage added one. `output` describes the last output-stage verdict. Undefined when there are none.
 */
export function toSafemedResponseObject(verdicts: readonly SafetyVerdict[]): SafemedResponseObject | undefined {
  const first = verdicts[0];
  if (first === undefined) return undefined;
  let decisive = first;
  let risk = 0;
  let level: SafetyVerdict['riskLevel'] = 'low';
  const attacks: string[] = [];
  const reasons: string[] = [];
  let failed = false;
  let disclaimerAdded = false;
  let output: SafetyVerdict | undefined;
  let disclaimer: string | undefined;
  let emergency: string | undefined;
  let mechanism: string | null = null;
  const staged: SafemedResponseObject['verdicts'] = [];
  for (const verdict of verdicts) {
    if (ACTION_SEVERITY[verdict.action] >= ACTION_SEVERITY[decisive.action]) decisive = verdict;
    risk = Math.max(risk, verdict.risk);
    if (LEVEL_SEVERITY[verdict.riskLevel] > LEVEL_SEVERITY[level]) level = verdict.riskLevel;
    addNew(attacks, verdict.attacks);
    addNew(reasons, verdict.reasons);
    failed ||= verdict.compliance === 'fail';
    disclaimerAdded ||= verdict.disclaimerAdded;
    const extra = guardFields(verdict);
    if (verdict.stage === 'output') output = verdict;
    disclaimer = extra.disclaimer ?? disclaimer;
    emergency = extra.emergencyNotice ?? emergency;
    mechanism = extra.mechanism ?? mechanism;
    staged.push(toStagedVerdictJson(verdict));
  }
  // The decisive verdict's fields with the summaries in their places (the members of VerdictJson, in order).
  const object: SafemedResponseObject = {
    action: decisive.action,
    risk_level: level,
    risk,
    dimension: decisive.dimension,
    principle: decisive.principle,
    attacks,
    compliance: failed ? 'fail' : 'pass',
    disclaimer_added: disclaimerAdded,
    reasons,
    mechanism: guardFields(decisive).mechanism ?? mechanism,
    verdicts: staged,
  };
  if (output) {
    const replacement = guardFields(output).replacement;
    object.output = {
      action: output.action,
      replaced: replacement !== undefined,
      reason: replacement?.reason ?? null,
      kind: replacement?.kind ?? null,
    };
  }
  if (disclaimer !== undefined) object.disclaimer = disclaimer;
  if (emergency !== undefined) object.emergency = emergency;
  return object;
}
