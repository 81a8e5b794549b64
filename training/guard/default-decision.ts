/**
 * The guard's default decision for an assessment, as training and the training report use it: the
 * real policy (src/guard/policy.ts, default thresholds) with the emergency input as the input check
 * computes it (the matcher, then the classifier's emergency probability through
 * emergencyFromProbability). `safemed guard eval` runs the full input check itself.
 */
import type { ChatMessage } from '../../src/core/chat.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import type { GuardDecisionAction } from '../../src/guard/classifier/evaluate-corpus.js';
import { isHealthTopic } from '../../src/guard/is-health-topic.js';
import { emergencyFromProbability, matchEmergency } from '../../src/guard/match-emergency.js';
import { DEFAULT_GUARD_POLICY, decideAction } from '../../src/guard/policy.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';

export function createDefaultDecision(): (assessment: RiskAssessment, messages: ChatMessage[]) => GuardDecisionAction {
  const spec = loadSafetySpec();
  return (assessment, messages) => {
    const text = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
    // As the input check does (src/guard/check-input.ts): the matcher first, then the classifier's probability.
    const emergency = matchEmergency(text, spec) ?? emergencyFromProbability(text, assessment.emergency, assessment.dimension, spec);
    return decideAction({ assessment, emergency, healthTopic: isHealthTopic(text) }, DEFAULT_GUARD_POLICY).action;
  };
}
