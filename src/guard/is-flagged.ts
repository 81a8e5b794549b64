/**
 * Whether an assessment counts as flagged (steer, block or escalate) under the default guard policy:
 * the same rule the policy applies (src/guard/policy.ts), without the health-topic and emergency
 * inputs, which never lower an action below steer. Used by the dev sets and `safemed guard eval`.
 */
import type { RiskAssessment } from './classifier/risk-assessment.js';
import { DEFAULT_GUARD_POLICY, decideAction } from './policy.js';

export function isFlagged(assessment: RiskAssessment): boolean {
  const { action } = decideAction({ assessment, healthTopic: false }, DEFAULT_GUARD_POLICY);
  return action === 'steer' || action === 'block' || action === 'escalate';
}
