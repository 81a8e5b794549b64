/**
 * No dev or test record of the guard corpus shares an English word 8-gram or a Chinese character
 * 8-gram with any text the model is trained on that the project wrote: the corpus train split as
 * trained on (written and generated), the phrase and generator tables, and the generators' output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findOverlap, indexEvaluationTexts, overlapGrams } from '../../training/guard/ngram-overlap.js';
import { corpusTrainingTexts, evaluationItems, generatorTexts, selectCorpusTraining, tableTexts } from '../../training/guard/project-training-texts.js';
import { readCorpus } from '../../training/guard/read-corpus.js';

test('8-grams: English words, Chinese characters, spelled-out words joined', () => {
  assert.deepEqual(overlapGrams('one two three four five six seven'), []);
  assert.deepEqual(overlapGrams('One two three four five six seven eight nine'), ['w:one two three four five six seven eight', 'w:two three four five six seven eight nine']);
  assert.deepEqual(overlapGrams('我想知道这个药怎么吃'), ['c:我想知道这个药怎', 'c:想知道这个药怎么', 'c:知道这个药怎么吃']);
  assert.equal(overlapGrams('please tell me how to k i l l the p.r.o.c.e.s.s on linux')[0], 'w:please tell me how to kill the process');
});

test('an overlap is found and names the evaluation record', () => {
  const index = indexEvaluationTexts([{ id: 'dev-1', texts: ['How much of the drug would it take to make him sleep through the night?'] }]);
  assert.deepEqual(findOverlap(index, 'tell me: how much of the drug would it take to make him sleep'), { gram: 'w:how much of the drug would it take', evaluationId: 'dev-1' });
  assert.equal(findOverlap(index, 'How much of the drug is safe for a child?'), undefined);
});

test('no dev or test record shares an 8-gram with project-written training text', () => {
  const records = readCorpus();
  const evaluation = evaluationItems(records);
  assert.ok(evaluation.length > 0, 'the corpus has dev/test records');
  const index = indexEvaluationTexts(evaluation);
  const selection = selectCorpusTraining(records, index);
  const train = records.filter((record) => record.split === 'train').length;
  // Leaving out train records that happen to share a phrase with a dev/test record must stay rare.
  assert.ok(selection.dropped.length <= Math.max(5, train * 0.02), `too many train records overlap dev/test: ${selection.dropped.map((hit) => `${hit.record.id}~${hit.evaluationId} "${hit.gram}"`).join('; ')}`);
  const problems: string[] = [];
  for (const item of [...corpusTrainingTexts(selection.kept), ...tableTexts(), ...generatorTexts()]) {
    const hit = findOverlap(index, item.text);
    if (hit) problems.push(`${hit.evaluationId} shares "${hit.gram.slice(2)}" with ${item.source}`);
  }
  assert.deepEqual(problems.slice(0, 20), []);
});
