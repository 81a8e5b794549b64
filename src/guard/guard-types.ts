/**
 * Types shared by the guard's files: the classifier's `RiskAssessment`, the one injectable
 * `RiskAssessor` interface, the guard's verdict (`GuardVerdict`, a `SafetyVerdict` with what the
 * client is told) and `GuardOptions`, the options of `createGuardedBackend`.
 */
import type { ChatMessage, SafetyVerdict } from '../core/chat.js';
import type { Logger } from '../core/logger.js';
import type { SafetySpec } from '../spec/safety-spec-schema.js';
import type { LlmGuard } from './llm-guard.js';
import type { GuardPolicy } from './policy.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';

export type { RiskAssessment };

/**
 * The classifier as the guard sees it (the default is the trained classifier in assess-risk.ts);
 * tests inject deterministic ones. This is the guard's only assessor interface.
 */
/** What the caller knows of its load, for an assessor that can run elsewhere (create-assessor-worker.ts). */
export interface AssessmentLoad {
  /** Requests the guard is handling at once, this one included. */
  concurrent: number;
}

export interface RiskAssessor {
  assessConversation(messages: ChatMessage[]): RiskAssessment;
  assessText(text: string): RiskAssessment;
  /**
   * A refined (asynchronous) conversation assessment, when the assessor has one — the committed
   * classifier's sentence-encoder band. Injected assessors (tests, eval) are synchronous and need not.
   */
  assessConversationRefined?: ((messages: ChatMessage[], signal?: AbortSignal, load?: AssessmentLoad) => Promise<RiskAssessment>) | undefined;
  /** assessText, asynchronously, when the assessor runs elsewhere (its own thread: create-assessor-worker.ts). */
  assessTextRefined?: ((text: string, signal?: AbortSignal) => Promise<RiskAssessment>) | undefined;
  /** Releases what the assessor holds (a thread). */
  close?: (() => Promise<void>) | undefined;
}

/** The harm mechanism the classifier recognised (null until trained or when none applies). */
export function mechanismOf(assessment: RiskAssessment): string | null {
  return assessment.mechanism;
}

/** The classifier's probability that the text describes an emergency happening now (0 until trained). */
export function emergencyProbabilityOf(assessment: RiskAssessment): number {
  return Number.isFinite(assessment.emergency) ? assessment.emergency : 0;
}

/** Why an answer was cut and replaced (on the output verdict). */
export interface OutputReplacement {
  /** `refused_request`: the request was blocked and answered from a template (no model call);
   * `dangerous_content`: plainly dangerous instructions in the answer; `compliance`: the model gave
   * the harmful part of a steered request; `check_error`: the output check failed (fail-closed). */
  kind: 'refused_request' | 'dangerous_content' | 'compliance' | 'check_error';
  /** The channel in which the text was found. */
  channel: 'reasoning' | 'text';
  /** One sentence for the client, e.g. "the answer gave instructions for covert administration". */
  reason: string;
  /** The mechanism the removed text served, when known. */
  mechanism: string | null;
}

/**
 * A verdict as the guard yields it: a `SafetyVerdict` plus what the `safemed` response object shows
 * the client. The extra fields are optional so every `SafetyVerdict` consumer keeps working.
 */
export interface GuardVerdict extends SafetyVerdict {
  /** The harm mechanism of the request (input) or of the removed text (output). */
  mechanism?: string | null;
  /** Set on the output verdict when the answer was replaced or cut. */
  replacement?: OutputReplacement;
  /** The disclaimer text; with structured output it is only here, never in the content. */
  disclaimer?: string;
  /** The emergency guidance; with structured output it is only here, never in the content. */
  emergencyNotice?: string;
}

export type GuardFailMode = 'open' | 'closed';

export interface GuardOptions {
  /** The classifier (default: the project's trained classifier, src/guard/assess-risk.ts). */
  assess?: RiskAssessor;
  /** Thresholds and per-dimension overrides (default: DEFAULT_GUARD_POLICY). */
  policy?: GuardPolicy;
  /** Optional second opinion from an LLM guard (see llm-guard.ts). */
  llmGuard?: LlmGuard;
  /** What an LLM-guard or classifier error does: closed = steer (default), open = allow with caution. */
  failMode?: GuardFailMode;
  /** Check the model's output (reasoning and answer) too (default true). */
  checkOutput?: boolean;
  /** Append disclaimers on caution/escalate answers (default true). */
  disclaimers?: boolean;
  /** The system prompt a steered request gets when the conversation has none (default: the model card's). */
  baseSystemPrompt?: string;
  spec?: SafetySpec;
  logger?: Logger;
}
