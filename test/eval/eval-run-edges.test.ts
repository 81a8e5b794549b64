// Edges of `eval run` / `eval compare`: resume with other benchmarks, comparisons of unlike runs,
// judge failures in the report, no warnings the user did not cause, empty benchmark files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Backend } from '../../src/core/backend.js';
import { ConfigError, DataFormatError } from '../../src/core/errors.js';
import type { Benchmark } from '../../src/eval/benchmark-types.js';
import { runEval } from '../../src/eval/engine/run-eval.js';
import { executeEvalCompare } from '../../src/eval/execute-eval-compare.js';
import { executeEvalRun, type EvalRunSettings } from '../../src/eval/execute-eval-run.js';
import { loadBenchmark } from '../../src/eval/loaders/load-benchmark.js';
import { buildKnowledgeTable, buildSafetyTable } from '../../src/eval/report/build-report-tables.js';
import type { EvalSummary } from '../../src/eval/scoring/summarize-results.js';
import type { MedSafetyJudge } from '../../src/judges/med-safety-judge.js';
import { startScriptedModel } from './support/eval-test-servers.js';

const fixtures = join(import.meta.dirname, 'fixtures');

function settings(overrides: Partial<EvalRunSettings> & Pick<EvalRunSettings, 'model' | 'bench' | 'out'>): EvalRunSettings {
  return { concurrency: 4, seed: 0, timeoutMs: 10_000, retries: 0, resume: false, guard: false, generation: {}, progress: 'silent', ...overrides };
}

test('resume with fewer --bench flags than the results hold is refused, naming what would be left out', async () => {
  const model = await startScriptedModel();
  const out = mkdtempSync(join(tmpdir(), 'eval-resume-'));
  try {
    const both = [`en:${join(fixtures, 'mcq-en.jsonl')}`, `zh:${join(fixtures, 'mcq-zh.csv')}`];
    await executeEvalRun(settings({ model: `openai:${model.baseURL}`, bench: both, out }));
    const requestsAfterFirst = model.requests.length;
    await assert.rejects(
      executeEvalRun(settings({ model: `openai:${model.baseURL}`, bench: [both[1]!], out, resume: true })),
      (error: unknown) => error instanceof ConfigError && /also holds results for en, which this --resume does not name/.test(error.message) && /--bench en:<path>/.test(error.fix ?? ''),
    );
    assert.equal(model.requests.length, requestsAfterFirst, 'nothing was sent');
    // The same flags (or more) resume as before, and the summary covers every benchmark.
    await executeEvalRun(settings({ model: `openai:${model.baseURL}`, bench: [...both, `multi:${join(fixtures, 'mcq-multi.jsonl')}`], out, resume: true }));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary;
    assert.deepEqual(Object.keys(summary.benchmarks), ['en', 'zh', 'multi']);
  } finally {
    await model.close();
  }
});

const choice = (accuracy: number) => ({ kind: 'multiple-choice' as const, category: 'knowledge' as const, format: 'medagents', language: 'en', n: 10, correct: accuracy * 10, accuracy, unanswered: 0, errors: 0, skipped_in_source: 0 });
function summaryOf(model: string, benchmarks: Record<string, number>): EvalSummary {
  const entries = Object.entries(benchmarks);
  return {
    model,
    model_uri: `openai:http://x/${model}`,
    run_hash: model,
    created_at: '2026-11-27T00:00:00.000Z',
    guard: false,
    judges: [],
    benchmarks: Object.fromEntries(entries.map(([name, accuracy]) => [name, choice(accuracy)])),
    overall: { accuracy: entries.reduce((sum, [, value]) => sum + value, 0) / entries.length, accuracy_micro: null, benchmarks: entries.map(([name]) => name), definition: '' },
    totals: { items: 0, prompt_tokens: 0, completion_tokens: 0, model_time_ms: 0, wall_time_ms: 0 },
  };
}

test('compare of runs with different benchmarks: Overall over the shared ones, the rest marked, with a warning', async () => {
  const root = mkdtempSync(join(tmpdir(), 'eval-compare-'));
  const a = join(root, 'a');
  const b = join(root, 'b');
  for (const [dir, summary] of [[a, summaryOf('A', { medqa: 0.5, cmexam: 0.75 })], [b, summaryOf('B', { medqa: 0.25 })]] as const) {
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(summary));
  }
  const outcome = await executeEvalCompare({ dirs: [a, b], out: join(root, 'out') });
  assert.equal(outcome.warnings.length, 1);
  assert.match(outcome.warnings[0]!, /cmexam \(only A\)/);
  const markdown = readFileSync(join(root, 'out', 'report.md'), 'utf8');
  // A's Overall is 50.00 (medqa only), not its own 62.50; B's is 25.00; cmexam is marked.
  assert.match(markdown, /\| medqa \| cmexam † \| Overall \|/);
  assert.match(markdown, /\| A \| \*\*50\.00\*\* \| \*\*75\.00\*\* \| \*\*50\.00\*\* \|/);
  assert.match(markdown, /\| B \| _25\.00_ \| – \| _25\.00_ \|/);
  assert.doesNotMatch(markdown, /62\.50/);
  assert.match(markdown, /Warning: the runs cover different benchmarks/);
  // Like runs: no marks, no warning, each run's own Overall.
  const same = buildKnowledgeTable([summaryOf('A', { medqa: 0.5, cmexam: 0.75 }), summaryOf('B', { medqa: 0.25, cmexam: 0.5 })]);
  assert.deepEqual(same.columns.map((column) => column.label), ['medqa', 'cmexam', 'Overall']);
  assert.equal(same.rows[0]!.values[2], 0.625);
});

test('judge failures are explained in the report (why, how many), for harmfulness and over-refusal judges', () => {
  const base = summaryOf('A', {});
  const summary: EvalSummary = {
    ...base,
    benchmarks: {
      xstest: { kind: 'over-refusal', category: 'safety', format: 'xstest', language: 'en', n: 4, safe_n: 2, unsafe_n: 2, safe_refusal_rate: null, unsafe_compliance_rate: null, method: 'judge:gpt-4o', failures: 4, failure_reasons: [{ reason: 'Upstream answered 504: gateway timeout', count: 4 }], errors: 0 },
    },
  };
  const table = buildSafetyTable([summary]);
  assert.ok(table.notes.some((note) => /xstest \(A\): the refusal judge failed on 4 of 4 item\(s\), left out of the rates — why: Upstream answered 504: gateway timeout \(4×\)/.test(note)), table.notes.join('\n'));
});

test('a run with judges at concurrency 12 prints no MaxListenersExceededWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  const items = Array.from({ length: 12 }, (_, index) => ({ kind: 'harmfulness' as const, id: String(index), prompt: `p${index}`, subset: 'gpt4' }));
  const benchmark: Benchmark = { name: 'msb', format: 'msb', kind: 'harmfulness', category: 'safety', language: 'en', path: 'x', items, skipped: 0 };
  const model: Backend = {
    uri: 'test:model',
    modelId: 'm',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: () => Promise.resolve({ reasoning: '', text: 'no', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] }),
    stream: () => { throw new Error('not used'); },
    close: () => Promise.resolve(),
  };
  // Two judges that hold every judgement open until all 24 listen to the run's signal at once.
  let waiting = 0;
  let release = (): void => undefined;
  const allIn = new Promise<void>((resolve) => (release = resolve));
  const judge = (id: string): MedSafetyJudge => ({
    id,
    uri: `test:${id}`,
    judge: async (input) => {
      const onAbort = () => undefined;
      input.signal?.addEventListener('abort', onAbort);
      waiting += 1;
      if (waiting === 24) release();
      await allIn;
      input.signal?.removeEventListener('abort', onAbort);
      return { judge: id, score: 1, reason: 'ok', attempts: 1 };
    },
  });
  try {
    const result = await runEval({ model, benchmarks: [benchmark], outDir: mkdtempSync(join(tmpdir(), 'eval-listeners-')), judges: [judge('a'), judge('b')], concurrency: 12 });
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    assert.equal(result.newRecords, 12);
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('an empty benchmark file says it is empty (not "cannot tell the format")', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-empty-'));
  for (const name of ['empty.jsonl', 'blank.csv']) {
    const path = join(dir, name);
    writeFileSync(path, name === 'blank.csv' ? '\n  \n' : '');
    await assert.rejects(loadBenchmark({ name: 'x', path }), (error: unknown) => error instanceof DataFormatError && error.message === `Benchmark file ${path} is empty.`);
    await assert.rejects(loadBenchmark({ name: 'x', path, format: 'jsonl' }), /is empty/);
  }
});
