/**
 * The guard's risk classifier entry points: `assessText` and `assessConversation` (the fast path:
 * hashed n-gram linear heads, microseconds, synchronous) and `assessConversationRefined` (the fast
 * path, then — for English requests whose fast-path risk falls in the uncertain band — a logistic head
 * on Universal Sentence Encoder embeddings; tens of milliseconds when it runs — in a worker thread, so
 * never on the caller's event loop; when the thread is busy or late the fast path stands, with a
 * reason — never lowers a risk).
 * The committed models in assets/guard/ are loaded lazily once.
 */
import type { ChatMessage } from '../core/chat.js';
import { assessConversationTurns } from './classifier/assess-conversation-turns.js';
import { createRiskAssessor, type RiskAssessor } from './classifier/create-risk-assessor.js';
import { encoderRisk, inEncoderBand, readEncoderHead, type EncoderHead } from './classifier/encoder-head.js';
import { readGuardModel } from './classifier/guard-model.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';
import { createSentenceEncoderWorker, type SentenceEncoder, type SentenceEncoderWorker } from './classifier/sentence-encoder.js';

export type { RiskAssessment } from './classifier/risk-assessment.js';

let defaultAssessor: RiskAssessor | undefined;
let defaultEncoderHead: EncoderHead | null | undefined;
let defaultEncoder: SentenceEncoderWorker | undefined;

/** Starts the default encoder's thread and its model load now (serve calls it at start-up), so band requests find it ready. */
export function startSentenceEncoder(): void {
  if (readDefaultHead() !== undefined) encoderThread();
}

function readDefaultHead(): EncoderHead | undefined {
  if (defaultEncoderHead === undefined) defaultEncoderHead = readEncoderHead() ?? null;
  return defaultEncoderHead ?? undefined;
}

/** The default encoder: the Universal Sentence Encoder in a worker thread (bounded queue, 1 s deadline). */
function encoderThread(): SentenceEncoder {
  defaultEncoder ??= createSentenceEncoderWorker();
  return defaultEncoder;
}

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

/**
 * The most characters the encoder reads. Its tokenizer is quadratic in the length of the text (a 1 MB
 * message took minutes), and it was trained on requests far shorter than this, so a longer text is
 * read as its head and its tail (where a wrapped request usually sits). The encoder can only raise a
 * risk, so what it does not read keeps the fast path's risk.
 */
export const ENCODER_MAX_CHARACTERS = 2_000;
const ENCODER_HEAD_CHARACTERS = 500;

/** The text the encoder reads: the last three user turns, joined (head and tail when longer than ENCODER_MAX_CHARACTERS). */
export function encoderText(messages: ChatMessage[]): string {
  const text = messages
    .filter((message) => message.role === 'user')
    .slice(-3)
    .map((message) => message.content)
    .join('\n');
  if (text.length <= ENCODER_MAX_CHARACTERS) return text;
  return `${text.slice(0, ENCODER_HEAD_CHARACTERS)}\n${text.slice(text.length - (ENCODER_MAX_CHARACTERS - ENCODER_HEAD_CHARACTERS))}`;
}

/**
 * Refines a fast-path assessment with the sentence-encoder head when it is English and inside the head's
 * uncertain band: risk = max(fast path, encoder). Outside the band, without a committed head, or when the
 * encoder cannot load (the reason says so), the fast-path assessment is returned unchanged.
 */
export async function refineAssessment(assessment: RiskAssessment, messages: ChatMessage[], options: RefineOptions = {}): Promise<RiskAssessment> {
  const head = options.head ?? readDefaultHead();
  if (head === undefined || !inEncoderBand(head, assessment.risk, assessment.language)) return assessment;
  options.signal?.throwIfAborted();
  let embedding: Float32Array | undefined;
  try {
    const encoder = options.encoder ?? encoderThread();
    [embedding] = await encoder.embed([encoderText(messages)]);
  } catch (error) {
    return { ...assessment, reasons: [...assessment.reasons, `sentence encoder unavailable (${error instanceof Error ? error.message : String(error)}); fast-path risk kept`] };
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
