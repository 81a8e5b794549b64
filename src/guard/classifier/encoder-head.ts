/**
 * The sentence-encoder head: a logistic head on Universal Sentence Encoder embeddings of English
 * requests, used only in the uncertain band of the fast path (assets/guard/encoder-head.json, trained
 * by training/guard/train-encoder-head.ts). The refined risk is the higher of the fast path's and the
 * encoder's, so it never lowers a risk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';
import { defineDataFile } from '../../spec/define-data-file.js';

export const ENCODER_HEAD_FORMAT = 'safemed-guard-encoder-head/1';

const encoderHeadSchema = z.object({
  format: z.literal(ENCODER_HEAD_FORMAT),
  language: z.literal('en'),
  dimensions: z.number().int().positive(),
  weights: z.array(z.number()),
  bias: z.number(),
  /** probability = sigmoid(slope × (logit − threshold)). */
  calibration: z.object({ slope: z.number(), threshold: z.number() }),
  /** Fast-path risks in [low, high) are refined; outside the band the fast path decides alone. */
  band: z.object({ low: z.number(), high: z.number() }),
  seed: z.number(),
  trainedAt: z.string(),
  figures: z.record(z.string(), z.unknown()),
  /**
   * The emergency head on the same embedding (an emergency happening now), consulted when the fast
   * path's emergency probability is in its band; the refined probability is the higher of the two.
   */
  emergency: z
    .object({
      weights: z.array(z.number()),
      bias: z.number(),
      calibration: z.object({ slope: z.number(), threshold: z.number() }),
      band: z.object({ low: z.number(), high: z.number() }),
      figures: z.record(z.string(), z.unknown()),
    })
    .optional(),
});

export type EncoderHead = z.infer<typeof encoderHeadSchema>;

export function defaultEncoderHeadPath(): string {
  return resolvePackagePath('assets', 'guard', 'encoder-head.json');
}

/** assets/guard/encoder-head.json, validated, or null without one (a build loads its JSON snapshot, spec/define-data-file.ts). */
const committedHead = defineDataFile<EncoderHead | null>({
  id: 'guard/encoder-head',
  sources: () => [defaultEncoderHeadPath(), fileURLToPath(import.meta.url)],
  read: () => readEncoderHead() ?? null,
});

/** The committed head, or undefined when there is none (the fast path then decides alone); cached. */
export function loadEncoderHead(): EncoderHead | undefined {
  return committedHead.load() ?? undefined;
}

/** Reads and validates a head file (the committed one by default, bypassing snapshot and cache), or undefined when there is none. */
export function readEncoderHead(path: string = defaultEncoderHeadPath()): EncoderHead | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return encoderHeadSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's encoder head ${path}`, { cause: error, fix: 'Retrain with `npm run train:guard` or restore assets/guard/ from git.' });
  }
}

/** A logistic head on an embedding: weights · embedding + bias, then its calibration. */
interface LogisticPart {
  weights: number[];
  bias: number;
  calibration: { slope: number; threshold: number };
}

function calibratedProbability(part: LogisticPart, dimensions: number, embedding: Float32Array): number {
  let sum = part.bias;
  for (let index = 0; index < dimensions; index += 1) sum += (part.weights[index] ?? 0) * (embedding[index] ?? 0);
  return 1 / (1 + Math.exp(-part.calibration.slope * (sum - part.calibration.threshold)));
}

export function encoderRisk(head: EncoderHead, embedding: Float32Array): number {
  return calibratedProbability(head, head.dimensions, embedding);
}

export function inEncoderBand(head: EncoderHead, risk: number, language: string): boolean {
  return language === head.language && risk >= head.band.low && risk < head.band.high;
}

/** The emergency probability the encoder's emergency head gives an embedding (0 without that head). */
export function encoderEmergency(head: EncoderHead, embedding: Float32Array): number {
  return head.emergency === undefined ? 0 : calibratedProbability(head.emergency, head.dimensions, embedding);
}

export function inEmergencyBand(head: EncoderHead, emergency: number, language: string): boolean {
  return head.emergency !== undefined && language === head.language && emergency >= head.emergency.band.low && emergency < head.emergency.band.high;
}
