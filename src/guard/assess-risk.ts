/**
 * The guard's risk classifier entry points (contracts.md): `assessText` and `assessConversation`.
 * The committed model in assets/guard/ is loaded lazily once; both functions are pure and take well
 * under a millisecond for ordinary requests (see bench/guard-throughput.ts).
 */
import type { ChatMessage } from '../core/chat.js';
import { createRiskAssessor, type RiskAssessor } from './classifier/create-risk-assessor.js';
import { readGuardModel } from './classifier/guard-model.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';
import { assessConversationTurns } from './classifier/assess-conversation-turns.js';

export type { RiskAssessment } from './classifier/risk-assessment.js';

let defaultAssessor: RiskAssessor | undefined;

function assessor(): RiskAssessor {
  defaultAssessor ??= createRiskAssessor(readGuardModel());
  return defaultAssessor;
}

/** The risk at or above which the committed model recommends flagging (steer or above). */
export function recommendedRiskThreshold(): number {
  return assessor().model.metadata.recommendedThreshold;
}

export function assessText(text: string): RiskAssessment {
  return assessor().assessText(text);
}

export function assessConversation(messages: ChatMessage[]): RiskAssessment {
  const current = assessor();
  return assessConversationTurns(messages, current, current.model.metadata.recommendedThreshold);
}

/** Assess with a specific assessor (a freshly trained model in training and eval). */
export function assessConversationWith(current: RiskAssessor, messages: ChatMessage[]): RiskAssessment {
  return assessConversationTurns(messages, current, current.model.metadata.recommendedThreshold);
}
