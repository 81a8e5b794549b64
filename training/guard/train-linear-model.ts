/**
 * Deterministic trainers for the guard heads: binary logistic regression and multinomial (softmax)
 * regression over hashed sparse features, AdaGrad with L2, seeded shuffling. Plain loops over typed
 * arrays; ~100k examples train in seconds on one core.
 */
export interface SparseExample {
  hashes: Uint32Array;
  value: number;
  /** Binary label (0/1) or class index. */
  target: number;
  /** Sample weight (class weighting, source weighting). */
  weight: number;
}

export interface LinearTrainingOptions {
  bits: number;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

/** mulberry32: a tiny seeded generator, so training is reproducible. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const swap = items[index] as T;
    items[index] = items[other] as T;
    items[other] = swap;
  }
  return items;
}

export interface BinaryModel {
  weights: Float32Array;
  bias: number;
}

export function trainBinaryLogistic(examples: SparseExample[], options: LinearTrainingOptions): BinaryModel {
  const size = 1 << options.bits;
  const mask = size - 1;
  const weights = new Float32Array(size);
  const squared = new Float32Array(size).fill(1e-6);
  let bias = 0;
  let biasSquared = 1e-6;
  const random = createSeededRandom(options.seed);
  const order = examples.map((_, index) => index);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (const position of order) {
      const example = examples[position] as SparseExample;
      let score = bias;
      for (let index = 0; index < example.hashes.length; index += 1) score += (weights[(example.hashes[index] as number) & mask] as number) * example.value;
      const probability = 1 / (1 + Math.exp(-score));
      const gradient = (probability - example.target) * example.weight;
      for (let index = 0; index < example.hashes.length; index += 1) {
        const bucket = (example.hashes[index] as number) & mask;
        const step = gradient * example.value + options.l2 * (weights[bucket] as number);
        squared[bucket] = (squared[bucket] as number) + step * step;
        weights[bucket] = (weights[bucket] as number) - (options.learningRate * step) / Math.sqrt(squared[bucket] ?? 1);
      }
      biasSquared += gradient * gradient;
      bias -= (options.learningRate * gradient) / Math.sqrt(biasSquared);
    }
  }
  return { weights, bias };
}

export function binaryLogit(model: BinaryModel, bits: number, example: { hashes: Uint32Array; value: number }): number {
  const mask = (1 << bits) - 1;
  let score = model.bias;
  for (let index = 0; index < example.hashes.length; index += 1) score += (model.weights[(example.hashes[index] as number) & mask] as number) * example.value;
  return score;
}

export interface SoftmaxModel {
  /** Bucket-major: weights[bucket × classes + class]. */
  weights: Float32Array;
  biases: Float64Array;
  classes: number;
}

export function trainSoftmax(examples: SparseExample[], classes: number, options: LinearTrainingOptions): SoftmaxModel {
  const size = 1 << options.bits;
  const mask = size - 1;
  const weights = new Float32Array(size * classes);
  const squared = new Float32Array(size * classes).fill(1e-6);
  const biases = new Float64Array(classes);
  const biasSquared = new Float64Array(classes).fill(1e-6);
  const scores = new Float64Array(classes);
  const random = createSeededRandom(options.seed);
  const order = examples.map((_, index) => index);
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    shuffleInPlace(order, random);
    for (const position of order) {
      const example = examples[position] as SparseExample;
      scores.set(biases);
      for (let index = 0; index < example.hashes.length; index += 1) {
        const base = ((example.hashes[index] as number) & mask) * classes;
        for (let label = 0; label < classes; label += 1) scores[label] = (scores[label] as number) + (weights[base + label] as number) * example.value;
      }
      let maximum = -Infinity;
      for (let label = 0; label < classes; label += 1) maximum = Math.max(maximum, scores[label] as number);
      let total = 0;
      for (let label = 0; label < classes; label += 1) {
        scores[label] = Math.exp((scores[label] as number) - maximum);
        total += scores[label] as number;
      }
      for (let label = 0; label < classes; label += 1) {
        const gradient = ((scores[label] as number) / total - (label === example.target ? 1 : 0)) * example.weight;
        if (Math.abs(gradient) < 1e-4) continue;
        for (let index = 0; index < example.hashes.length; index += 1) {
          const slot = ((example.hashes[index] as number) & mask) * classes + label;
          const step = gradient * example.value + options.l2 * (weights[slot] as number);
          squared[slot] = (squared[slot] as number) + step * step;
          weights[slot] = (weights[slot] as number) - (options.learningRate * step) / Math.sqrt(squared[slot] ?? 1);
        }
        biasSquared[label] = (biasSquared[label] as number) + gradient * gradient;
        biases[label] = (biases[label] as number) - (options.learningRate * gradient) / Math.sqrt(biasSquared[label] as number);
      }
    }
  }
  return { weights, biases, classes };
}

/** Symmetric int8 quantisation: returns the int8 values and the scale (weight = value × scale). */
export function quantizeInt8(weights: Float32Array): { values: Int8Array; scale: number } {
  let maximum = 0;
  for (const weight of weights) maximum = Math.max(maximum, Math.abs(weight));
  const scale = maximum > 0 ? maximum / 127 : 1;
  const values = new Int8Array(weights.length);
  for (let index = 0; index < weights.length; index += 1) values[index] = Math.round((weights[index] as number) / scale);
  return { values, scale };
}
