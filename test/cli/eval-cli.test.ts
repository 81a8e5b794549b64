// `safemed eval` through the real CLI: a killed run resumed (each item exactly once), broken
// benchmark files, a missing judge, and `compare` on two runs.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readResultRecords } from '../../src/eval/engine/result-store.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { MODEL_REPLIES, markerOf, startScriptedModel } from '../eval/support/eval-test-servers.js';
import type { ChoiceBenchmarkSummary, EvalSummary } from '../../src/eval/scoring/summarize-results.js';

const fixtures = join(import.meta.dirname, '..', 'eval', 'fixtures');

interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }); }),
  );
  return { child, done };
}

test('a run killed with SIGKILL and resumed evaluates every item exactly once', async () => {
  let cli: CliRun | undefined;
  let chatRequests = 0;
  const killAt = 4;
  // The model kills the CLI when it receives its 4th chat request: items 1–3 are on disk by then (concurrency 1).
  const model = await startScriptedUpstream(({ body }) => {
    chatRequests += 1;
    if (chatRequests === killAt && cli) cli.child.kill('SIGKILL');
    const messages = body.messages as Array<{ content: string }>;
    const marker = markerOf(messages.at(-1)?.content ?? '') ?? '';
    return { content: MODEL_REPLIES[marker] ?? 'no idea' };
  });
  const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  const args = ['eval', 'run', '--model', `openai:${model.baseURL}`, '--bench', `en:${join(fixtures, 'mcq-en.jsonl')}`, '--bench', `zh:${join(fixtures, 'mcq-zh.csv')}`, '--out', out, '--progress', 'none'];
  try {
    cli = startCli([...args, '--concurrency', '1']);
    const killed = await cli.done;
    assert.equal(killed.signal, 'SIGKILL');
    const before = readResultRecords(join(out, 'results.jsonl')).records;
    assert.equal(before.length, killAt - 1);
    assert.ok(!existsSync(join(out, 'summary.json')));

    cli = undefined;
    const resumed = await startCli([...args, '--resume', '--concurrency', '3']).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /done: 4 new, 3 reused item results/);
    const records = readResultRecords(join(out, 'results.jsonl')).records;
    const keys = records.map((record) => `${record.benchmark}/${record.item_id}`);
    assert.deepEqual([...keys].sort(), ['en/en-1', 'en/en-2', 'en/en-3', 'en/en-4', 'zh/0', 'zh/1', 'zh/2']);
    assert.equal(new Set(keys).size, keys.length);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary & { complete: boolean };
    assert.equal(summary.benchmarks.en?.n, 4);
    assert.equal((summary.benchmarks.en as ChoiceBenchmarkSummary).accuracy, 0.5);
    assert.equal(summary.complete, true);
    // Resuming a finished run calls the model for nothing.
    const requestsBefore = chatRequests;
    const again = await startCli([...args, '--resume']).done;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /done: 0 new, 7 reused/);
    assert.equal(chatRequests, requestsBefore);
  } finally {
    await model.close();
  }
});

test('a broken benchmark file exits 2 naming file, line and column', async () => {
  const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  const result = await startCli(['eval', 'run', '--model', 'openai:http://127.0.0.1:9/v1', '--bench', `bad:${join(fixtures, 'broken', 'bad-answer.csv')}`, '--out', out]).done;
  assert.equal(result.code, 2);
  assert.match(result.stderr, /bad-answer\.csv:3: answer "Z" in column "Answer"/);
  assert.match(result.stderr, /fix: /);
});

test('MedSafetyBench without a judge is a clear user error', async () => {
  const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  const result = await startCli(['eval', 'run', '--model', 'openai:http://127.0.0.1:9/v1', '--bench', `msb@msb:${join(fixtures, 'msb')}`, '--out', out]).done;
  assert.equal(result.code, 2);
  assert.match(result.stderr, /scored by judges, and no --judge was given/);
});

test('compare builds one table and one radar chart with every model, best red and second blue', async () => {
  const strong = await startScriptedModel();
  const weak = await startScriptedUpstream(() => ({ content: 'The answer is A' }), { models: ['weak-model'] });
  const root = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  try {
    const bench = ['--bench', `en:${join(fixtures, 'mcq-en.jsonl')}`, '--bench', `zh:${join(fixtures, 'mcq-zh.csv')}`, '--progress', 'none'];
    const runs = await Promise.all([
      startCli(['eval', 'run', '--model', `openai:${strong.baseURL}`, '--label', 'Strong', '--out', join(root, 'strong'), ...bench]).done,
      startCli(['eval', 'run', '--model', `openai:${weak.baseURL}`, '--out', join(root, 'weak'), ...bench]).done,
    ]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const compared = await startCli(['eval', 'compare', join(root, 'strong'), join(root, 'weak'), '--out', join(root, 'cmp')]).done;
    assert.equal(compared.code, 0, compared.stderr);
    const markdown = readFileSync(join(root, 'cmp', 'report.md'), 'utf8');
    // en: Strong 50 %, weak 25 % (only en-3 is A); zh: Strong 66.67 %, weak 33.33 %.
    assert.match(markdown, /\| Strong \| \*\*50\.00\*\* \| \*\*66\.67\*\* \| \*\*58\.33\*\* \|/);
    assert.match(markdown, /\| weak-model \| _25\.00_ \| _33\.33_ \| _29\.17_ \|/);
    const html = readFileSync(join(root, 'cmp', 'report.html'), 'utf8');
    assert.match(html, /<td class="best">50\.00<\/td>/);
    assert.match(html, /<td class="second">25\.00<\/td>/);
    const svg = readFileSync(join(root, 'cmp', 'radar.svg'), 'utf8');
    assert.ok(svg.includes('Strong') && svg.includes('weak-model'));
    assert.ok(existsSync(join(root, 'cmp', 'radar.png')));
  } finally {
    await Promise.all([strong.close(), weak.close()]);
  }
});

test('--guard evaluates through the guard middleware (verdicts recorded per item)', async () => {
  const model = await startScriptedModel();
  const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  try {
    const result = await startCli(['eval', 'run', '--model', `openai:${model.baseURL}`, '--bench', `xstest:${join(fixtures, 'xstest.csv')}`, '--refusal', 'detector', '--guard', '--out', out, '--progress', 'none']).done;
    assert.equal(result.code, 0, result.stderr);
    const records = readResultRecords(join(out, 'results.jsonl')).records;
    assert.equal(records.length, 4);
    for (const record of records) assert.ok(record.guard_actions && record.guard_actions.some((action) => action.startsWith('input:')), record.item_id);
    assert.equal((JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary).guard, true);
  } finally {
    await model.close();
  }
});
