/** Writes a trained guard model as guard-model.json (metadata) + guard-model.bin (int8 weights). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { GUARD_MODEL_FORMAT, guardModelPaths, type GuardModel, type GuardModelMetadata } from '../../src/guard/classifier/guard-model.js';
import { quantizeInt8, type BinaryModel, type SoftmaxModel } from './train-linear-model.js';

export interface GuardModelParts {
  riskBits: number;
  headBits: number;
  risk: BinaryModel;
  dimension: SoftmaxModel;
  dimensionLabels: string[];
  principle: SoftmaxModel;
  principleLabels: number[];
  calibration: { slope: number; intercept: number; zh?: { slope: number; intercept: number } };
  recommendedThreshold: number;
  seed: number;
  trainedAt: string;
  training: Record<string, unknown>;
}

/** Quantises the heads into an in-memory GuardModel (exactly what will be written). */
export function assembleGuardModel(parts: GuardModelParts): GuardModel {
  const risk = quantizeInt8(parts.risk.weights);
  const dimension = quantizeInt8(parts.dimension.weights);
  const principle = quantizeInt8(parts.principle.weights);
  const metadata: GuardModelMetadata = {
    format: GUARD_MODEL_FORMAT,
    riskBits: parts.riskBits,
    headBits: parts.headBits,
    risk: { bias: parts.risk.bias, scale: risk.scale, offset: 0 },
    dimension: { labels: parts.dimensionLabels, biases: Array.from(parts.dimension.biases), scale: dimension.scale, offset: risk.values.length },
    principle: {
      labels: parts.principleLabels,
      biases: Array.from(parts.principle.biases),
      scale: principle.scale,
      offset: risk.values.length + dimension.values.length,
    },
    calibration: parts.calibration,
    recommendedThreshold: parts.recommendedThreshold,
    seed: parts.seed,
    trainedAt: parts.trainedAt,
    training: parts.training,
    dev: {},
  };
  return { metadata, riskWeights: risk.values, dimensionWeights: dimension.values, principleWeights: principle.values };
}

export function writeGuardModel(model: GuardModel, folder: string): { metadata: string; weights: string; bytes: number } {
  mkdirSync(folder, { recursive: true });
  const paths = guardModelPaths(folder);
  const buffer = Buffer.concat([
    Buffer.from(model.riskWeights.buffer, model.riskWeights.byteOffset, model.riskWeights.byteLength),
    Buffer.from(model.dimensionWeights.buffer, model.dimensionWeights.byteOffset, model.dimensionWeights.byteLength),
    Buffer.from(model.principleWeights.buffer, model.principleWeights.byteOffset, model.principleWeights.byteLength),
  ]);
  writeFileSync(paths.weights, buffer);
  writeFileSync(paths.metadata, `${JSON.stringify(model.metadata, null, 2)}\n`);
  return { ...paths, bytes: buffer.length };
}
