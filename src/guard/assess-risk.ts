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
import { encoderEmergency, encoderRisk, inEmergencyBand, inEncoderBand, loadEncoderHead, type EncoderHead } from './classifier/encoder-head.js';
import { loadClassHeads, readGuardModel } from './classifier/guard-model.js';
import { prepareRunOnWords } from './detect/split-run-on-words.js';
import type { RiskAssessment } from './classifier/risk-assessment.js';
import { detectLanguage } from './detect/detect-language.js';
import { asDisplayed } from './detect/fold-letters.js';
import { wrappedPayloads } from './detect/wrapped-payload.js';
import { createSentenceEncoderWorker, type SentenceEncoder, type SentenceEncoderWorker, type SentenceEncoderWorkerOptions } from './classifier/sentence-encoder.js';

export type { RiskAssessment } from './classifier/risk-assessment.js';

let defaultAssessor: RiskAssessor | undefined;
let defaultEncoderHead: EncoderHead | null | undefined;
let defaultEncoder: SentenceEncoderWorker | undefined;

/** Starts the default encoder's thread and its model load now (serve calls it at start-up), so band requests find it ready. */
export function startSentenceEncoder(): void {
  if (readDefaultHead() !== undefined) encoderThread();
}

function readDefaultHead(): EncoderHead | undefined {
  if (defaultEncoderHead === undefined) defaultEncoderHead = loadEncoderHead() ?? null;
  return defaultEncoderHead ?? undefined;
}

let encoderOptions: SentenceEncoderWorkerOptions = {};

/** The default encoder: the Universal Sentence Encoder in a worker thread (bounded queue, 1 s deadline). */
function encoderThread(): SentenceEncoder {
  defaultEncoder ??= createSentenceEncoderWorker(encoderOptions);
  return defaultEncoder;
}

/**
 * Options of the default encoder thread. The defaults protect a server (a per-second budget, a short
 * queue, a 1 s deadline: a busy encoder leaves the fast path's verdict); offline work that must measure
 * the whole guard — `guard eval`, `guard scan` — lifts them with OFFLINE_ENCODER. A running thread is
 * closed and the next band request starts one with the new options.
 */
export function configureSentenceEncoder(options: SentenceEncoderWorkerOptions): void {
  encoderOptions = options;
  const running = defaultEncoder;
  defaultEncoder = undefined;
  if (running) void running.close();
}

/** No budget, a long queue and a generous deadline: every band text is embedded (batch evaluation). */
export const OFFLINE_ENCODER: SentenceEncoderWorkerOptions = { maxPerSecond: Number.POSITIVE_INFINITY, maxPending: 100_000, timeoutMs: 120_000 };

function assessor(): RiskAssessor {
  defaultAssessor ??= createRiskAssessor(readGuardModel());
  return defaultAssessor;
}

/** Loads the committed model now, class heads and the run-on word list included (a server at start-up: no request waits for a file). */
export function loadCommittedModel(): void {
  loadClassHeads(assessor().model);
  prepareRunOnWords();
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

/** The fewest words a message needs before the encoder's emergency head reads it. */
const EMERGENCY_MIN_WORDS = 3;

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/**
 * The text the encoder reads: the last three user turns, joined (head and tail when longer than
 * ENCODER_MAX_CHARACTERS), as displayed (asDisplayed: NFKC, no zero-width characters) — as the fast path reads
 * them; a request with a zero-width space between its letters, or in full-width letters, lost the encoder's
 * raise (probing round 4: steer 0.80 → caution 0.33, the fast path's own risk).
 */
export function encoderText(messages: ChatMessage[]): string {
  const text = asDisplayed(
    messages
      .filter((message) => message.role === 'user')
      .slice(-3)
      .map((message) => message.content)
      .join('\n'),
  );
  if (text.length <= ENCODER_MAX_CHARACTERS) return text;
  return `${text.slice(0, ENCODER_HEAD_CHARACTERS)}\n${text.slice(text.length - (ENCODER_MAX_CHARACTERS - ENCODER_HEAD_CHARACTERS))}`;
}

/**
 * Refines a fast-path assessment with the sentence-encoder heads when it is English and inside a head's
 * uncertain band: risk = max(fast path, encoder) when the risk is in the risk band; emergency =
 * max(fast path, encoder) when the emergency probability is in the emergency band. One embedding serves
 * both. Outside the bands, without a committed head, or when the encoder cannot load (the reason says
 * so), the fast-path assessment is returned unchanged.
 */
export async function refineAssessment(assessment: RiskAssessment, messages: ChatMessage[], options: RefineOptions = {}): Promise<RiskAssessment> {
  const head = options.head ?? readDefaultHead();
  if (head === undefined) return assessment;
  const bands = encoderBands(head, assessment, messages);
  if (bands === undefined) return assessment;
  const { riskBand, emergencyBand, text } = bands;
  options.signal?.throwIfAborted();
  let embedding: Float32Array | undefined;
  let payloadEmbedding: Float32Array | undefined;
  // A request inside a wrapper is also read as the payload the wrapper delimits (the riskiest by the fast path), so
  // wrapping it does not hide it from the encoder (wrapped-payload.ts).
  const payload = riskBand ? riskiestPayload(text, options.assessor ?? assessor(), head.band.low) : undefined;
  try {
    const encoder = options.encoder ?? encoderThread();
    [embedding, payloadEmbedding] = await encoder.embed(payload === undefined ? [text] : [text, payload], { urgent: emergencyBand });
  } catch (error) {
    return { ...assessment, reasons: [...assessment.reasons, `sentence encoder unavailable (${error instanceof Error ? error.message : String(error)}); fast-path risk kept`] };
  }
  options.signal?.throwIfAborted();
  if (embedding === undefined) return assessment;
  let refined = assessment;
  const risk = riskBand ? Math.round(encoderRisk(head, embedding) * 10_000) / 10_000 : 0;
  const payloadRisk = payloadEmbedding === undefined ? 0 : Math.round(encoderRisk(head, payloadEmbedding) * 10_000) / 10_000;
  if (risk > refined.risk && risk >= payloadRisk) refined = { ...refined, risk, reasons: [`sentence encoder: risk ${risk.toFixed(2)} (uncertain band)`, ...refined.reasons] };
  else if (payloadRisk > refined.risk) refined = { ...refined, risk: payloadRisk, reasons: [`sentence encoder: risk ${payloadRisk.toFixed(2)} of the wrapped part (uncertain band)`, ...refined.reasons] };
  const emergency = emergencyBand ? Math.round(encoderEmergency(head, embedding) * 10_000) / 10_000 : 0;
  if (emergency > refined.emergency) refined = { ...refined, emergency, reasons: [`sentence encoder: emergency probability ${emergency.toFixed(2)} (uncertain band)`, ...refined.reasons] };
  if (refined === assessment) return assessment;
  if (refined.dimension === 'benign' && (refined.risk >= 0.25 || refined.emergency >= 0.5)) {
    const harm = (options.assessor ?? assessor()).classifyHarm(text);
    return { ...refined, ...harm };
  }
  return refined;
}

/** The wrapped payload (wrapped-payload.ts) the fast path finds riskiest, when its risk reaches the encoder band's floor. */
function riskiestPayload(text: string, current: RiskAssessor, floor: number): string | undefined {
  let best: { piece: string; risk: number } | undefined;
  for (const piece of wrappedPayloads(text)) {
    const risk = current.assessText(piece).risk;
    if (best === undefined || risk > best.risk) best = { piece, risk };
  }
  return best !== undefined && best.risk >= floor ? best.piece : undefined;
}

/** Which of the encoder's bands a fast-path assessment is in, and the text the encoder would read; undefined when none. */
function encoderBands(head: EncoderHead, assessment: RiskAssessment, messages: ChatMessage[]): { riskBand: boolean; emergencyBand: boolean; text: string } | undefined {
  // Letters of other blocks that NFKC makes English (full-width Ｌａｔｉｎ) count as English for the bands: the
  // encoder reads them normalized. Only such a text is looked at again; any other keeps the fast path's language.
  const language = assessment.language === 'other' ? detectLanguage(encoderText(messages)) : assessment.language;
  // Tested before a wrapper's boost (riskBeforeWrapper): a wrapper must never keep the encoder from reading a request.
  const riskBand = inEncoderBand(head, assessment.risk, language) || (assessment.riskBeforeWrapper !== undefined && inEncoderBand(head, assessment.riskBeforeWrapper, language));
  const inEmergency = inEmergencyBand(head, assessment.emergency, language);
  if (!riskBand && !inEmergency) return undefined;
  const text = encoderText(messages);
  // A greeting or a one-word reply sits near the emergency head's prior, inside its band, and the
  // encoder cannot judge two words either: the emergency band needs a message of three words or more.
  const emergencyBand = inEmergency && wordCount(text) >= EMERGENCY_MIN_WORDS;
  if (!riskBand && !emergencyBand) return undefined;
  return { riskBand, emergencyBand, text };
}

/** Reads the committed sentence-encoder head now (small; not the encoder itself), for wouldRefine. */
export function loadEncoderHeadNow(): void {
  readDefaultHead();
}

/** Whether refineAssessment would ask the sentence encoder about this fast-path assessment (it returns it unchanged otherwise). */
export function wouldRefine(assessment: RiskAssessment, messages: ChatMessage[]): boolean {
  const head = readDefaultHead();
  return head !== undefined && encoderBands(head, assessment, messages) !== undefined;
}

/** assessConversation, then the sentence-encoder head in the uncertain band (see refineAssessment). */
export async function assessConversationRefined(messages: ChatMessage[], options: RefineOptions = {}): Promise<RiskAssessment> {
  const current = options.assessor ?? assessor();
  return refineAssessment(assessConversationTurns(messages, current, current.model.metadata.recommendedThreshold), messages, options);
}
