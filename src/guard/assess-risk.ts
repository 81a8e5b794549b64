/**
 * The guard's risk classifier entry points: `assessText` and `assessConversation` (the fast path:
 * hashed n-gram linear heads, microseconds, synchronous) and `assessConversationRefined` (the fast
 * path, then — for English requests whose fast-path risk falls in the uncertain band — a logistic head
 * on Universal Sentence Encoder embeddings; tens of milliseconds when it runs, never lowers a risk).
 * The committed models in assets/guard/ are loaded lazily once.
 */
import type { ChatMessage } from '../core/chat.js';
import { assessConversationTurns } from './classifier/assess-conversation-turns.js';
import { createRiskAssessor, type RiskAssessor } from './classifier/create-risk-assessor.js';
import { encoderRisk, inEncoderBand, readEncoderHead, type EncoderHead } from './classifier/encoder-head.js';
import { readGuardModel } from './classifier/guard-model.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';
import { loadSentenceEncoder, type SentenceEncoder } from './classifier/sentence-encoder.js';

export type { RiskAssessment } from './classifier/risk-assessment.js';

let defaultAssessor: RiskAssessor | undefined;
let defaultEncoderHead: EncoderHead | null | undefined;

function assessor(): RiskAssessor {
  defaultAssessor ??= createRiskAssessor(readGuardModel());
  return defaultAssessor;
}

/** The risk at or above which the committed model recommends flagging (steer or above). */
export function recommendedRiskThreshold(): number {
  return assessor().model.metadata.recommendedThreshold;
}

/** The emergency probability at or above which the committed model recommends escalating. */
export function recommendedEmergencyThreshold(): number {
  return assessor().model.metadata.recommendedEmergencyThreshold;
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

export interface RefineOptions {
  signal?: AbortSignal;
  /** Overrides for tests and training: the head, the encoder, the fast-path assessor. */
  head?: EncoderHead;
  encoder?: SentenceEncoder;
  assessor?: RiskAssessor;
}

/** The text the encoder reads: the last three user turns, joined. */
export function encoderText(messages: ChatMessage[]): string {
  return messages
    .filter((message) => message.role === 'user')
    .slice(-3)
    .map((message) => message.content)
    .join('\n');
}

/**
 * Refines a fast-path assessment with the sentence-encoder head when it is English and inside the head's
 * uncertain band: risk = max(fast path, encoder). Outside the band, without a committed head, or when the
 * encoder cannot load (the reason says so), the fast-path assessment is returned unchanged.
 */
export async function refineAssessment(assessment: RiskAssessment, messages: ChatMessage[], options: RefineOptions = {}): Promise<RiskAssessment> {
  if (options.head === undefined && defaultEncoderHead === undefined) defaultEncoderHead = readEncoderHead() ?? null;
  const head = options.head ?? defaultEncoderHead ?? undefined;
  if (head === undefined || !inEncoderBand(head, assessment.risk, assessment.language)) return assessment;
  options.signal?.throwIfAborted();
  let embedding: Float32Array | undefined;
  try {
    const encoder = options.encoder ?? (await loadSentenceEncoder());
    [embedding] = await encoder.embed([encoderText(messages)]);
  } catch (error) {
    return { ...assessment, reasons: [...assessment.reasons, `sentence encoder unavailable (${error instanceof Error ? error.message : String(error)}); fast path only`] };
  }
  options.signal?.throwIfAborted();
  if (embedding === undefined) return assessment;
  const risk = Math.round(encoderRisk(head, embedding) * 10_000) / 10_000;
  if (risk <= assessment.risk) return assessment;
  const refined: RiskAssessment = { ...assessment, risk, reasons: [`sentence encoder: risk ${risk.toFixed(2)} (uncertain band)`, ...assessment.reasons] };
  if (refined.dimension === 'benign' && risk >= 0.25) {
    const harm = (options.assessor ?? assessor()).classifyHarm(encoderText(messages));
    return { ...refined, ...harm };
  }
  return refined;
}

/** assessConversation, then the sentence-encoder head in the uncertain band (see refineAssessment). */
export async function assessConversationRefined(messages: ChatMessage[], options: RefineOptions = {}): Promise<RiskAssessment> {
  const current = options.assessor ?? assessor();
  return refineAssessment(assessConversationTurns(messages, current, current.model.metadata.recommendedThreshold), messages, options);
}
