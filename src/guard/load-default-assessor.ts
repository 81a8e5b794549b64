/**
 * The project's trained risk classifier (src/guard/assess-risk.ts) as the guard's default
 * assessor. The model loads lazily on the first assessment.
 */
import { assessConversation, assessText } from './assess-risk.js';
import type { RiskAssessor } from './guard-types.js';

export const defaultRiskAssessor: RiskAssessor = { assessConversation, assessText };

export function loadDefaultAssessor(): Promise<RiskAssessor> {
  return Promise.resolve(defaultRiskAssessor);
}
