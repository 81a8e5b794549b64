/**
 * The encoder head's MLP risk head (format 2): the run-time computation against a direct one, against
 * the trainer's own forward pass, the file formats (1 still loads, 2 is checked for shape), and the
 * seeded trainer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENCODER_HEAD_FORMAT, ENCODER_HEAD_FORMAT_V1, encoderRisk, encoderRiskLogit, type EncoderHead } from '../../src/guard/classifier/encoder-head.js';
import { readEncoderHead } from '../../src/guard/classifier/read-encoder-head.js';
import { mlpLogit, trainEncoderMlp, type MlpTrainingItem } from '../../training/guard/train-encoder-mlp.js';
import { createSeededRandom } from '../../training/guard/train-linear-model.js';

const BASE = { language: 'en' as const, calibration: { slope: 1, threshold: 0.25 }, band: { low: 0.2, high: 0.5 }, seed: 1, trainedAt: '2026-11-27T00:00:00.000Z', figures: {} };

/** Three units over three dimensions, written out so the expected logit can be computed by hand. */
const MLP_HEAD: EncoderHead = {
  ...BASE,
  format: ENCODER_HEAD_FORMAT,
  dimensions: 3,
  hidden: { units: 3, weights: [1, 0, 0, 0, 1, 0, 1, 1, 1], bias: [0, -0.5, 0.1] },
  weights: [2, -1, 0.5],
  bias: -0.3,
};

test('the MLP risk head: ReLU(hidden · x + b) read by the output weights, then the calibration', () => {
  const embedding = Float32Array.from([0.5, 0.25, -1]);
  // unit 0: 0.5 → 0.5; unit 1: 0.25 − 0.5 < 0 → 0; unit 2: 0.5 + 0.25 − 1 + 0.1 < 0 → 0.
  const logit = -0.3 + 2 * 0.5;
  assert.ok(Math.abs(encoderRiskLogit(MLP_HEAD, embedding) - logit) < 1e-9);
  assert.ok(Math.abs(encoderRisk(MLP_HEAD, embedding) - 1 / (1 + Math.exp(-(logit - 0.25)))) < 1e-9);
  const second = Float32Array.from([0, 1, 1]);
  // unit 0: 0; unit 1: 0.5; unit 2: 2.1.
  assert.ok(Math.abs(encoderRiskLogit(MLP_HEAD, second) - (-0.3 - 0.5 + 0.5 * 2.1)) < 1e-6);
});

test('a format-1 head (logistic, no hidden layer) still scores as before', () => {
  const head: EncoderHead = { ...BASE, format: ENCODER_HEAD_FORMAT_V1, dimensions: 3, weights: [1, -2, 0.5], bias: 0.1 };
  const embedding = Float32Array.from([0.5, 0.25, -1]);
  assert.ok(Math.abs(encoderRiskLogit(head, embedding) - (0.1 + 0.5 - 0.5 - 0.5)) < 1e-9);
});

test('the run-time head computes what the trainer trained (a seeded MLP that learns XOR, which a logistic head cannot)', () => {
  const random = createSeededRandom(7);
  const items: MlpTrainingItem[] = [];
  for (let index = 0; index < 400; index += 1) {
    const x = random() * 2 - 1;
    const y = random() * 2 - 1;
    items.push({ vector: Float32Array.from([x, y, random() * 0.1]), label: x * y > 0 ? 1 : 0, group: `g${String(index % 50)}` });
  }
  const options = { units: 8, seed: 3, learningRate: 0.02, maxEpochs: 60, patience: 60 };
  const first = trainEncoderMlp(items, options);
  const again = trainEncoderMlp(items, options);
  assert.deepEqual(Array.from(again.mlp.hiddenWeights), Array.from(first.mlp.hiddenWeights), 'seeded: the same weights twice');
  assert.ok(first.validationCount > 0 && first.trainCount + first.validationCount === items.length);
  const { mlp } = first;
  const head: EncoderHead = {
    ...BASE,
    format: ENCODER_HEAD_FORMAT,
    dimensions: 3,
    hidden: { units: mlp.units, weights: Array.from(mlp.hiddenWeights), bias: Array.from(mlp.hiddenBias) },
    weights: Array.from(mlp.outputWeights),
    bias: mlp.outputBias,
    calibration: { slope: 1, threshold: 0 },
  };
  let correct = 0;
  for (const item of items) {
    assert.ok(Math.abs(encoderRiskLogit(head, item.vector) - mlpLogit(mlp, item.vector)) < 1e-9);
    if ((encoderRisk(head, item.vector) >= 0.5 ? 1 : 0) === item.label) correct += 1;
  }
  assert.ok(correct / items.length > 0.9, `XOR accuracy ${String(correct / items.length)}`);
});

test('head files: format 1 and 2 load; a wrong shape or a hidden layer in format 1 is a clear error', () => {
  const folder = mkdtempSync(join(tmpdir(), 'encoder-head-'));
  try {
    const write = (name: string, head: unknown): string => {
      const path = join(folder, name);
      writeFileSync(path, JSON.stringify(head));
      return path;
    };
    assert.equal(readEncoderHead(write('v2.json', MLP_HEAD))?.hidden?.units, 3);
    const v1 = { ...BASE, format: ENCODER_HEAD_FORMAT_V1, dimensions: 3, weights: [1, 2, 3], bias: 0 };
    assert.equal(readEncoderHead(write('v1.json', v1))?.hidden, undefined);
    assert.throws(() => readEncoderHead(write('v1-hidden.json', { ...MLP_HEAD, format: ENCODER_HEAD_FORMAT_V1 })), /encoder head/);
    assert.throws(() => readEncoderHead(write('short.json', { ...MLP_HEAD, hidden: { ...MLP_HEAD.hidden, weights: [1, 2] } })), /encoder head/);
    assert.throws(() => readEncoderHead(write('output.json', { ...MLP_HEAD, weights: [1, 2, 3, 4] })), /encoder head/);
    assert.throws(() => readEncoderHead(write('future.json', { ...MLP_HEAD, format: 'safemed-guard-encoder-head/9' })), /encoder head/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the committed encoder head loads and its risk head scores an embedding', () => {
  const committed = readEncoderHead();
  assert.ok(committed, 'assets/guard/encoder-head.json exists');
  const embedding = Float32Array.from({ length: committed.dimensions }, (_, index) => Math.sin(index) / 20);
  const risk = encoderRisk(committed, embedding);
  assert.ok(risk > 0 && risk < 1);
  assert.equal(committed.weights.length, committed.hidden === undefined ? committed.dimensions : committed.hidden.units);
});
