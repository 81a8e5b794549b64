/**
 * The project's trained risk classifier (src/guard/assess-risk.ts) as the guard's default
 * assessor. The model loads lazily on the first assessment.
 */
import { assessConversation, assessConversationRefined, assessText } from './assess-risk.js';
import type { RiskAssessor } from './guard-types.js';

export const defaultRiskAssessor: RiskAssessor = {
  assessConversation,
  assessText,
  assessConversationRefined: (messages, signal) => assessConversationRefined(messages, signal === undefined ? {} : { signal }),
};

export function loadDefaultAssessor(): Promise<RiskAssessor> {
  return Promise.resolve(defaultRiskAssessor);
}
