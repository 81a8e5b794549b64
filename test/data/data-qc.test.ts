// `data qc` against scripted judges on 127.0.0.1: exact strikes, queue routing, regeneration, figures, resume.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CotRecord, PipelineRecord } from '../../src/data/data-record.js';
import { DEFAULT_STRIKE_RULES } from '../../src/data/qc/count-strikes.js';
import { createCriteriaJudge } from '../../src/data/qc/create-criteria-judge.js';
import { runQc } from '../../src/data/qc/run-qc.js';
import { openReviewQueue } from '../../src/data/review/index.js';
import { loadPipelinePrompts } from '../../src/data/engine/load-pipeline-prompts.js';
import { loadSafetySpec } from '../../src/spec/index.js';
import { startScriptedUpstream, type ScriptedRequest } from '../support/scripted-upstream.js';
import { callerFor, judgeReply, lastUser, temporaryFolder } from './data-helpers.js';

const spec = loadSafetySpec();
const prompts = loadPipelinePrompts();
const IDS = spec.rubrics.cotCriteria.map((criterion) => criterion.id);

function item(id: string, marker: string, verified = true): CotRecord {
  return {
    kind: 'cot', id, source: 'exam', language: 'en', question: `question ${marker}`, options: { A: 'a', B: 'b' }, answer: 'A',
    reasoning: `reasoning ${marker}`, response: `<think>\nreasoning ${marker}\n</think>\n<answer>\nThe answer is A\n</answer>`, extracted: verified ? 'A' : 'B',
    verified, attempts: 1, temperatures: [0], teacher: 't', prompt_version: 'cot-1', settings_hash: 'h0',
    strikes: verified ? [] : [{ kind: 'unverified_answer', stage: 'cot', detail: 'scripted' }],
  };
}

/** Scores per marker found in the judged response: judge 1 and judge 2 can differ. */
function judgeServer(table: Record<string, Record<string, number> | number | 'fail'>) {
  return startScriptedUpstream((request: ScriptedRequest) => {
    const prompt = lastUser(request);
    const response = prompt.slice(prompt.lastIndexOf('Response to review'));
    const marker = Object.keys(table).find((key) => response.includes(key)) ?? 'default';
    const scores = table[marker] ?? 5;
    if (scores === 'fail') return { content: 'I will not score this.' };
    return { content: judgeReply(IDS, scores) };
  });
}

test('qc: exact strikes per the rules and routing to the review queue at five strikes', async () => {
  // judge 1 / judge 2 scores per item marker
  const judge1 = await judgeServer({ 'm-good': 5, 'm-one-low': { medical_correctness: 2 }, 'm-split': { reasoning_structure: 5, clinical_utility: 5 }, 'm-bad': 1, 'm-fail': 'fail', 'm-unv': 4 });
  const judge2 = await judgeServer({ 'm-good': 4, 'm-one-low': 5, 'm-split': { reasoning_structure: 2, clinical_utility: 3 }, 'm-bad': 2, 'm-fail': 5, 'm-unv': 4 });
  const folder = temporaryFolder('qc');
  const queue = openReviewQueue({ path: join(folder, 'review.db'), clock: { now: () => Date.UTC(2026, 0, 1) } });
  try {
    const judges = [createCriteriaJudge({ id: 'j1', caller: await callerFor(judge1.baseURL), prompts, maxAttempts: 1 }), createCriteriaJudge({ id: 'j2', caller: await callerFor(judge2.baseURL), prompts, maxAttempts: 1 })];
    const records: PipelineRecord[] = [item('good', 'm-good'), item('one-low', 'm-one-low'), item('split', 'm-split'), item('bad', 'm-bad'), item('fail', 'm-fail'), item('unv', 'm-unv', false)];
    const out = join(folder, 'qc.jsonl');
    const result = await runQc({ records, judges, judgeLabels: ['j1', 'j2'], spec, rules: DEFAULT_STRIKE_RULES, out, queue, resume: false, concurrency: 3 });
    const all = new Map([...result.accepted, ...result.queued].map((record) => [record.id, record]));
    const kinds = (id: string) => all.get(id)?.strikes.map((strike) => strike.kind).sort() ?? [];
    assert.deepEqual(kinds('good'), []);
    // one criterion below 3 by one judge, and 2 vs 5 is a disagreement (spread 3 > 1)
    assert.deepEqual(kinds('one-low'), ['criterion_below_pass', 'judge_disagreement']);
    // reasoning 5 vs 2 (below pass + disagreement), utility 5 vs 3 (disagreement only)
    assert.deepEqual(kinds('split'), ['criterion_below_pass', 'judge_disagreement', 'judge_disagreement']);
    // every criterion below 3 for both judges: 10 strikes; spread 1 is not a disagreement
    assert.equal(all.get('bad')?.strikes.length, 10);
    assert.ok(all.get('bad')?.strikes.every((strike) => strike.kind === 'criterion_below_pass'));
    // a failed judge is a strike, never a pass
    assert.deepEqual(kinds('fail'), ['judge_failure']);
    assert.equal(all.get('fail')?.qc?.judges[0]?.error?.includes('unusable reply'), true);
    // the unverified answer is struck once (by the cot stage), not twice
    assert.deepEqual(kinds('unv'), ['unverified_answer']);
    assert.deepEqual(result.queued.map((record) => record.id), ['bad']);
    assert.deepEqual(result.accepted.map((record) => record.id), ['good', 'one-low', 'split', 'fail', 'unv']);
    assert.equal(all.get('good')?.qc?.score, 4.5);
    assert.deepEqual(queue.list().map((entry) => [entry.id, entry.status, entry.strikes]), [['bad', 'pending', 10]]);
    const shown = queue.show('bad');
    assert.ok(shown.reasons.some((reason) => reason.includes('j1 · medical_correctness 1: scripted reason')));
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 5);

    const summary = result.summary;
    assert.deepEqual(summary.strikes_histogram, { '0': 1, '1': 2, '2': 1, '3': 1, '4': 0, '5+': 1 });
    // medical_correctness: scores j1 [5,2,?,1,-,4] j2 [4,5,5,2,5,4]; ≥3: j1 5,4 + 'split' default 5 → see below
    assert.equal(summary.pass_rate.medical_correctness?.scored, 11);
    assert.equal(summary.pass_rate.reasoning_structure?.by_judge.j2, 4 / 6);
    assert.equal(summary.judge_failures, 1);
    assert.equal(typeof summary.judge_agreement.medical_correctness?.krippendorff_alpha_ordinal, 'number');
    assert.equal(summary.judge_agreement.medical_correctness?.pairable_items, 5);

    // the queue is idempotent: a resumed run does not queue twice
    const again = await runQc({ records, judges, judgeLabels: ['j1', 'j2'], spec, rules: DEFAULT_STRIKE_RULES, out, queue, resume: true, concurrency: 3 });
    assert.equal(again.newRecords, 0);
    assert.equal(again.newlyQueued, 0);
    assert.equal(queue.log().length, 1);
  } finally {
    queue.close();
    await Promise.all([judge1.close(), judge2.close()]);
  }
});

test('qc: a failed criterion is regenerated once and judged again; five strikes skip regeneration', async () => {
  const judge = await judgeServer({ 'm-fixed': 5, 'm-weak': { clinical_utility: 2 }, 'm-awful': 1 });
  const folder = temporaryFolder('qc-regen');
  try {
    const judges = [createCriteriaJudge({ id: 'j1', caller: await callerFor(judge.baseURL), prompts, maxAttempts: 1 })];
    let regenerations = 0;
    const regenerate = (record: PipelineRecord) => {
      regenerations += 1;
      return Promise.resolve({ ...record, response: record.response.replace('m-weak', 'm-fixed'), reasoning: 'better' });
    };
    const result = await runQc({ records: [item('weak', 'm-weak'), item('awful', 'm-awful')], judges, judgeLabels: ['j1'], spec, rules: DEFAULT_STRIKE_RULES, regenerate: { run: regenerate, label: 'test' }, out: join(folder, 'qc.jsonl'), resume: false, concurrency: 1 });
    assert.equal(regenerations, 1, 'only the item below the strike limit is regenerated');
    const weak = result.accepted.find((record) => record.id === 'weak');
    assert.equal(weak?.qc?.regenerated, true);
    assert.equal(weak.strikes.length, 0);
    assert.equal(weak.qc.previous?.strikes.length, 1);
    assert.match(weak.qc.previous.response, /m-weak/u);
    assert.deepEqual(result.queued.map((record) => record.id), ['awful']);
    assert.equal(result.summary.regenerated, 1);
  } finally {
    await judge.close();
  }
});

test('qc: ethics items are judged on the ethics rubric (four criteria, EN/ZH) with the same strikes and queue', async () => {
  const ethicsIds = (spec.rubrics.ethicsCriteria ?? []).map((criterion) => criterion.id);
  assert.deepEqual(ethicsIds, ['principle_identified', 'refusal_appropriate', 'alternative_useful', 'no_over_refusal']);
  const judge = await startScriptedUpstream((request) => {
    const prompt = lastUser(request);
    return { content: JSON.stringify(Object.fromEntries(ethicsIds.map((id) => [id, { score: prompt.includes('OVER-REFUSED') && id === 'no_over_refusal' ? 1 : 5, reason: 'r' }]))) };
  });
  const folder = temporaryFolder('qc-ethics');
  try {
    const ethics = (id: string, language: 'en' | 'zh', answer: string) => ({
      kind: 'ethics' as const, id, source: 'teacher', language, dimension: 'medication_safety', perspective: 'patient', case: 'benign_contrast' as const, label: 'benign' as const,
      question: 'How should I store insulin?', reasoning: 'No risk.', answer_text: answer, response: `<think>\nNo risk.\n</think>\n<answer>\n${answer}\n</answer>`, principle: 'none',
      verified: true, attempts: 1, temperatures: [0.8], teacher: 't', prompt_version: 'ethics-1', settings_hash: 'h', strikes: [],
    });
    const judges = [createCriteriaJudge({ id: 'j1', caller: await callerFor(judge.baseURL), prompts, maxAttempts: 1 })];
    const result = await runQc({ records: [ethics('e1', 'en', 'Keep it cool.'), ethics('e2', 'zh', 'OVER-REFUSED 我不能回答。')], judges, judgeLabels: ['j1'], spec, rules: DEFAULT_STRIKE_RULES, out: join(folder, 'qc.jsonl'), resume: false, concurrency: 1 });
    assert.deepEqual(result.accepted.map((record) => [record.id, record.qc?.rubric, record.strikes.length]), [['e1', 'ethics', 0], ['e2', 'ethics', 1]]);
    assert.deepEqual(Object.keys(result.accepted[0]?.qc?.mean ?? {}), ethicsIds);
    const prompts0 = judge.requests.map((body) => JSON.stringify(body.messages));
    assert.ok(prompts0.some((text) => text.includes('no_over_refusal (No over-refusal)') && text.includes('benign contrast (should be answered, not refused)')));
    assert.ok(prompts0.some((text) => text.includes('无过度拒绝') && text.includes('无害对照')), 'the Chinese rubric for Chinese items');
    assert.equal(result.summary.pass_rate.no_over_refusal?.rate, 0.5);
  } finally {
    await judge.close();
  }
});
