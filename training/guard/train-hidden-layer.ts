/**
 * Trains the guard's hidden layer (src/guard/classifier/hidden-layer.ts): hashed sparse features → one
 * shared layer of ReLU units → four output heads (risk and emergency: logistic; dimension and mechanism:
 * softmax), multi-task. Each example carries a target and a weight per head (weight 0: not in that
 * head's set), so every head keeps the example set and weighting of its linear counterpart. AdaGrad
 * with L2, seeded initialisation and shuffling: deterministic for a seed. The rows are quantised to int8
 * with one scale per unit.
 */
import { featureValue } from '../../src/guard/classifier/extract-features.js';
import type { HiddenBlend, HiddenHeadName, HiddenLayerMetadata } from '../../src/guard/classifier/hidden-layer.js';
import { createSeededRandom, shuffleInPlace, type SparseExample } from './train-linear-model.js';

export interface HiddenLayerOptions {
  bits: number;
  units: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** Loss multipliers per head (the shared layer sees the sum). */
  headWeights: Record<HiddenHeadName, number>;
  /** Half-width of the uniform initialisation of the rows. */
  initScale: number;
  /** Probability of leaving out each feature of an example at each step (input dropout; 0 = none). */
  dropout: number;
  seed: number;
  log?: (line: string) => void;
}

export interface HiddenLayerTrainingSets {
  risk: SparseExample[];
  emergency: SparseExample[];
  dimension: SparseExample[];
  mechanism: SparseExample[];
}

export interface TrainedHiddenLayer {
  /** Float rows, bucket-major (bucket × units + unit). */
  rows: Float32Array;
  biases: Float64Array;
  risk: { weights: Float64Array; bias: number };
  emergency: { weights: Float64Array; bias: number };
  dimension: { weights: Float64Array; biases: Float64Array };
  mechanism: { weights: Float64Array; biases: Float64Array };
}

interface MultiTaskExample {
  hashes: Uint32Array;
  value: number;
  /** [target, weight] per head; weight 0 = not in the head's set. */
  targets: Record<HiddenHeadName, [number, number]>;
}

const HEADS: HiddenHeadName[] = ['risk', 'emergency', 'dimension', 'mechanism'];

/** Merges the per-head example lists into one list (examples of one text share their `hashes` array). */
function mergeSets(sets: HiddenLayerTrainingSets): MultiTaskExample[] {
  const byHashes = new Map<Uint32Array, MultiTaskExample>();
  for (const head of HEADS) {
    for (const example of sets[head]) {
      let merged = byHashes.get(example.hashes);
      if (merged === undefined) {
        merged = { hashes: example.hashes, value: example.value, targets: { risk: [0, 0], emergency: [0, 0], dimension: [0, 0], mechanism: [0, 0] } };
        byHashes.set(example.hashes, merged);
      }
      merged.targets[head] = [example.target, (merged.targets[head][1]) + example.weight];
    }
  }
  return Array.from(byHashes.values());
}

/** AdaGrad step on one weight of an array; returns nothing, updates in place. */
function step(weights: Float32Array | Float64Array, squared: Float32Array | Float64Array, index: number, gradient: number, learningRate: number): void {
  squared[index] = (squared[index] as number) + gradient * gradient;
  weights[index] = (weights[index] as number) - (learningRate * gradient) / Math.sqrt(squared[index]);
}

export function trainHiddenLayer(sets: HiddenLayerTrainingSets, classes: { dimension: number; mechanism: number }, options: HiddenLayerOptions): TrainedHiddenLayer {
  const units = options.units;
  const size = 1 << options.bits;
  const mask = size - 1;
  const random = createSeededRandom(options.seed);
  const uniform = (half: number): number => (random() * 2 - 1) * half;
  const rows = new Float32Array(size * units);
  for (let index = 0; index < rows.length; index += 1) rows[index] = uniform(options.initScale);
  const rowsSquared = new Float32Array(size * units).fill(1e-6);
  const biases = new Float64Array(units).fill(0.01);
  const biasesSquared = new Float64Array(units).fill(1e-6);
  const outputScale = 1 / Math.sqrt(units);
  const binaryHead = () => ({ weights: Float64Array.from({ length: units }, () => uniform(outputScale)), bias: 0, squared: new Float64Array(units).fill(1e-6), biasSquared: 1e-6 });
  const softmaxHead = (count: number) => ({ weights: Float64Array.from({ length: count * units }, () => uniform(outputScale)), biases: new Float64Array(count), squared: new Float64Array(count * units).fill(1e-6), biasesSquared: new Float64Array(count).fill(1e-6), count });
  const risk = binaryHead();
  const emergency = binaryHead();
  const dimension = softmaxHead(classes.dimension);
  const mechanism = softmaxHead(classes.mechanism);

  const examples = mergeSets(sets);
  const order = examples.map((_, index) => index);
  const pre = new Float64Array(units);
  const hidden = new Float64Array(units);
  const delta = new Float64Array(units);
  const rate = options.learningRate;
  const kept: number[] = [];

  const loss = { total: 0, weight: 0 };
  const trainBinary = (head: ReturnType<typeof binaryHead>, target: number, weight: number, track = false): void => {
    let logit = head.bias;
    for (let unit = 0; unit < units; unit += 1) logit += (head.weights[unit] as number) * (hidden[unit] as number);
    const probability = 1 / (1 + Math.exp(-logit));
    if (track) {
      loss.total -= weight * Math.log(Math.max(1e-12, target === 1 ? probability : 1 - probability));
      loss.weight += weight;
    }
    const gradient = (probability - target) * weight;
    for (let unit = 0; unit < units; unit += 1) {
      delta[unit] = (delta[unit] as number) + gradient * (head.weights[unit] as number);
      step(head.weights, head.squared, unit, gradient * (hidden[unit] as number) + options.l2 * (head.weights[unit] as number), rate);
    }
    head.biasSquared += gradient * gradient;
    head.bias -= (rate * gradient) / Math.sqrt(head.biasSquared);
  };
  const scores = new Float64Array(Math.max(classes.dimension, classes.mechanism));
  const trainSoftmax = (head: ReturnType<typeof softmaxHead>, target: number, weight: number): void => {
    let maximum = -Infinity;
    for (let label = 0; label < head.count; label += 1) {
      let score = head.biases[label] as number;
      const base = label * units;
      for (let unit = 0; unit < units; unit += 1) score += (head.weights[base + unit] as number) * (hidden[unit] as number);
      scores[label] = score;
      maximum = Math.max(maximum, score);
    }
    let total = 0;
    for (let label = 0; label < head.count; label += 1) {
      scores[label] = Math.exp((scores[label] as number) - maximum);
      total += scores[label] as number;
    }
    for (let label = 0; label < head.count; label += 1) {
      const gradient = ((scores[label] as number) / total - (label === target ? 1 : 0)) * weight;
      const base = label * units;
      for (let unit = 0; unit < units; unit += 1) {
        delta[unit] = (delta[unit] as number) + gradient * (head.weights[base + unit] as number);
        step(head.weights, head.squared, base + unit, gradient * (hidden[unit] as number) + options.l2 * (head.weights[base + unit] as number), rate);
      }
      step(head.biases, head.biasesSquared, label, gradient, rate);
    }
  };

  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    if (epoch > 0) options.log?.(`hidden layer: epoch ${epoch} of ${options.epochs}, risk training loss ${(loss.total / Math.max(1e-12, loss.weight)).toFixed(4)}`);
    loss.total = 0;
    loss.weight = 0;
    shuffleInPlace(order, random);
    for (const position of order) {
      const example = examples[position] as MultiTaskExample;
      kept.length = 0;
      for (const hash of example.hashes) if (options.dropout === 0 || random() >= options.dropout) kept.push(hash);
      const value = options.dropout === 0 ? example.value : featureValue(kept.length);
      pre.set(biases);
      for (const hash of kept) {
        const base = (hash & mask) * units;
        for (let unit = 0; unit < units; unit += 1) pre[unit] = (pre[unit] as number) + (rows[base + unit] as number) * value;
      }
      for (let unit = 0; unit < units; unit += 1) hidden[unit] = Math.max(0, pre[unit] as number);
      delta.fill(0);
      const [riskTarget, riskWeight] = example.targets.risk;
      if (riskWeight > 0) trainBinary(risk, riskTarget, riskWeight * options.headWeights.risk, true);
      const [emergencyTarget, emergencyWeight] = example.targets.emergency;
      if (emergencyWeight > 0) trainBinary(emergency, emergencyTarget, emergencyWeight * options.headWeights.emergency);
      const [dimensionTarget, dimensionWeight] = example.targets.dimension;
      if (dimensionWeight > 0) trainSoftmax(dimension, dimensionTarget, dimensionWeight * options.headWeights.dimension);
      const [mechanismTarget, mechanismWeight] = example.targets.mechanism;
      if (mechanismWeight > 0) trainSoftmax(mechanism, mechanismTarget, mechanismWeight * options.headWeights.mechanism);
      // Back through the ReLU into the shared biases and the rows of the example's features.
      for (let unit = 0; unit < units; unit += 1) if ((pre[unit] as number) <= 0) delta[unit] = 0;
      for (let unit = 0; unit < units; unit += 1) if (delta[unit] !== 0) step(biases, biasesSquared, unit, delta[unit] as number, rate);
      for (const hash of kept) {
        const base = (hash & mask) * units;
        for (let unit = 0; unit < units; unit += 1) {
          const gradient = delta[unit] as number;
          if (gradient === 0) continue;
          step(rows, rowsSquared, base + unit, gradient * value + options.l2 * (rows[base + unit] as number), rate);
        }
      }
    }
  }
  return {
    rows,
    biases,
    risk: { weights: risk.weights, bias: risk.bias },
    emergency: { weights: emergency.weights, bias: emergency.bias },
    dimension: { weights: dimension.weights, biases: dimension.biases },
    mechanism: { weights: mechanism.weights, biases: mechanism.biases },
  };
}

/** Symmetric int8 quantisation of the rows with one scale per unit. */
export function quantizeRows(rows: Float32Array, units: number): { values: Int8Array; scales: number[] } {
  const maxima = new Float64Array(units);
  for (let index = 0; index < rows.length; index += 1) {
    const unit = index % units;
    maxima[unit] = Math.max(maxima[unit] as number, Math.abs(rows[index] as number));
  }
  const scales = Array.from(maxima, (maximum) => (maximum > 0 ? maximum / 127 : 1));
  const values = new Int8Array(rows.length);
  for (let index = 0; index < rows.length; index += 1) values[index] = Math.round((rows[index] as number) / (scales[index % units] as number));
  return { values, scales };
}

/** The metadata of a trained layer (offset set by the writer). */
export function hiddenLayerMetadata(trained: TrainedHiddenLayer, scales: number[], options: { bits: number; units: number; dimensionLabels: string[]; mechanismLabels: string[]; use: HiddenHeadName[]; blend: HiddenBlend }): HiddenLayerMetadata {
  return {
    bits: options.bits,
    units: options.units,
    scales,
    biases: Array.from(trained.biases),
    offset: 0,
    risk: { weights: Array.from(trained.risk.weights), bias: trained.risk.bias },
    emergency: { weights: Array.from(trained.emergency.weights), bias: trained.emergency.bias },
    dimension: { labels: options.dimensionLabels, weights: Array.from(trained.dimension.weights), biases: Array.from(trained.dimension.biases) },
    mechanism: { labels: options.mechanismLabels, weights: Array.from(trained.mechanism.weights), biases: Array.from(trained.mechanism.biases) },
    use: options.use,
    blend: options.blend,
  };
}
