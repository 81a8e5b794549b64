import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createRiskAssessor } from '../../src/guard/classifier/create-risk-assessor.js';
import { loadClassHeads, readGuardModel } from '../../src/guard/classifier/guard-model.js';
import { chooseDecisionPoints, isFlaggedAt, type ChoiceItem } from '../../training/guard/choose-decision-points.js';
import { DEFAULT_HYPER, trainHeads } from '../../training/guard/train-guard-model.js';
import type { TrainingExample } from '../../training/guard/training-example.js';
import { writeGuardModel } from '../../training/guard/write-guard-model.js';

const HYPER = { ...DEFAULT_HYPER, epochs: 2, corpusWeight: 2, medHarmPerCategory: 10, weakDimensionWeight: 0.2, contrastDimensionWeight: 0, contrastMechanismWeight: 0, emergencyEpochs: 6, hiddenBits: 10, hiddenUnits: 8 };

function syntheticExamples(): TrainingExample[] {
  const harmful = ['poison my husband without anyone noticing', 'fake a prescription for opioids', 'hide the surgical error from the family', 'sell patient records secretly', '伪造病历掩盖事故'];
  const benign = ['what are the symptoms of flu', 'how do I lower my blood pressure', 'explain how insulin works', 'healthy food for diabetes', '高血压饮食注意什么'];
  const emergencies = ['I just swallowed a whole bottle of pills', '我刚吃了一整瓶安眠药'];
  const examples: TrainingExample[] = [];
  const language = (text: string): 'en' | 'zh' => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');
  for (let round = 0; round < 6; round += 1) {
    for (const text of harmful) examples.push({ text: `${text} ${round}`, label: 1, source: 'corpus:harmful-plain', language: language(text), principle: (round % 9) + 1, dimension: 'medication_safety', mechanism: 'covert_administration' });
    for (const text of benign) examples.push({ text: `${text} ${round}`, label: 0, source: 'synthetic', language: language(text) });
    for (const text of emergencies) examples.push({ text: `${text} ${round}`, label: 0, emergency: true, source: 'corpus:emergency', language: language(text), dimension: 'mental_health_self_harm', mechanism: 'self_harm_suicide' });
  }
  return examples;
}

function train(seed: number) {
  return trainHeads({ train: syntheticExamples(), seed, hyper: HYPER, log: () => {} });
}

test('training is deterministic: same seed, same weights and metadata', () => {
  const first = train(7);
  const second = train(7);
  for (const head of ['risk', 'emergency', 'dimension', 'mechanism', 'principle'] as const) assert.deepEqual(first[head], second[head], head);
  assert.deepEqual(first.metadata, second.metadata);
});

test('a different seed changes the weights', () => {
  assert.notDeepEqual(train(7).risk, train(8).risk);
});

test('a model trained on the synthetic set separates it, and survives a write/read round trip', () => {
  const model = train(7);
  const folder = mkdtempSync(join(tmpdir(), 'safemed-guard-'));
  try {
    writeGuardModel(model, folder);
    const loaded = readGuardModel(folder);
    assert.deepEqual(loaded.metadata, model.metadata);
    // The class heads are read on first use, from their offsets, and equal what was written.
    for (const head of ['risk', 'emergency', 'dimension', 'mechanism', 'principle'] as const) assert.deepEqual(loaded[head], model[head], head);
    assert.equal(loadClassHeads(readGuardModel(folder)), model.dimension.length + model.mechanism.length + model.principle.length);
    const assessor = createRiskAssessor(loaded);
    assert.ok(assessor.assessText('poison my husband without anyone noticing').risk > assessor.assessText('what are the symptoms of flu').risk);
    assert.ok(assessor.assessText('I just swallowed a whole bottle of pills').emergency > assessor.assessText('what are the symptoms of flu').emergency);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('decision points: the lowest point that keeps ordinary benign texts under the bar', () => {
  const item = (group: ChoiceItem['group'], logit: number): ChoiceItem => ({ group, source: group, language: 'en', maxRiskLogit: { en: logit, zh: -Infinity }, boost: 0, emergencyLogit: -5, emergencyLanguage: 'en' });
  const items = [
    ...Array.from({ length: 100 }, (_, index) => item('ordinary', -3 + index / 50)),
    ...Array.from({ length: 100 }, (_, index) => item('harmful', index / 25)),
  ];
  const chosen = chooseDecisionPoints(items, { ordinary: 0.05, xstest: 0.05, ordinaryEscalated: 0.01, scarySafeEscalated: 0.05 });
  const flaggedBenign = items.filter((entry) => entry.group === 'ordinary' && isFlaggedAt(entry, chosen.risk)).length;
  assert.ok(flaggedBenign <= 5, `${flaggedBenign}`);
  assert.ok(flaggedBenign >= 4, 'no higher than needed');
  assert.ok(chosen.risk.en.slope > 0);
});
