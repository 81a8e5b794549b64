/**
 * The sentence-encoder head: a risk head on Universal Sentence Encoder embeddings of English requests
 * (logistic, or since format 2 one hidden ReLU layer and a logistic output) and a logistic emergency
 * head, used only in the uncertain bands of the fast path (assets/guard/encoder-head.json, trained
 * by training/guard/train-encoder-head.ts). The refined risk is the higher of the fast path's and the
 * encoder's, so it never lowers a risk. The head file is read and validated by read-encoder-head.ts,
 * which (with zod) loads only when a build has no fresh snapshot of it (spec/define-data-file.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineLazyDataFile, moduleFile } from '../../spec/define-data-file.js';
import { defaultEncoderHeadPath } from './encoder-head-file.js';
import type { EncoderHead } from './read-encoder-head.js';

export { defaultEncoderHeadPath, ENCODER_HEAD_FORMAT, ENCODER_HEAD_FORMAT_V1 } from './encoder-head-file.js';
export type { EncoderHead } from './read-encoder-head.js';

/** assets/guard/encoder-head.json, validated, or null without one (a build loads its JSON snapshot, spec/define-data-file.ts). */
const committedHead = await defineLazyDataFile<EncoderHead | null>({
  id: 'guard/encoder-head',
  sources: () => [
    defaultEncoderHeadPath(),
    fileURLToPath(import.meta.url),
    moduleFile(import.meta.url, './read-encoder-head'),
    moduleFile(import.meta.url, './encoder-head-file'),
  ],
  importRead: async () => {
    const { readEncoderHead } = await import('./read-encoder-head.js');
    return () => readEncoderHead(defaultEncoderHeadPath()) ?? null;
  },
});

/** The committed head, or undefined when there is none (the fast path then decides alone); cached. */
export function loadEncoderHead(): EncoderHead | undefined {
  return committedHead.load() ?? undefined;
}

/** A logistic head on an embedding: weights · embedding + bias, then its calibration. */
interface LogisticPart {
  weights: number[];
  bias: number;
  calibration: { slope: number; threshold: number };
}

function calibrated(part: LogisticPart, logit: number): number {
  return 1 / (1 + Math.exp(-part.calibration.slope * (logit - part.calibration.threshold)));
}

function linearLogit(part: LogisticPart, dimensions: number, embedding: Float32Array): number {
  let sum = part.bias;
  for (let index = 0; index < dimensions; index += 1) sum += (part.weights[index] ?? 0) * (embedding[index] ?? 0);
  return sum;
}

/** The hidden layer's weights as a typed array, once per head (the JSON arrays are several times slower to read in the loop). */
const hiddenWeightCache = new WeakMap<EncoderHead, Float64Array>();

/** The risk head's logit before calibration: logistic, or output weights · ReLU(hidden weights · embedding + hidden bias) + bias. */
export function encoderRiskLogit(head: EncoderHead, embedding: Float32Array): number {
  const hidden = head.hidden;
  if (hidden === undefined) return linearLogit(head, head.dimensions, embedding);
  let weights = hiddenWeightCache.get(head);
  if (weights === undefined) {
    weights = Float64Array.from(hidden.weights);
    hiddenWeightCache.set(head, weights);
  }
  const dimensions = Math.min(head.dimensions, embedding.length);
  let sum = head.bias;
  for (let unit = 0; unit < hidden.units; unit += 1) {
    const offset = unit * head.dimensions;
    let activation = hidden.bias[unit] ?? 0;
    for (let index = 0; index < dimensions; index += 1) activation += (weights[offset + index] as number) * (embedding[index] as number);
    if (activation > 0) sum += (head.weights[unit] ?? 0) * activation;
  }
  return sum;
}

export function encoderRisk(head: EncoderHead, embedding: Float32Array): number {
  return calibrated(head, encoderRiskLogit(head, embedding));
}

export function inEncoderBand(head: EncoderHead, risk: number, language: string): boolean {
  return language === head.language && risk >= head.band.low && risk < head.band.high;
}

/** The emergency probability the encoder's emergency head gives an embedding (0 without that head). */
export function encoderEmergency(head: EncoderHead, embedding: Float32Array): number {
  return head.emergency === undefined ? 0 : calibrated(head.emergency, linearLogit(head.emergency, head.dimensions, embedding));
}

export function inEmergencyBand(head: EncoderHead, emergency: number, language: string): boolean {
  return head.emergency !== undefined && language === head.language && emergency >= head.emergency.band.low && emergency < head.emergency.band.high;
}
