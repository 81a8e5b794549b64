// End-to-end runs of `eval run` in process, against scripted OpenAI-compatible servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { executeEvalRun, type EvalRunSettings } from '../../src/eval/execute-eval-run.js';
import { readResultRecords } from '../../src/eval/engine/result-store.js';
import type { ChoiceBenchmarkSummary, EvalSummary, HarmfulnessBenchmarkSummary, OverRefusalBenchmarkSummary } from '../../src/eval/scoring/summarize-results.js';
import { startScriptedJudge, startScriptedModel } from './support/eval-test-servers.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** summary.json as these fixtures make it (the benchmark names below are theirs). */
interface FixtureSummary {
  benchmarks: { en: ChoiceBenchmarkSummary; zh: ChoiceBenchmarkSummary; multi: ChoiceBenchmarkSummary; msb: HarmfulnessBenchmarkSummary; xstest: OverRefusalBenchmarkSummary };
  overall: EvalSummary['overall'];
}
const readSummary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as FixtureSummary;
const close = (value: number | null | undefined, expected: number) => { assert.ok(value !== null && value !== undefined && Math.abs(value - expected) < 1e-9, `${value} ≠ ${expected}`); };

function settings(overrides: Partial<EvalRunSettings> & Pick<EvalRunSettings, 'model' | 'bench' | 'out'>): EvalRunSettings {
  return { concurrency: 4, seed: 0, timeoutMs: 10_000, retries: 2, resume: false, guard: false, generation: {}, progress: 'silent', ...overrides };
}

test('exact accuracy per benchmark, Overall (mean) and micro; harmfulness per judge and subset, Overall-Avg; over-refusal by judge', async () => {
  const model = await startScriptedModel();
  const judgeA = await startScriptedJudge({ table: 'A', model: 'gpt-4o' });
  const judgeB = await startScriptedJudge({ table: 'B', model: 'qwen3-235b' });
  const out = mkdtempSync(join(tmpdir(), 'eval-run-'));
  try {
    const outcome = await executeEvalRun(
      settings({
        model: `openai:${model.baseURL}`,
        bench: [`en:${join(fixtures, 'mcq-en.jsonl')}`, `zh:${join(fixtures, 'mcq-zh.csv')}`, `multi:${join(fixtures, 'mcq-multi.jsonl')}`, `msb:${join(fixtures, 'msb')}`, `xstest:${join(fixtures, 'xstest.csv')}`],
        judge: [`openai:${judgeA.baseURL}`, `openai:${judgeB.baseURL}`],
        out,
      }),
    );
    const summary = readSummary(out);
    const en = summary.benchmarks.en;
    assert.deepEqual([en.n, en.correct, en.accuracy, en.unanswered], [4, 2, 0.5, 1]);
    close(summary.benchmarks.zh.accuracy, 2 / 3);
    assert.deepEqual([summary.benchmarks.multi.n, summary.benchmarks.multi.correct, summary.benchmarks.multi.skipped_in_source], [2, 1, 1]);
    close(summary.overall.accuracy, (0.5 + 2 / 3 + 0.5) / 3);
    close(summary.overall.accuracy_micro, 5 / 9);

    const msb = summary.benchmarks.msb;
    assert.deepEqual(Object.keys(msb.judges), ['gpt-4o', 'qwen3-235b']);
    close(msb.judges['gpt-4o']!.overall, 12 / 5);
    close(msb.judges['gpt-4o']!.subsets.gpt4, 2);
    close(msb.judges['gpt-4o']!.subsets.llama2, 3);
    close(msb.judges['qwen3-235b']!.overall, 11 / 5);
    close(msb.judges['qwen3-235b']!.subsets.gpt4, 5 / 3);
    close(msb.overall_avg, 2.3);
    close(msb.agreement.exact_agreement, 2 / 5);
    close(msb.agreement.krippendorff_alpha_ordinal, 0.7764705882352941);

    const xstest = summary.benchmarks.xstest;
    assert.deepEqual([xstest.safe_refusal_rate, xstest.unsafe_compliance_rate, xstest.method], [0.5, 0, 'judge:gpt-4o']);

    for (const file of ['results.jsonl', 'summary.json', 'report.md', 'report.html', 'radar.svg', 'radar.png']) assert.ok(existsSync(join(out, file)), file);
    const records = readResultRecords(join(out, 'results.jsonl')).records;
    assert.equal(records.length, 18);
    const first = records.find((record) => record.item_id === 'en-1')!;
    assert.deepEqual([first.reasoning, first.answer, first.extracted, first.correct, first.tokens.prompt], ['Scurvy is vitamin C deficiency.', 'The answer is (B)', ['B'], true, 20]);
    assert.ok(first.prompt.includes('The answer is X'));
    assert.ok(records.find((record) => record.item_id === '1' && record.benchmark === 'zh')!.prompt.includes('答案：'));
    // The model got the model card's system prompt and temperature 0.
    const firstRequest = model.requests[0]!;
    assert.match(String(firstRequest.messages[0]!.content), /<think>/);
    assert.equal(firstRequest.temperature, 0);
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    assert.match(markdown, /\| scripted-med-model \| 50\.00 \| 66\.67 \| 50\.00 \| 55\.56 \|/);
    assert.match(markdown, /msb · Overall-Avg/);
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<th colspan="3" class="group">gpt-4o<\/th>/);
    assert.equal(readFileSync(join(out, 'radar.png')).subarray(1, 4).toString(), 'PNG');
    assert.equal(outcome.complete, true);
  } finally {
    await Promise.all([model.close(), judgeA.close(), judgeB.close()]);
  }
});

test('malformed judge output is retried, then counted as a judge failure (not dropped, not safe); the detector scores over-refusal without a judge', async () => {
  const model = await startScriptedModel();
  const judge = await startScriptedJudge({ table: 'A', alwaysMalformed: ['H-L1-B'], malformedOnce: ['H-G1-A'] });
  const out = mkdtempSync(join(tmpdir(), 'eval-run-'));
  try {
    await executeEvalRun(settings({ model: `openai:${model.baseURL}`, bench: [`msb:${join(fixtures, 'msb')}`, `xstest:${join(fixtures, 'xstest.csv')}`], judge: [`a=openai:${judge.baseURL}`], refusalMethod: 'detector', out }));
    const summary = readSummary(out);
    const judged = summary.benchmarks.msb.judges.a!;
    assert.deepEqual([judged.n_scored, judged.failures], [4, 1]);
    close(judged.overall, (1 + 2 + 3 + 1) / 4);
    close(judged.overall_failures_as_5, (1 + 2 + 3 + 1 + 5) / 5);
    const records = readResultRecords(join(out, 'results.jsonl')).records;
    const failed = records.find((record) => record.item_id === 'llama2/1/1')!.judgements![0]!;
    assert.deepEqual([failed.score, failed.attempts], [null, 3]);
    assert.equal(records.find((record) => record.item_id === 'gpt4/1/0')!.judgements![0]!.attempts, 2);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /judge failures \(excluded from means, not counted as safe\): scripted-med-model \/ a: 1/);
    const xstest = summary.benchmarks.xstest;
    assert.deepEqual([xstest.safe_refusal_rate, xstest.unsafe_compliance_rate, xstest.method], [0.5, 0.5, 'refusal-detector']);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /refusal-phrase detector/);
  } finally {
    await Promise.all([model.close(), judge.close()]);
  }
});

test('resume: a finished run is not redone; a torn last line is tolerated; --limit/--seed picks the same items', async () => {
  const model = await startScriptedModel();
  const out = mkdtempSync(join(tmpdir(), 'eval-run-'));
  try {
    const base = settings({ model: `openai:${model.baseURL}`, bench: [`en:${join(fixtures, 'mcq-en.jsonl')}`], out, limit: 3, seed: 7 });
    const first = await executeEvalRun(base);
    assert.equal(first.result.newRecords, 3);
    const requestsAfterFirst = model.requests.length;
    await assert.rejects(executeEvalRun(base), /already exists/);
    appendFileSync(join(out, 'results.jsonl'), '{"benchmark":"en","item_id":"en-'); // a torn write
    const second = await executeEvalRun({ ...base, resume: true });
    assert.deepEqual([second.result.newRecords, second.result.reusedRecords, second.result.tornLines], [0, 3, 1]);
    assert.equal(model.requests.length, requestsAfterFirst);
    const ids = readResultRecords(join(out, 'results.jsonl')).records.map((record) => record.item_id);
    assert.equal(ids.length, 3);
    assert.deepEqual([...first.result.records.get('en')!.map((record) => record.item_id)], ids);
    // A different setting is a different run hash: everything is redone.
    const third = await executeEvalRun({ ...base, resume: true, generation: { maxTokens: 99 } });
    assert.equal(third.result.newRecords, 3);
  } finally {
    await model.close();
  }
});

test('model errors are retried with backoff; an item that still fails is recorded as an error and redone on resume', async () => {
  const flaky = await startScriptedModel({ failFirst: { count: 2, status: 500 } });
  const out = mkdtempSync(join(tmpdir(), 'eval-run-'));
  try {
    const run = await executeEvalRun(settings({ model: `openai:${flaky.baseURL}`, bench: [`en:${join(fixtures, 'mcq-en.jsonl')}`], out, concurrency: 1, retries: 0 }));
    const summary = run.result.summary.benchmarks.en as ChoiceBenchmarkSummary;
    assert.deepEqual([summary.n, summary.errors, summary.correct], [4, 2, 0]);
    const resumed = await executeEvalRun(settings({ model: `openai:${flaky.baseURL}`, bench: [`en:${join(fixtures, 'mcq-en.jsonl')}`], out, resume: true }));
    assert.deepEqual([resumed.result.newRecords, resumed.result.reusedRecords], [2, 2]);
    assert.deepEqual([(resumed.result.summary.benchmarks.en as ChoiceBenchmarkSummary).errors, (resumed.result.summary.benchmarks.en as ChoiceBenchmarkSummary).correct], [0, 2]);
  } finally {
    await flaky.close();
  }
});
