/** Assembles a trained guard model (format 2) and writes it as guard-model.json + guard-model.bin. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { GUARD_MODEL_FORMAT, GUARD_MODEL_HIDDEN_FORMAT, guardModelPaths, type GuardModel, type GuardModelMetadata } from '../../src/guard/classifier/guard-model.js';
import type { HiddenLayerMetadata } from '../../src/guard/classifier/hidden-layer.js';
import { quantizeInt8, type BinaryModel, type SoftmaxModel } from './train-linear-model.js';

export interface GuardModelParts {
  risk: { model: BinaryModel; bits: number };
  emergency: { model: BinaryModel; bits: number };
  dimension: { model: SoftmaxModel; bits: number; labels: string[] };
  mechanism: { model: SoftmaxModel; bits: number; labels: string[] };
  principle: { model: SoftmaxModel; bits: number; labels: number[] };
  /** Format 3: the quantised hidden layer (offset placed here). */
  hidden?: { metadata: HiddenLayerMetadata; values: Int8Array };
  calibration: GuardModelMetadata['calibration'];
  recommendedThreshold: number;
  recommendedEmergencyThreshold: number;
  chineseWords: boolean;
  seed: number;
  trainedAt: string;
  training: Record<string, unknown>;
}

/** Quantises the heads into an in-memory GuardModel (exactly what will be written). */
export function assembleGuardModel(parts: GuardModelParts): GuardModel {
  const risk = quantizeInt8(parts.risk.model.weights);
  const emergency = quantizeInt8(parts.emergency.model.weights);
  const dimension = quantizeInt8(parts.dimension.model.weights);
  const mechanism = quantizeInt8(parts.mechanism.model.weights);
  const principle = quantizeInt8(parts.principle.model.weights);
  let offset = 0;
  const place = (length: number): number => {
    const at = offset;
    offset += length;
    return at;
  };
  const metadata: GuardModelMetadata = {
    format: parts.hidden === undefined ? GUARD_MODEL_FORMAT : GUARD_MODEL_HIDDEN_FORMAT,
    risk: { bits: parts.risk.bits, bias: parts.risk.model.bias, scale: risk.scale, offset: place(risk.values.length) },
    emergency: { bits: parts.emergency.bits, bias: parts.emergency.model.bias, scale: emergency.scale, offset: place(emergency.values.length) },
    dimension: { bits: parts.dimension.bits, labels: parts.dimension.labels, biases: Array.from(parts.dimension.model.biases), scale: dimension.scale, offset: place(dimension.values.length) },
    mechanism: { bits: parts.mechanism.bits, labels: parts.mechanism.labels, biases: Array.from(parts.mechanism.model.biases), scale: mechanism.scale, offset: place(mechanism.values.length) },
    principle: { bits: parts.principle.bits, labels: parts.principle.labels, biases: Array.from(parts.principle.model.biases), scale: principle.scale, offset: place(principle.values.length) },
    calibration: parts.calibration,
    recommendedThreshold: parts.recommendedThreshold,
    recommendedEmergencyThreshold: parts.recommendedEmergencyThreshold,
    chineseWords: parts.chineseWords,
    seed: parts.seed,
    trainedAt: parts.trainedAt,
    training: parts.training,
    figures: {},
  };
  const model: GuardModel = { metadata, risk: risk.values, emergency: emergency.values, dimension: dimension.values, mechanism: mechanism.values, principle: principle.values };
  if (parts.hidden !== undefined) {
    metadata.hidden = { ...parts.hidden.metadata, offset: place(parts.hidden.values.length) };
    model.hidden = parts.hidden.values;
  }
  return model;
}

export function writeGuardModel(model: GuardModel, folder: string): { metadata: string; weights: string; bytes: number } {
  mkdirSync(folder, { recursive: true });
  const paths = guardModelPaths(folder);
  const heads = [model.risk, model.emergency, model.dimension, model.mechanism, model.principle, ...(model.hidden === undefined ? [] : [model.hidden])];
  const buffer = Buffer.concat(heads.map((head) => Buffer.from(head.buffer, head.byteOffset, head.byteLength)));
  writeFileSync(paths.weights, buffer);
  writeFileSync(paths.metadata, `${JSON.stringify(model.metadata, null, 2)}\n`);
  return { ...paths, bytes: buffer.length };
}
