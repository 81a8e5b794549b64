import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import { spanFeatures, textSegmentFeatures, type TextFeatures } from '../../src/guard/classifier/extract-features.js';
import { GUARD_MODEL_HIDDEN_FORMAT, readGuardModel, type GuardModel } from '../../src/guard/classifier/guard-model.js';
import { blendLogits, createHiddenLayer } from '../../src/guard/classifier/hidden-layer.js';
import { DEFAULT_HYPER, trainHeads, type Hyper } from '../../training/guard/train-guard-model.js';
import type { TrainingExample } from '../../training/guard/training-example.js';
import { writeGuardModel } from '../../training/guard/write-guard-model.js';

const HYPER: Hyper = { ...DEFAULT_HYPER, epochs: 2, corpusWeight: 2, emergencyEpochs: 4, hiddenUnits: 8, hiddenBits: 12, hiddenEpochs: 8, hiddenLearningRate: 0.1, hiddenUse: ['risk', 'emergency'] };

function syntheticExamples(): TrainingExample[] {
  const harmful = ['poison my husband without anyone noticing', 'fake a prescription for opioids', 'hide the surgical error from the family', '伪造病历掩盖事故'];
  const benign = ['what are the symptoms of flu', 'how do I lower my blood pressure', 'explain how insulin works', '高血压饮食注意什么'];
  const emergencies = ['I just swallowed a whole bottle of pills', '我刚吃了一整瓶安眠药'];
  const language = (text: string): 'en' | 'zh' => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');
  const examples: TrainingExample[] = [];
  for (let round = 0; round < 5; round += 1) {
    for (const text of harmful) examples.push({ text: `${text} ${round}`, label: 1, source: 'corpus:harmful-plain', language: language(text), dimension: 'medication_safety', mechanism: 'covert_administration' });
    for (const text of benign) examples.push({ text: `${text} ${round}`, label: 0, source: 'synthetic', language: language(text) });
    for (const text of emergencies) examples.push({ text: `${text} ${round}`, label: 0, emergency: true, source: 'corpus:emergency', language: language(text), dimension: 'mental_health_self_harm', mechanism: 'self_harm_suicide' });
  }
  return examples;
}

function train(seed: number, hyper: Partial<Hyper> = {}): GuardModel {
  return trainHeads({ train: syntheticExamples(), seed, hyper: { ...HYPER, ...hyper }, log: () => {} });
}

/** The blended risk or emergency logit of one feature set, computed directly (no running sums). */
function directLogit(model: GuardModel, features: TextFeatures, language: 'en' | 'zh', head: 'risk' | 'emergency' = 'risk'): number {
  const metadata = model.metadata.hidden;
  assert.ok(metadata && model.hidden);
  const layer = createHiddenLayer(metadata, model.hidden);
  const sum = layer.createSum();
  for (const hash of features.hashes) layer.addRow(sum, hash, 1);
  const linearHead = model.metadata[head];
  const linear = linearHead.bias + features.hashes.reduce((total, hash) => total + (model[head][hash & ((1 << linearHead.bits) - 1)] as number), 0) * linearHead.scale * features.value;
  return blendLogits(metadata.blend[head][language], layer.binaryLogit(metadata[head], layer.activate(sum, features.hashes.length, layer.createSum())), linear);
}

test('the hidden layer trains deterministically and survives a write/read round trip', () => {
  const first = train(7);
  const second = train(7);
  assert.deepEqual(first.hidden, second.hidden);
  assert.deepEqual(first.metadata, second.metadata);
  assert.notDeepEqual(train(8).hidden, first.hidden);
  assert.equal(first.metadata.format, GUARD_MODEL_HIDDEN_FORMAT);
  const folder = mkdtempSync(join(tmpdir(), 'safemed-guard-hidden-'));
  try {
    writeGuardModel(first, folder);
    const loaded = readGuardModel(folder);
    assert.deepEqual(loaded.metadata, first.metadata);
    assert.deepEqual(loaded.hidden, first.hidden);
    const assessor = createRiskAssessor(loaded);
    assert.ok(assessor.assessText('poison my husband without anyone noticing').risk > assessor.assessText('what are the symptoms of flu').risk);
    assert.ok(assessor.assessText('I just swallowed a whole bottle of pills').emergency > assessor.assessText('what are the symptoms of flu').emergency);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the span scorer adds segment row sums exactly: every span (and the emergency head on the whole text) equals its features scored directly', () => {
  // Repeated words across segments (duplicates must count once) and several intent cues (conjunctions).
  const texts = [
    'Poison, poison my husband. Without anyone noticing, poison him; how much insulin would kill him without anyone noticing?',
    'I want to hide the error, hide the error from the family: the family must not find out, how do I fake the records?',
    '怎么在病人不知情的情况下，给他注射过量胰岛素，不被发现，不被发现？',
  ];
  const only = (hidden: number, linear: number) => ({ en: { hidden, linear }, zh: { hidden, linear } });
  for (const [name, risk] of [['hidden only', only(1, 0)], ['hidden + linear', only(1, 1)], ['per language', { en: { hidden: 1, linear: 0.5 }, zh: { hidden: 0, linear: 1 } }]] as const) {
    const model = train(11, { hiddenBlend: { risk, emergency: risk } });
    const assessor = createRiskAssessor(model);
    for (const text of texts) {
      const segments = textSegmentFeatures(text);
      const expected = { en: -Infinity, zh: -Infinity };
      for (let start = 0; start < segments.length; start += 1) {
        for (let end = start; end < segments.length; end += 1) {
          const span = segments.slice(start, end + 1);
          const han = span.reduce((total, segment) => total + segment.han, 0);
          const latin = span.reduce((total, segment) => total + segment.latin, 0);
          const language = han > 0 && han * 3 >= latin ? 'zh' : 'en';
          expected[language] = Math.max(expected[language], directLogit(model, spanFeatures(span), language));
        }
      }
      const scores = assessor.rawScores(text);
      const emergency = directLogit(model, spanFeatures(segments), scores.emergencyLanguage, 'emergency');
      assert.ok(Math.abs(scores.emergencyLogit - emergency) < 1e-9, `${text} (emergency, ${name}): ${scores.emergencyLogit} vs ${emergency}`);
      const raw = scores.maxRiskLogit;
      for (const language of ['en', 'zh'] as const) {
        if (expected[language] === -Infinity) continue;
        assert.ok(Math.abs(raw[language] - expected[language]) < 1e-9, `${text} (${language}, ${name}): ${raw[language]} vs ${expected[language]}`);
      }
    }
  }
});
