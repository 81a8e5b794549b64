/**
 * The project's trained risk classifier (src/guard/assess-risk.ts) as the guard's default
 * assessor. The model loads lazily on the first assessment.
 */
import { assessConversation, assessConversationRefined, assessText, loadCommittedModel, startSentenceEncoder } from './assess-risk.js';
import { prepareChineseSimplifier } from './detect/simplify-chinese.js';
import type { RiskAssessor } from './guard-types.js';
import { prepareTraditionalReplies } from './reply-language.js';

export const defaultRiskAssessor: RiskAssessor = {
  assessConversation,
  assessText,
  assessConversationRefined: (messages, signal) => assessConversationRefined(messages, signal === undefined ? {} : { signal }),
};

/**
 * Loads the default assessor's model and the traditional-Chinese converters now and starts the sentence
 * encoder's thread, so the first request neither waits for them nor holds the event loop while they load.
 * The traditional reply tables load in the background; should they fail, the first request written in
 * traditional characters tries again, logs the error and is answered in simplified characters (check-input.ts).
 */
export function prepareDefaultAssessor(): void {
  loadCommittedModel();
  prepareGuardLanguageTables();
  startSentenceEncoder();
}

/**
 * The traditional-Chinese converters the guard's own thread needs whatever thread classifies (emergency
 * phrases are matched in simplified characters; replies are converted to traditional ones).
 */
export function prepareGuardLanguageTables(): void {
  prepareChineseSimplifier();
  prepareTraditionalReplies().catch(() => undefined);
}

export function loadDefaultAssessor(): Promise<RiskAssessor> {
  return Promise.resolve(defaultRiskAssessor);
}
