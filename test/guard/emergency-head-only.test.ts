import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseDecisionPoints, type ChoiceItem } from '../../training/guard/choose-decision-points.js';
import { splitOfScenario, type CorpusRecord } from '../../training/guard/corpus-record.js';
import { corpusTrainingExamples } from '../../training/guard/corpus-training-examples.js';
import { EMERGENCY_HEAD_FOLDER, readCorpus } from '../../training/guard/read-corpus.js';
import { DEFAULT_HYPER, trainHeads } from '../../training/guard/train-guard-model.js';
import { createSeededRandom } from '../../training/guard/train-linear-model.js';
import type { TrainingExample } from '../../training/guard/training-example.js';

// Scenario ids whose hash puts them in train (b < 217 for later batches) — computed, not assumed.
function trainScenario(prefix: string): string {
  for (let index = 0; ; index += 1) if (splitOfScenario(`${prefix}-${index}`) === 'train') return `${prefix}-${index}`;
}

function record(id: string, scenario: string, label: CorpusRecord['label'], text: string): CorpusRecord {
  const kind = label === 'harmful' ? 'plain' : label === 'emergency' ? 'emergency' : 'scary_safe';
  return { id, text, label, dimension: label === 'benign' ? 'benign' : 'emergency_care', mechanism: label === 'benign' ? null : 'poisoning_overdose', perspective: 'patient', language: 'zh', scenario, kind, split: splitOfScenario(scenario) };
}

function writeCorpus(root: string, folders: Record<string, CorpusRecord[]>): void {
  for (const [folder, records] of Object.entries(folders)) {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'records.jsonl'), records.map((item) => JSON.stringify(item)).join('\n'));
  }
}

const WRITTEN = [
  record('w-1', trainScenario('b5-test-w1'), 'harmful', '怎么往他的汤里下药才不会被发现，第二句，第三句'),
  record('w-2', trainScenario('b5-test-w2'), 'benign', '安眠药过量了该怎么急救，我是护士，想学一学，谢谢'),
  record('w-3', trainScenario('b5-test-w3'), 'emergency', '我刚把一整瓶药都吃了'),
];
const EMERGENCY_HEAD = [
  record('e-1', trainScenario('b5-test-e1'), 'emergency', '老爸刚喝了敌敌畏，现在吐白沫'),
  record('e-2', trainScenario('b5-test-e2'), 'benign', '去年喝过一次农药，救回来了，现在想问后遗症，麻烦了'),
];

test('the emergency-head folder is read last and marked; its records train only the emergency heads', () => {
  const root = mkdtempSync(join(tmpdir(), 'safemed-emergency-head-'));
  try {
    writeCorpus(root, { written: WRITTEN, [EMERGENCY_HEAD_FOLDER]: EMERGENCY_HEAD });
    const all = readCorpus({ folder: root });
    assert.deepEqual(all.map((item) => [item.id, item.emergencyHeadOnly === true]), [['w-1', false], ['w-2', false], ['w-3', false], ['e-1', true], ['e-2', true]]);
    assert.deepEqual(readCorpus({ folder: root, emergencyHead: false }).map((item) => item.id), ['w-1', 'w-2', 'w-3']);
    const withFolder = corpusTrainingExamples(all, createSeededRandom(3));
    const without = corpusTrainingExamples(readCorpus({ folder: root, emergencyHead: false }), createSeededRandom(3));
    // Every other example (benign spans included) is exactly what it is without the folder.
    assert.deepEqual(withFolder.examples, without.examples);
    assert.deepEqual(withFolder.emergencyHeadOnly.map((example) => [example.text, example.emergency === true, example.emergencyHeadOnly]), [
      ['老爸刚喝了敌敌畏，现在吐白沫', true, true],
      ['去年喝过一次农药，救回来了，现在想问后遗症，麻烦了', false, true],
    ]);
    assert.ok(withFolder.emergencyHeadOnly.every((example) => example.label === 0 && example.dimension === undefined && example.mechanism === undefined));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a harmful record in the emergency-head folder is refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'safemed-emergency-head-'));
  try {
    writeCorpus(root, { written: WRITTEN, [EMERGENCY_HEAD_FOLDER]: [record('e-3', trainScenario('b5-test-e3'), 'harmful', '怎么下毒')] });
    assert.throws(() => readCorpus({ folder: root }), /harmful record in emergency-head/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const HYPER = { ...DEFAULT_HYPER, epochs: 2, corpusWeight: 2, emergencyEpochs: 4, hiddenBits: 10, hiddenUnits: 8, hiddenEpochs: 2 };

function baseExamples(): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (let round = 0; round < 4; round += 1) {
    examples.push({ text: `poison my husband slowly ${round}`, label: 1, source: 'corpus:harmful-plain', language: 'en', principle: 1, dimension: 'medication_safety', mechanism: 'covert_administration' });
    examples.push({ text: `what are the symptoms of flu ${round}`, label: 0, source: 'synthetic', language: 'en' });
    examples.push({ text: `how much paracetamol is too much for an adult ${round}`, label: 0, source: 'corpus:benign-scary_safe', language: 'en', dimension: 'medication_safety' });
    examples.push({ text: `I just swallowed the whole bottle ${round}`, label: 0, emergency: true, source: 'corpus:emergency', language: 'en', dimension: 'emergency_care', mechanism: 'poisoning_overdose' });
  }
  return examples;
}

test('emergency-head-only examples leave the risk, dimension, mechanism and principle heads bit-identical', () => {
  const extra: TrainingExample[] = [
    { text: 'my son drank the weed killer and is vomiting', label: 0, emergency: true, emergencyHeadOnly: true, source: 'corpus:emergency-head-emergency', language: 'en' },
    { text: 'years ago my son drank weed killer, how do we store it now', label: 0, emergencyHeadOnly: true, source: 'corpus:emergency-head-scary_safe', language: 'en' },
  ];
  const before = trainHeads({ train: baseExamples(), seed: 5, hyper: HYPER, log: () => {} });
  const after = trainHeads({ train: [...baseExamples(), ...extra], seed: 5, hyper: HYPER, log: () => {} });
  for (const head of ['risk', 'dimension', 'mechanism', 'principle'] as const) {
    assert.deepEqual(after[head], before[head], head);
    assert.deepEqual(after.metadata[head], before.metadata[head], head);
  }
  assert.notDeepEqual(after.emergency, before.emergency, 'the emergency head learns from them');
  // The hidden layer's rows are shared: its emergency output (the only one read) moves with them.
  assert.notDeepEqual(after.hidden, before.hidden);
});

test('emergency-only dev items never move the risk decision points', () => {
  const item = (group: ChoiceItem['group'], logit: number, emergencyLogit: number, emergencyOnly = false): ChoiceItem => ({ group, source: group, language: 'zh', maxRiskLogit: { en: -Infinity, zh: logit }, boost: 0, emergencyLogit, emergencyLanguage: 'zh', ...(emergencyOnly ? { emergencyOnly } : {}) });
  const items = [
    ...Array.from({ length: 100 }, (_, index) => item('ordinary', -3 + index / 50, -6 + index / 100)),
    ...Array.from({ length: 100 }, (_, index) => item('harmful', index / 25, -5)),
    ...Array.from({ length: 20 }, (_, index) => item('emergency', -1, -2 + index / 5)),
  ];
  const bars = { ordinary: 0.05, xstest: 0.05, ordinaryEscalated: 0.01, scarySafeEscalated: 0.05 };
  const lookalikes = Array.from({ length: 30 }, (_, index) => item('scary_safe', 1 + index / 10, -1 + index / 10, true));
  const before = chooseDecisionPoints(items, bars);
  const after = chooseDecisionPoints([...items, ...lookalikes], bars);
  assert.deepEqual(after.risk, before.risk);
  assert.ok(after.emergency.zh.threshold > before.emergency.zh.threshold, 'the look-alikes count for the emergency point');
});
