/**
 * The guard model's optional hidden layer (format 3): the same hashed features as the linear heads feed
 * one shared layer of ReLU units — pre-activation = bias + (1/√(n+3)) · Σ W[feature], int8 rows with one
 * scale per unit — and small float output heads (risk, emergency, dimension, mechanism) read it. Which
 * heads use it (the others keep their linear head) and, for risk and emergency, how its logit is blended
 * with the linear head's (per language) are in the metadata, chosen on dev at training time.
 *
 * For speed a span's pre-activation is a sum of integer rows: the span scorer keeps one running sum per
 * span start and adds a segment's precomputed row sum (create-hidden-parts.ts), subtracting the rows of
 * features the span already had, so every distinct feature counts once, exactly as in training.
 */
import { featureValue } from './extract-features.js';

export type HiddenHeadName = 'risk' | 'emergency' | 'dimension' | 'mechanism';

export interface HiddenBinaryHead {
  /** One weight per hidden unit. */
  weights: number[];
  bias: number;
}

export interface HiddenSoftmaxHead<Label> {
  labels: Label[];
  /** Label-major: weights[label × units + unit]. */
  weights: number[];
  biases: number[];
}

export interface HiddenLayerMetadata {
  bits: number;
  units: number;
  /** Weight of unit u = int8 value × scales[u]. */
  scales: number[];
  biases: number[];
  /** Byte offset of the int8 rows (bucket-major: bucket × units + unit) in the .bin file. */
  offset: number;
  risk: HiddenBinaryHead;
  emergency: HiddenBinaryHead;
  dimension: HiddenSoftmaxHead<string>;
  mechanism: HiddenSoftmaxHead<string>;
  /** The heads that read the hidden layer; the others keep their linear head. */
  use: HiddenHeadName[];
  /** Risk and emergency, per span language: logit = hidden × the hidden head's logit + linear × the linear head's logit. */
  blend: HiddenBlend;
}

export interface BlendWeights {
  hidden: number;
  linear: number;
}

export type HiddenBlend = Record<'risk' | 'emergency', Record<'en' | 'zh', BlendWeights>>;

export function blendLogits(weights: BlendWeights, hiddenLogit: number, linearLogit: number): number {
  return weights.hidden * hiddenLogit + weights.linear * linearLogit;
}

export interface HiddenLayer {
  metadata: HiddenLayerMetadata;
  units: number;
  uses(head: HiddenHeadName): boolean;
  /** A zeroed running sum (integers: the int8 rows added up). */
  createSum(): Float64Array;
  /** sum += sign × row(hash), into sum[offset …] (offset 0 when absent). */
  addRow(sum: Float64Array, hash: number, sign: number, offset?: number): void;
  /** The ReLU activations for a running sum of `count` distinct features (written into `into`). */
  activate(sum: Float64Array, count: number, into: Float64Array): Float64Array;
  binaryLogit(head: HiddenBinaryHead, activations: Float64Array): number;
  softmaxScores(head: HiddenSoftmaxHead<unknown>, activations: Float64Array): number[];
}

export function hiddenLayerBytes(metadata: HiddenLayerMetadata): number {
  return (1 << metadata.bits) * metadata.units;
}

export function createHiddenLayer(metadata: HiddenLayerMetadata, weights: Int8Array): HiddenLayer {
  const units = metadata.units;
  const mask = (1 << metadata.bits) - 1;
  const scales = Float64Array.from(metadata.scales);
  const biases = Float64Array.from(metadata.biases);
  const used = new Set(metadata.use);
  const addRow = (sum: Float64Array, hash: number, sign: number, offset = 0): void => {
    const base = (hash & mask) * units;
    for (let unit = 0; unit < units; unit += 1) sum[offset + unit] = (sum[offset + unit] as number) + sign * (weights[base + unit] as number);
  };
  return {
    metadata,
    units,
    uses: (head) => used.has(head),
    createSum: () => new Float64Array(units),
    addRow,
    activate(sum, count, into) {
      const value = featureValue(count);
      for (let unit = 0; unit < units; unit += 1) {
        const pre = (biases[unit] as number) + (sum[unit] as number) * (scales[unit] as number) * value;
        into[unit] = pre > 0 ? pre : 0;
      }
      return into;
    },
    binaryLogit(head, activations) {
      let logit = head.bias;
      for (let unit = 0; unit < units; unit += 1) logit += (head.weights[unit] as number) * (activations[unit] as number);
      return logit;
    },
    softmaxScores(head, activations) {
      return head.biases.map((bias, label) => {
        let score = bias;
        const base = label * units;
        for (let unit = 0; unit < units; unit += 1) score += (head.weights[base + unit] as number) * (activations[unit] as number);
        return score;
      });
    },
  };
}

/** The most likely label and its probability from softmax scores. */
export function softmaxBest<Label>(labels: Label[], scores: number[]): { label: Label; probability: number } {
  let best = 0;
  for (let label = 1; label < scores.length; label += 1) if ((scores[label] as number) > (scores[best] as number)) best = label;
  let total = 0;
  for (const score of scores) total += Math.exp(score - (scores[best] as number));
  return { label: labels[best] as Label, probability: 1 / total };
}
