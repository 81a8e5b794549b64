/**
 * The embedded guard model (format 2): linear heads over hashed features, int8-quantised —
 * `risk` (harmful vs benign) and `emergency` (an emergency happening now) are binary logistic heads;
 * `dimension` (20 ids + general_harm), `mechanism` (the corpus' harm mechanisms) and `principle`
 * (AMA 1–9) are softmax heads. Stored as `guard-model.json` (metadata, biases, scales, calibration,
 * figures) + `guard-model.bin` (weights, one head after the other).
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';
import type { SpanHashes, TextFeatures } from './extract-features.js';
import { hiddenLayerBytes, type HiddenLayerMetadata } from './hidden-layer.js';

export const GUARD_MODEL_FORMAT = 'safemed-guard-linear/2';
/** Format 3: format 2 plus a hidden layer (`hidden`, hidden-layer.ts) after the linear heads in the .bin file. */
export const GUARD_MODEL_HIDDEN_FORMAT = 'safemed-guard-hidden/3';

export interface BinaryHeadMetadata {
  bits: number;
  bias: number;
  /** Weight = int8 value × scale. */
  scale: number;
  /** Byte offset of this head's weights in the .bin file. */
  offset: number;
}

export interface SoftmaxHeadMetadata<Label> {
  bits: number;
  labels: Label[];
  biases: number[];
  scale: number;
  /** Byte offset; layout bucket-major: bucket × labels + label. */
  offset: number;
}

/** probability = sigmoid(slope × (logit − threshold)): the threshold is the logit mapped to 0.5. */
export interface LogitCalibration {
  slope: number;
  threshold: number;
}

export interface GuardModelMetadata {
  format: typeof GUARD_MODEL_FORMAT | typeof GUARD_MODEL_HIDDEN_FORMAT;
  /** Format 3 only: the shared hidden layer and its output heads. */
  hidden?: HiddenLayerMetadata;
  risk: BinaryHeadMetadata;
  emergency: BinaryHeadMetadata;
  dimension: SoftmaxHeadMetadata<string>;
  mechanism: SoftmaxHeadMetadata<string>;
  principle: SoftmaxHeadMetadata<number>;
  /** Per language (`en` is used for every non-Chinese text). */
  calibration: { risk: Record<'en' | 'zh', LogitCalibration>; emergency: Record<'en' | 'zh', LogitCalibration> };
  /** Risk at or above which a request counts as flagged (steer or above). */
  recommendedThreshold: number;
  /** Emergency probability at or above which the classifier recommends escalating. */
  recommendedEmergencyThreshold: number;
  /** Whether Chinese word features (a word segmenter) were used in training; the same must be used at run time. */
  chineseWords: boolean;
  seed: number;
  trainedAt: string;
  training: Record<string, unknown>;
  figures: Record<string, unknown>;
}

export interface GuardModel {
  metadata: GuardModelMetadata;
  risk: Int8Array;
  emergency: Int8Array;
  dimension: Int8Array;
  mechanism: Int8Array;
  principle: Int8Array;
  /** Format 3 only: the hidden layer's int8 rows. */
  hidden?: Int8Array;
}

export interface FeatureContribution {
  name: string;
  contribution: number;
}

export function guardModelPaths(folder: string): { metadata: string; weights: string } {
  return { metadata: join(folder, 'guard-model.json'), weights: join(folder, 'guard-model.bin') };
}

export function defaultGuardModelFolder(): string {
  return resolvePackagePath('assets', 'guard');
}

/**
 * Reads the model: metadata and the two binary heads (risk, emergency) at once; the class heads
 * (dimension, mechanism, principle: ~95 % of the weights) on first use, since only a text at or above
 * the dimension floor needs them — a one-shot `guard check` on an ordinary question reads 0.4 MB, not
 * 6 MB. `serve` reads them at start-up (`loadClassHeads`).
 */
export function readGuardModel(folder: string = defaultGuardModelFolder()): GuardModel {
  const paths = guardModelPaths(folder);
  const unreadable = (error: unknown) =>
    new ConfigError(`Cannot read the guard model in ${folder}`, {
      cause: error,
      fix: 'Rebuild it with `npm run train:guard` (needs ../shared/data) or restore assets/guard/ from git.',
    });
  let metadata: GuardModelMetadata;
  let size: number;
  try {
    metadata = JSON.parse(readFileSync(paths.metadata, 'utf8')) as GuardModelMetadata;
    size = statSync(paths.weights).size;
  } catch (error) {
    throw unreadable(error);
  }
  const format: unknown = metadata.format;
  if (format !== GUARD_MODEL_FORMAT && !(format === GUARD_MODEL_HIDDEN_FORMAT && metadata.hidden !== undefined)) {
    throw new ConfigError(`Unknown guard model format ${String(format)} in ${paths.metadata}`, { fix: 'Retrain with `npm run train:guard`.' });
  }
  const heads = [metadata.risk, metadata.emergency, metadata.dimension, metadata.mechanism, metadata.principle];
  const classesOf = (head: BinaryHeadMetadata | SoftmaxHeadMetadata<unknown>): number => ('labels' in head ? head.labels.length : 1);
  const hidden = metadata.hidden;
  if (heads.some((head) => head.offset + (1 << head.bits) * classesOf(head) > size) || (hidden !== undefined && hidden.offset + hiddenLayerBytes(hidden) > size)) {
    throw new ConfigError(`${paths.weights} is shorter than its metadata says.`, { fix: 'Retrain with `npm run train:guard`.' });
  }
  const read = (head: { offset: number }, length: number): Int8Array => {
    const bytes = Buffer.allocUnsafeSlow(length);
    let descriptor: number | undefined;
    try {
      descriptor = openSync(paths.weights, 'r');
      let done = 0;
      while (done < length) {
        const count = readSync(descriptor, bytes, done, length - done, head.offset + done);
        if (count === 0) throw new Error(`${paths.weights} ended early`);
        done += count;
      }
    } catch (error) {
      throw unreadable(error);
    } finally {
      if (descriptor !== undefined) closeSync(descriptor);
    }
    return new Int8Array(bytes.buffer, bytes.byteOffset, length);
  };
  const lazy = (head: SoftmaxHeadMetadata<unknown>): (() => Int8Array) => {
    let weights: Int8Array | undefined;
    return () => (weights ??= read(head, (1 << head.bits) * head.labels.length));
  };
  const dimension = lazy(metadata.dimension);
  const mechanism = lazy(metadata.mechanism);
  const principle = lazy(metadata.principle);
  return {
    metadata,
    risk: read(metadata.risk, 1 << metadata.risk.bits),
    emergency: read(metadata.emergency, 1 << metadata.emergency.bits),
    ...(hidden === undefined ? {} : { hidden: read(hidden, hiddenLayerBytes(hidden)) }),
    get dimension() {
      return dimension();
    },
    get mechanism() {
      return mechanism();
    },
    get principle() {
      return principle();
    },
  };
}

/** Reads a model's class heads now (a server at start-up, so no request waits for the file); returns their size in bytes. */
export function loadClassHeads(model: GuardModel): number {
  return model.dimension.length + model.mechanism.length + model.principle.length;
}

/** Raw logit of a binary head. */
export function binaryHeadLogit(head: BinaryHeadMetadata, weights: Int8Array, features: TextFeatures): number {
  const mask = (1 << head.bits) - 1;
  let sum = 0;
  for (let index = 0; index < features.hashes.length; index += 1) sum += weights[(features.hashes[index] as number) & mask] as number;
  return head.bias + sum * head.scale * features.value;
}

/** The features' contributions to a binary head's logit (for explanations). */
export function binaryHeadContributions(head: BinaryHeadMetadata, weights: Int8Array, features: TextFeatures): FeatureContribution[] {
  const mask = (1 << head.bits) - 1;
  const contributions: FeatureContribution[] = [];
  for (let index = 0; index < features.hashes.length; index += 1) {
    const weight = weights[(features.hashes[index] as number) & mask] as number;
    if (weight !== 0) contributions.push({ name: features.names[index] as string, contribution: weight * head.scale * features.value });
  }
  return contributions;
}

export function calibrate(calibration: LogitCalibration, logit: number): number {
  return 1 / (1 + Math.exp(-calibration.slope * (logit - calibration.threshold)));
}

export function softmaxHead<Label>(head: SoftmaxHeadMetadata<Label>, weights: Int8Array, features: SpanHashes): { label: Label; probability: number } {
  const classes = head.labels.length;
  const scores = head.biases.slice();
  const mask = (1 << head.bits) - 1;
  const factor = head.scale * features.value;
  for (let index = 0; index < features.hashes.length; index += 1) {
    const base = ((features.hashes[index] as number) & mask) * classes;
    for (let label = 0; label < classes; label += 1) scores[label] = (scores[label] as number) + (weights[base + label] as number) * factor;
  }
  let best = 0;
  for (let label = 1; label < classes; label += 1) if ((scores[label] as number) > (scores[best] as number)) best = label;
  let total = 0;
  for (const score of scores) total += Math.exp(score - (scores[best] as number));
  return { label: head.labels[best] as Label, probability: 1 / total };
}
