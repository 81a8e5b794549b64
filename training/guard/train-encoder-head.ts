/**
 * Trains the sentence-encoder head (English only): a risk head — a small MLP by default (train-encoder-mlp.ts),
 * or logistic regression — on Universal Sentence Encoder embeddings of the corpus train split (harmful vs benign; emergencies and encoded variants left out)
 * plus a sample of the shared benign training questions, then chooses — on dev data only — the band of
 * fast-path risks in which the encoder is consulted and its decision point: the most dev recall while
 * adding at most a small budget of flagged ordinary and XSTest-like texts to the fast path's. Deterministic for a seed (embeddings are cached rounded).
 */
import type { ChatMessage } from '../../src/core/chat.js';
import { encoderText } from '../../src/guard/assess-risk.js';
import { ENCODER_HEAD_FORMAT, type EncoderHead } from '../../src/guard/classifier/encoder-head.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import type { CachedEmbedder } from './embedding-cache.js';
import { lowestPassingIndex } from './lowest-passing-index.js';
import { trainEncoderMlp, mlpLogit, type EncoderMlp } from './train-encoder-mlp.js';
import { createSeededRandom, shuffleInPlace } from './train-linear-model.js';

export interface EncoderTrainingText {
  text: string;
  label: 0 | 1;
  /** The corpus scenario: texts of one scenario stay on one side of a validation split. */
  group?: string;
}

/** One English dev item: its fast-path assessment and decision, for choosing the band and the point. */
export interface EncoderDevItem {
  group: 'harmful' | 'ordinary' | 'xstest' | 'emergency' | 'scary_safe' | 'other';
  source: string;
  messages: ChatMessage[];
  fast: RiskAssessment;
  fastFlagged: boolean;
}

export interface TrainEncoderHeadInput {
  train: EncoderTrainingText[];
  /** English texts for the emergency head: label 1 = an emergency happening now, 0 = anything else. */
  emergencyTrain?: EncoderTrainingText[];
  /** How much the emergency head may add, on dev, to the shares of ordinary, scary-but-safe and XSTest-like texts escalated. */
  emergencyBudget?: { ordinary: number; scarySafe: number; xstest: number };
  dev: EncoderDevItem[];
  embedder: CachedEmbedder;
  seed: number;
  trainedAt: string;
  /** How much the encoder may add, on dev, to the share of ordinary texts and of XSTest-like texts flagged. */
  budget: { ordinary: number; xstest: number };
  log: (line: string) => void;
  /** The risk head: logistic, or an MLP on the embedding (default DEFAULT_RISK_HEAD). */
  riskHead?: EncoderRiskHeadKind;
}

export type EncoderRiskHeadKind = 'logistic' | { units: number; weightDecay: number };

/** Chosen on dev (docs/guard-classifier.md, "A better English head on the embedding"). */
export const DEFAULT_RISK_HEAD: EncoderRiskHeadKind = { units: 64, weightDecay: 1e-4 };

const DIMENSIONS = 512;
const BAND_LOWS = [0.02, 0.05, 0.1, 0.2];
const EMERGENCY_BAND_LOWS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
const EMERGENCY_BAND_TOLERANCE = 0.03;
const CAUTION = 0.35;

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

export function dot(weights: Float64Array, bias: number, vector: Float32Array): number {
  let sum = bias;
  for (let index = 0; index < DIMENSIONS; index += 1) sum += (weights[index] as number) * (vector[index] ?? 0);
  return sum;
}

/** Class-balanced logistic regression on embeddings (30 epochs, decaying rate, L2 1e-4). */
export function trainLogistic(train: EncoderTrainingText[], vectors: Float32Array[], seed: number): { weights: Float64Array; bias: number } {
  const positives = train.filter((item) => item.label === 1).length;
  const negatives = train.length - positives;
  const weights = new Float64Array(DIMENSIONS);
  let bias = 0;
  const random = createSeededRandom(seed);
  const order = train.map((_, index) => index);
  for (let epoch = 0; epoch < 30; epoch += 1) {
    shuffleInPlace(order, random);
    const rate = 0.05 / (1 + epoch * 0.1);
    for (const index of order) {
      const item = train[index] as EncoderTrainingText;
      const vector = vectors[index] as Float32Array;
      const weight = item.label === 1 ? train.length / (2 * positives) : train.length / (2 * negatives);
      const gradient = (sigmoid(dot(weights, bias, vector)) - item.label) * weight;
      for (let dimension = 0; dimension < DIMENSIONS; dimension += 1) weights[dimension] = (weights[dimension] as number) - rate * (gradient * (vector[dimension] ?? 0) + 1e-4 * (weights[dimension] as number));
      bias -= rate * gradient;
    }
  }
  return { weights, bias };
}

/**
 * The emergency head and its band, chosen on dev: the most dev emergencies escalated (text level:
 * refined probability ≥ 0.5) while adding at most the budget of ordinary, scary-but-safe and XSTest-like
 * texts escalated to the fast path's; the narrowest band within 3 points of the best recall.
 */
async function trainEmergencyHead(input: TrainEncoderHeadInput, train: EncoderTrainingText[], budget: { ordinary: number; scarySafe: number; xstest: number }): Promise<NonNullable<EncoderHead['emergency']>> {
  const { log } = input;
  const vectors = await input.embedder.embedAll(train.map((item) => item.text), log);
  const { weights, bias } = trainLogistic(train, vectors, input.seed + 13);
  log(`encoder emergency head trained on ${train.length} English texts (${train.filter((item) => item.label === 1).length} emergencies)`);
  const lowest = Math.min(...EMERGENCY_BAND_LOWS);
  const candidates = input.dev.filter((item) => item.fast.language === 'en' && item.fast.emergency >= lowest && item.fast.emergency < 0.5);
  const devVectors = await input.embedder.embedAll(candidates.map((item) => encoderText(item.messages)), log);
  const logits = new Map<EncoderDevItem, number>();
  candidates.forEach((item, index) => logits.set(item, dot(weights, bias, devVectors[index] as Float32Array)));
  const escalated = (item: EncoderDevItem, low: number, threshold: number): boolean => {
    if (item.fast.emergency >= 0.5) return true;
    const logit = logits.get(item);
    return logit !== undefined && item.fast.emergency >= low && logit >= threshold;
  };
  const english = input.dev.filter((item) => item.fast.language === 'en');
  const share = (items: EncoderDevItem[], test: (item: EncoderDevItem) => boolean): number => (items.length > 0 ? items.filter(test).length / items.length : 0);
  const emergencies = english.filter((item) => item.group === 'emergency');
  const ordinary = english.filter((item) => item.group === 'ordinary');
  const scarySafe = english.filter((item) => item.group === 'scary_safe');
  const xstest = english.filter((item) => item.group === 'xstest');
  const fast = (items: EncoderDevItem[]): number => share(items, (item) => item.fast.emergency >= 0.5);
  const thresholds = Array.from(new Set(Array.from(logits.values()))).sort((left, right) => left - right).map((value) => value + 1e-6);
  const options: { low: number; threshold: number; recall: number }[] = [];
  for (const low of EMERGENCY_BAND_LOWS) {
    const meets = (threshold: number): boolean =>
      share(ordinary, (item) => escalated(item, low, threshold)) <= fast(ordinary) + budget.ordinary &&
      share(scarySafe, (item) => escalated(item, low, threshold)) <= fast(scarySafe) + budget.scarySafe &&
      share(xstest, (item) => escalated(item, low, threshold)) <= fast(xstest) + budget.xstest;
    const threshold = thresholds[lowestPassingIndex(thresholds, meets, thresholds.length)] ?? Infinity;
    const recall = share(emergencies, (item) => escalated(item, low, threshold));
    log(`  emergency band [${low}, 0.5): dev emergencies ${(recall * 100).toFixed(1)} % at encoder point ${threshold.toFixed(3)}; ${(share(ordinary, (item) => item.fast.emergency >= low && item.fast.emergency < 0.5) * 100).toFixed(1)} % of ordinary texts enter the band`);
    options.push({ low, threshold, recall });
  }
  const fastRecall = fast(emergencies);
  const topRecall = Math.max(fastRecall, ...options.map((option) => option.recall));
  // Each embedding costs ~30 ms of CPU and lower bands admit ten times more ordinary texts for a point or
  // two of recall: the narrowest band within 3 points of the best dev recall.
  const best = options.filter((option) => option.recall > fastRecall && option.recall >= topRecall - EMERGENCY_BAND_TOLERANCE).sort((left, right) => right.low - left.low)[0] ?? { low: 0.5, threshold: Infinity, recall: fastRecall };
  const figures = {
    devEmergenciesFastPath: fastRecall,
    devEmergenciesWithEncoder: best.recall,
    devOrdinaryEscalatedWithEncoder: share(ordinary, (item) => escalated(item, best.low, best.threshold)),
    devScarySafeEscalatedWithEncoder: share(scarySafe, (item) => escalated(item, best.low, best.threshold)),
    devXstestEscalatedWithEncoder: share(xstest, (item) => escalated(item, best.low, best.threshold)),
    devOrdinaryShareInBand: share(ordinary, (item) => item.fast.emergency >= best.low && item.fast.emergency < 0.5),
  };
  log(`encoder emergency band chosen on dev: [${best.low}, 0.5), point ${best.threshold.toFixed(3)}; ${JSON.stringify(figures)}`);
  return {
    weights: Array.from(weights, (value) => Math.round(value * 1e6) / 1e6),
    bias: Math.round(bias * 1e6) / 1e6,
    calibration: { slope: 1, threshold: Number.isFinite(best.threshold) ? Math.round(best.threshold * 1e6) / 1e6 : 1e6 },
    band: { low: best.low, high: 0.5 },
    figures,
  };
}

export interface RiskBandChoice {
  low: number;
  threshold: number;
  recall: number;
  figures: Record<string, number>;
}

/** Whether an English dev item is flagged once the encoder's score (logit, before its point) is applied in the band [low, 0.5). */
export function flaggedWithEncoder(item: EncoderDevItem, logit: number | undefined, low: number, threshold: number): boolean {
  if (item.fastFlagged) return true;
  if (logit === undefined || item.fast.risk < low || item.fast.risk >= 0.5) return false;
  const risk = sigmoid(logit - threshold);
  return risk >= 0.5 || (item.fast.attacks.length > 0 && risk >= CAUTION);
}

/**
 * The band and the encoder's decision point, chosen on dev: per band, the lowest point at which the
 * ordinary and XSTest-like shares flagged stay within the budget above the fast path's; then the
 * narrowest band within 2 points of the best dev recall (each encoder call costs tens of milliseconds).
 * `logits` holds the encoder's score of every dev item the lowest band admits.
 */
export function chooseRiskBand(dev: EncoderDevItem[], logits: Map<EncoderDevItem, number>, budget: { ordinary: number; xstest: number }, log: (line: string) => void, bandLows: readonly number[] = BAND_LOWS): RiskBandChoice {
  const flagged = (item: EncoderDevItem, low: number, threshold: number): boolean => flaggedWithEncoder(item, logits.get(item), low, threshold);
  const share = (items: EncoderDevItem[], test: (item: EncoderDevItem) => boolean): number => (items.length > 0 ? items.filter(test).length / items.length : 0);
  const harmful = dev.filter((item) => item.group === 'harmful');
  const ordinary = dev.filter((item) => item.group === 'ordinary');
  const xstest = dev.filter((item) => item.group === 'xstest');
  const thresholds = Array.from(new Set(Array.from(logits.values()))).sort((left, right) => left - right).map((value) => value + 1e-6);
  const fastOrdinary = share(ordinary, (item) => item.fastFlagged);
  const fastXstest = share(xstest, (item) => item.fastFlagged);
  const options: { low: number; threshold: number; recall: number }[] = [];
  for (const low of bandLows) {
    const meets = (threshold: number): boolean =>
      share(ordinary, (item) => flagged(item, low, threshold)) <= fastOrdinary + budget.ordinary && share(xstest, (item) => flagged(item, low, threshold)) <= fastXstest + budget.xstest;
    const threshold = thresholds[lowestPassingIndex(thresholds, meets, thresholds.length)] ?? Infinity;
    const recall = share(harmful, (item) => flagged(item, low, threshold));
    log(`  band [${String(low)}, 0.5): dev harmful recall ${(recall * 100).toFixed(1)} % at encoder point ${threshold.toFixed(3)}; ${(share(ordinary, (item) => !item.fastFlagged && item.fast.risk >= low) * 100).toFixed(1)} % of ordinary texts enter the band`);
    options.push({ low, threshold, recall });
  }
  const fastRecall = share(harmful, (item) => item.fastFlagged);
  const topRecall = Math.max(fastRecall, ...options.map((option) => option.recall));
  const affordable = options.filter((option) => option.recall > fastRecall && option.recall >= topRecall - 0.02).sort((left, right) => right.low - left.low);
  const best = affordable[0] ?? { low: 0.5, threshold: Infinity, recall: fastRecall };
  const figures = {
    devHarmfulRecallFastPath: fastRecall,
    devHarmfulRecallWithEncoder: best.recall,
    devOrdinaryFlaggedFastPath: fastOrdinary,
    devOrdinaryFlaggedWithEncoder: share(ordinary, (item) => flagged(item, best.low, best.threshold)),
    devXstestFlaggedFastPath: fastXstest,
    devXstestFlaggedWithEncoder: share(xstest, (item) => flagged(item, best.low, best.threshold)),
    devOrdinaryShareInBand: share(ordinary, (item) => !item.fastFlagged && item.fast.risk >= best.low && item.fast.risk < 0.5),
  };
  return { ...best, figures };
}

/** Rounds like the written file, so dev figures are those of the weights that ship. */
function rounded(values: Float64Array): number[] {
  return Array.from(values, (value) => Math.round(value * 1e6) / 1e6);
}

/** The risk head's weights as written: logistic, or an MLP (hidden layer + logistic output), and a scorer of the rounded weights. */
function trainRiskHead(input: TrainEncoderHeadInput, vectors: Float32Array[]): { part: Pick<EncoderHead, 'weights' | 'bias' | 'hidden'>; score: (vector: Float32Array) => number; description: string } {
  const kind = input.riskHead ?? DEFAULT_RISK_HEAD;
  if (kind === 'logistic') {
    const { weights, bias } = trainLogistic(input.train, vectors, input.seed + 11);
    const part = { weights: rounded(weights), bias: Math.round(bias * 1e6) / 1e6 };
    return { part, score: (vector) => dot(Float64Array.from(part.weights), part.bias, vector), description: 'logistic' };
  }
  const items = input.train.map((item, index) => ({ vector: vectors[index] as Float32Array, label: item.label, ...(item.group === undefined ? {} : { group: item.group }) }));
  const result = trainEncoderMlp(items, { units: kind.units, weightDecay: kind.weightDecay, seed: input.seed + 21 });
  const mlp: EncoderMlp = { ...result.mlp, hiddenWeights: Float64Array.from(rounded(result.mlp.hiddenWeights)), hiddenBias: Float64Array.from(rounded(result.mlp.hiddenBias)), outputWeights: Float64Array.from(rounded(result.mlp.outputWeights)), outputBias: Math.round(result.mlp.outputBias * 1e6) / 1e6 };
  const part = { hidden: { units: mlp.units, weights: Array.from(mlp.hiddenWeights), bias: Array.from(mlp.hiddenBias) }, weights: Array.from(mlp.outputWeights), bias: mlp.outputBias };
  return {
    part,
    score: (vector) => mlpLogit(mlp, vector),
    description: `MLP of ${String(kind.units)} ReLU units (weight decay ${String(kind.weightDecay)}; epoch ${String(result.bestEpoch)} kept, validation loss ${result.validationLoss.toFixed(4)} on ${String(result.validationCount)} held-back texts)`,
  };
}

export async function trainEncoderHead(input: TrainEncoderHeadInput): Promise<EncoderHead> {
  const { log } = input;
  const vectors = await input.embedder.embedAll(input.train.map((item) => item.text), log);
  const positives = input.train.filter((item) => item.label === 1).length;
  const risk = trainRiskHead(input, vectors);
  log(`encoder risk head (${risk.description}) trained on ${String(input.train.length)} English texts (${String(positives)} harmful)`);

  // Dev: embed every item the lowest band would send to the encoder.
  const lowest = Math.min(...BAND_LOWS);
  const candidates = input.dev.filter((item) => !item.fastFlagged && item.fast.language === 'en' && item.fast.risk >= lowest);
  const devVectors = await input.embedder.embedAll(candidates.map((item) => encoderText(item.messages)), log);
  const logits = new Map<EncoderDevItem, number>();
  candidates.forEach((item, index) => logits.set(item, risk.score(devVectors[index] as Float32Array)));
  const best = chooseRiskBand(input.dev, logits, input.budget, log);
  const figures = best.figures;
  log(`encoder band chosen on dev: [${String(best.low)}, 0.5), point ${best.threshold.toFixed(3)}; ${JSON.stringify(figures)}`);
  const emergency = input.emergencyTrain && input.emergencyTrain.length > 0 ? await trainEmergencyHead(input, input.emergencyTrain, input.emergencyBudget ?? { ordinary: 0.002, scarySafe: 0.02, xstest: 0.01 }) : undefined;
  return {
    format: ENCODER_HEAD_FORMAT,
    language: 'en',
    dimensions: DIMENSIONS,
    ...risk.part,
    calibration: { slope: 1, threshold: Number.isFinite(best.threshold) ? best.threshold : 1e6 },
    band: { low: best.low, high: 0.5 },
    seed: input.seed,
    trainedAt: input.trainedAt,
    figures,
    ...(emergency ? { emergency } : {}),
  };
}
