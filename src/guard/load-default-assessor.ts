/**
 * The project's trained risk classifier (src/guard/assess-risk.ts) as the guard's default
 * assessor. The model loads lazily on the first assessment.
 */
import { assessConversation, assessConversationRefined, assessText, loadCommittedModel, startSentenceEncoder } from './assess-risk.js';
import type { RiskAssessor } from './guard-types.js';

export const defaultRiskAssessor: RiskAssessor = {
  assessConversation,
  assessText,
  assessConversationRefined: (messages, signal) => assessConversationRefined(messages, signal === undefined ? {} : { signal }),
};

/**
 * Loads the default assessor's model now and starts the sentence encoder's thread, so the first
 * request neither waits for the model file nor holds the event loop while it is read.
 */
export function prepareDefaultAssessor(): void {
  loadCommittedModel();
  startSentenceEncoder();
}

export function loadDefaultAssessor(): Promise<RiskAssessor> {
  return Promise.resolve(defaultRiskAssessor);
}
