/**
 * A small MLP head on sentence embeddings (one ReLU layer, one logit), class-balanced cross-entropy,
 * Adam on mini-batches with decoupled weight decay, early stopping on a held-back validation share of
 * the training texts (split by scenario, so near-duplicate phrasings of one scenario stay on one side).
 * Seeded: the same texts, vectors and options give the same weights. Training time only.
 */
import { createHash } from 'node:crypto';
import { createSeededRandom, shuffleInPlace } from './train-linear-model.js';

export interface MlpTrainingItem {
  vector: Float32Array;
  label: 0 | 1;
  /** Items sharing a group stay on one side of the validation split (a corpus scenario); none = the item alone. */
  group?: string;
}

export interface EncoderMlpOptions {
  units: number;
  seed: number;
  /** Decoupled weight decay per step, multiplied by the learning rate (default 1e-4). */
  weightDecay?: number;
  learningRate?: number;
  batchSize?: number;
  maxEpochs?: number;
  /** Epochs without a better validation loss before stopping (default 4). */
  patience?: number;
  /** Share of groups held back for early stopping (default 0.1). */
  validationShare?: number;
  log?: (line: string) => void;
}

/** Weights of a trained MLP: hidden = ReLU(hiddenWeights · x + hiddenBias) (row-major, units × inputs), logit = outputWeights · hidden + outputBias. */
export interface EncoderMlp {
  inputs: number;
  units: number;
  hiddenWeights: Float64Array;
  hiddenBias: Float64Array;
  outputWeights: Float64Array;
  outputBias: number;
}

export interface EncoderMlpResult {
  mlp: EncoderMlp;
  /** The epoch (1-based) whose weights were kept, and its validation loss. */
  bestEpoch: number;
  validationLoss: number;
  trainCount: number;
  validationCount: number;
}

export function mlpLogit(mlp: EncoderMlp, vector: Float32Array | Float64Array, hidden: Float64Array = new Float64Array(mlp.units)): number {
  let logit = mlp.outputBias;
  for (let unit = 0; unit < mlp.units; unit += 1) {
    let sum = mlp.hiddenBias[unit] ?? 0;
    const offset = unit * mlp.inputs;
    for (let input = 0; input < mlp.inputs; input += 1) sum += (mlp.hiddenWeights[offset + input] ?? 0) * (vector[input] ?? 0);
    const activation = sum > 0 ? sum : 0;
    hidden[unit] = activation;
    logit += (mlp.outputWeights[unit] ?? 0) * activation;
  }
  return logit;
}

function inValidation(group: string, share: number, seed: number): boolean {
  const digest = createHash('sha256').update(`${String(seed)}:${group}`).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) < share;
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** Class-balanced mean cross-entropy. */
function balancedLoss(mlp: EncoderMlp, items: MlpTrainingItem[], weightOf: (label: 0 | 1) => number): number {
  let total = 0;
  let weights = 0;
  for (const item of items) {
    const probability = Math.min(Math.max(sigmoid(mlpLogit(mlp, item.vector)), 1e-7), 1 - 1e-7);
    const weight = weightOf(item.label);
    total += -weight * (item.label === 1 ? Math.log(probability) : Math.log(1 - probability));
    weights += weight;
  }
  return weights > 0 ? total / weights : 0;
}

function cloneMlp(mlp: EncoderMlp): EncoderMlp {
  return { ...mlp, hiddenWeights: mlp.hiddenWeights.slice(), hiddenBias: mlp.hiddenBias.slice(), outputWeights: mlp.outputWeights.slice() };
}

export function trainEncoderMlp(items: MlpTrainingItem[], options: EncoderMlpOptions): EncoderMlpResult {
  const { units, seed } = options;
  const weightDecay = options.weightDecay ?? 1e-4;
  const learningRate = options.learningRate ?? 1e-3;
  const batchSize = options.batchSize ?? 32;
  const maxEpochs = options.maxEpochs ?? 40;
  const patience = options.patience ?? 4;
  const validationShare = options.validationShare ?? 0.1;
  const first = items[0];
  if (first === undefined) throw new Error('trainEncoderMlp needs at least one item');
  const inputs = first.vector.length;
  const validation: MlpTrainingItem[] = [];
  const train: MlpTrainingItem[] = [];
  items.forEach((item, index) => (inValidation(item.group ?? `#${String(index)}`, validationShare, seed) ? validation : train).push(item));
  const positives = train.filter((item) => item.label === 1).length;
  const negatives = train.length - positives;
  const weightOf = (label: 0 | 1): number => (label === 1 ? train.length / (2 * Math.max(1, positives)) : train.length / (2 * Math.max(1, negatives)));

  const random = createSeededRandom(seed);
  const heScale = Math.sqrt(2 / inputs);
  // Box-Muller normal initialisation (He) from the seeded generator.
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const mlp: EncoderMlp = {
    inputs,
    units,
    hiddenWeights: Float64Array.from({ length: units * inputs }, () => normal() * heScale),
    hiddenBias: new Float64Array(units),
    outputWeights: Float64Array.from({ length: units }, () => normal() * Math.sqrt(1 / units)),
    outputBias: 0,
  };
  const parameters = [mlp.hiddenWeights, mlp.hiddenBias, mlp.outputWeights];
  const firstMoment = parameters.map((values) => new Float64Array(values.length));
  const secondMoment = parameters.map((values) => new Float64Array(values.length));
  const gradients = parameters.map((values) => new Float64Array(values.length));
  let outputBiasMoments = [0, 0];
  let step = 0;
  const hidden = new Float64Array(units);
  let best = { mlp: cloneMlp(mlp), epoch: 0, loss: Number.POSITIVE_INFINITY };
  const order = train.map((_, index) => index);
  for (let epoch = 1; epoch <= maxEpochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      for (const gradient of gradients) gradient.fill(0);
      const [hiddenWeightGradient, hiddenBiasGradient, outputWeightGradient] = gradients as [Float64Array, Float64Array, Float64Array];
      let outputBiasGradient = 0;
      for (const index of batch) {
        const item = train[index] as MlpTrainingItem;
        const error = ((sigmoid(mlpLogit(mlp, item.vector, hidden)) - item.label) * weightOf(item.label)) / batch.length;
        outputBiasGradient += error;
        for (let unit = 0; unit < units; unit += 1) {
          const activation = hidden[unit] ?? 0;
          outputWeightGradient[unit] = (outputWeightGradient[unit] ?? 0) + error * activation;
          if (activation <= 0) continue;
          const back = error * (mlp.outputWeights[unit] ?? 0);
          hiddenBiasGradient[unit] = (hiddenBiasGradient[unit] ?? 0) + back;
          const offset = unit * inputs;
          for (let input = 0; input < inputs; input += 1) hiddenWeightGradient[offset + input] = (hiddenWeightGradient[offset + input] ?? 0) + back * (item.vector[input] ?? 0);
        }
      }
      step += 1;
      const correction1 = 1 - 0.9 ** step;
      const correction2 = 1 - 0.999 ** step;
      parameters.forEach((values, which) => {
        const gradient = gradients[which] as Float64Array;
        const m = firstMoment[which] as Float64Array;
        const v = secondMoment[which] as Float64Array;
        const decay = which === 1 ? 0 : weightDecay;
        for (let index = 0; index < values.length; index += 1) {
          const g = gradient[index] ?? 0;
          const mean = 0.9 * (m[index] ?? 0) + 0.1 * g;
          const variance = 0.999 * (v[index] ?? 0) + 0.001 * g * g;
          m[index] = mean;
          v[index] = variance;
          values[index] = (values[index] ?? 0) * (1 - learningRate * decay) - (learningRate * (mean / correction1)) / (Math.sqrt(variance / correction2) + 1e-8);
        }
      });
      const biasMean = 0.9 * (outputBiasMoments[0] ?? 0) + 0.1 * outputBiasGradient;
      const biasVariance = 0.999 * (outputBiasMoments[1] ?? 0) + 0.001 * outputBiasGradient * outputBiasGradient;
      outputBiasMoments = [biasMean, biasVariance];
      mlp.outputBias -= (learningRate * (biasMean / correction1)) / (Math.sqrt(biasVariance / correction2) + 1e-8);
    }
    const loss = validation.length > 0 ? balancedLoss(mlp, validation, weightOf) : balancedLoss(mlp, train, weightOf);
    options.log?.(`  mlp epoch ${String(epoch)}: validation loss ${loss.toFixed(4)}`);
    if (loss < best.loss - 1e-5) best = { mlp: cloneMlp(mlp), epoch, loss };
    else if (epoch - best.epoch >= patience) break;
  }
  return { mlp: best.mlp, bestEpoch: best.epoch, validationLoss: best.loss, trainCount: train.length, validationCount: validation.length };
}
