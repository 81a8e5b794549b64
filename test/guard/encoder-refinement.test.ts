/**
 * The sentence-encoder refinement: the risk head in its band, the emergency head in its band, one
 * embedding for both, never lowering either figure; and the committed head's emergency part.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncoderHead } from '../../src/guard/classifier/encoder-head.js';
import { inEmergencyBand } from '../../src/guard/classifier/encoder-head.js';
import { readEncoderHead } from '../../src/guard/classifier/read-encoder-head.js';
import type { RiskAssessment } from '../../src/guard/classifier/risk-assessment.js';
import { refineAssessment } from '../../src/guard/assess-risk.js';

const DIMENSIONS = 4;

/** A head whose risk logit is embedding[0] and emergency logit embedding[1] (thresholds at 0). */
function head(bands: { risk: [number, number]; emergency?: [number, number] }): EncoderHead {
  return {
    format: 'safemed-guard-encoder-head/1',
    language: 'en',
    dimensions: DIMENSIONS,
    weights: [1, 0, 0, 0],
    bias: 0,
    calibration: { slope: 1, threshold: 0 },
    band: { low: bands.risk[0], high: bands.risk[1] },
    seed: 1,
    trainedAt: '2026-11-27T00:00:00.000Z',
    figures: {},
    ...(bands.emergency ? { emergency: { weights: [0, 1, 0, 0], bias: 0, calibration: { slope: 1, threshold: 0 }, band: { low: bands.emergency[0], high: bands.emergency[1] }, figures: {} } } : {}),
  };
}

function fast(risk: number, emergency: number, language: 'en' | 'zh' = 'en'): RiskAssessment {
  return { risk, emergency, dimension: 'benign', principle: null, attacks: [], reasons: [], language, mechanism: null };
}

function encoder(vector: number[]) {
  const calls: string[][] = [];
  return { calls, embed: (texts: string[]) => { calls.push(texts); return Promise.resolve(texts.map(() => Float32Array.from(vector))); } };
}

const messages = [{ role: 'user' as const, content: 'i took all of them' }];

test('the emergency head raises the emergency probability inside its band, with a reason, and one embedding serves both heads', async () => {
  const stub = encoder([3, 4, 0, 0]);
  const refined = await refineAssessment(fast(0.3, 0.1), messages, { head: head({ risk: [0.2, 0.5], emergency: [0.02, 0.5] }), encoder: stub });
  assert.equal(stub.calls.length, 1);
  assert.ok(refined.risk > 0.9 && refined.emergency > 0.9, JSON.stringify(refined));
  assert.ok(refined.reasons.some((reason) => reason.includes('emergency probability')));
  assert.notEqual(refined.dimension, 'benign', 'a raised emergency names a dimension');
});

test('outside both bands, or in Chinese, the encoder is not called', async () => {
  const stub = encoder([3, 4, 0, 0]);
  const bands = head({ risk: [0.2, 0.5], emergency: [0.02, 0.5] });
  assert.deepEqual(await refineAssessment(fast(0.05, 0.01), messages, { head: bands, encoder: stub }), fast(0.05, 0.01));
  assert.deepEqual(await refineAssessment(fast(0.3, 0.1, 'zh'), messages, { head: bands, encoder: stub }), fast(0.3, 0.1, 'zh'));
  assert.equal(stub.calls.length, 0);
});

test('only the head whose band holds the figure may change it, and never downwards', async () => {
  const stub = encoder([3, -4, 0, 0]);
  const riskOnly = await refineAssessment(fast(0.3, 0.001), messages, { head: head({ risk: [0.2, 0.5], emergency: [0.02, 0.5] }), encoder: stub });
  assert.equal(riskOnly.emergency, 0.001, 'emergency outside its band stays');
  assert.ok(riskOnly.risk > 0.9);
  const lower = await refineAssessment(fast(0.05, 0.3), messages, { head: head({ risk: [0.2, 0.5], emergency: [0.02, 0.5] }), encoder: stub });
  assert.equal(lower.emergency, 0.3, 'a lower encoder probability never replaces the fast path');
  assert.equal(lower.risk, 0.05);
});

test('a head without an emergency part refines the risk only', async () => {
  const stub = encoder([3, 4, 0, 0]);
  const refined = await refineAssessment(fast(0.05, 0.3), messages, { head: head({ risk: [0.2, 0.5] }), encoder: stub });
  assert.equal(stub.calls.length, 0);
  assert.equal(refined.emergency, 0.3);
});

test('the committed encoder head has an emergency part with a band below the escalation point', () => {
  const committed = readEncoderHead();
  assert.ok(committed?.emergency, 'assets/guard/encoder-head.json has an emergency head');
  assert.equal(committed.emergency.weights.length, committed.dimensions);
  assert.ok(committed.emergency.band.high <= 0.5 && committed.emergency.band.low < committed.emergency.band.high);
  assert.ok(inEmergencyBand(committed, committed.emergency.band.low, 'en'));
  assert.ok(!inEmergencyBand(committed, committed.emergency.band.low, 'zh'));
});

test('the encoder thread starts its per-call deadline when the model is ready; until then a call waits for the load', async () => {
  const { createSentenceEncoderWorker } = await import('../../src/guard/classifier/sentence-encoder.js');
  const impatient = createSentenceEncoderWorker({ timeoutMs: 60_000, loadTimeoutMs: 1 });
  try {
    await assert.rejects(impatient.embed(['hello']), /did not load within 1 ms/, 'before the model is ready the load deadline applies');
  } finally {
    await impatient.close();
  }
  const worker = createSentenceEncoderWorker({ timeoutMs: 5_000, loadTimeoutMs: 120_000 });
  try {
    const [vector] = await worker.embed(['my toddler swallowed a battery']);
    assert.equal(vector?.length, 512);
  } finally {
    await worker.close();
  }
});

test('a greeting or a two-word reply never wakes the encoder for an emergency', async () => {
  const stub = encoder([3, 4, 0, 0]);
  const bands = head({ risk: [0.2, 0.5], emergency: [0.02, 0.5] });
  for (const content of ['hi', 'hello there']) {
    const refined = await refineAssessment(fast(0.01, 0.2), [{ role: 'user', content }], { head: bands, encoder: stub });
    assert.equal(refined.emergency, 0.2, content);
  }
  assert.equal(stub.calls.length, 0);
});
