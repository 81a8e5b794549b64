import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProgressReporter } from '../../src/eval/engine/create-progress-reporter.js';
import { createRateLimiter, parseRate } from '../../src/eval/engine/create-rate-limiter.js';
import { sampleItems } from '../../src/eval/engine/sample-items.js';
import { parseBenchSpec, parseJudgeSpec, deriveJudgeId } from '../../src/eval/parse-eval-arguments.js';

test('rate limiter: N/s lets a burst of N through, then waits 1/N s per request (injected clock)', async () => {
  let now = 0;
  const waits: number[] = [];
  const limiter = createRateLimiter(2, { clock: { now: () => now }, sleep: (ms) => { waits.push(ms); now += ms; return Promise.resolve(); } });
  for (let index = 0; index < 5; index += 1) await limiter.acquire();
  assert.deepEqual(waits, [500, 500, 500]);
  assert.equal(now, 1500);
  assert.equal(parseRate('300/m'), 5);
  assert.equal(parseRate('10/s'), 10);
  assert.equal(parseRate('fast'), undefined);
});

test('sampling is deterministic per seed, keeps file order, and differs across seeds', () => {
  const items = Array.from({ length: 100 }, (_, index) => index);
  const first = sampleItems(items, 10, 42);
  assert.deepEqual(sampleItems(items, 10, 42), first);
  assert.deepEqual([...first].sort((left, right) => left - right), first);
  assert.notDeepEqual(sampleItems(items, 10, 43), first);
  assert.equal(sampleItems(items, undefined, 1).length, 100);
});

test('plain progress lines with ETA (injected clock)', () => {
  let now = 0;
  const lines: string[] = [];
  const progress = createProgressReporter({ mode: 'lines', write: (line) => lines.push(line), clock: { now: () => now }, intervalMs: 1000 });
  progress.start('medqa', 10, 2);
  now = 1000;
  progress.tick('medqa'); // 1 s since the last line: printed
  progress.tick('medqa'); // too soon: not printed
  progress.finish('medqa');
  assert.deepEqual(lines, ['medqa: 2/10 (20.0%) elapsed 0s ETA ?', 'medqa: 3/10 (30.0%) elapsed 1s ETA 7s', 'medqa: 4/10 (40.0%) elapsed 1s ETA 3s']);
});

test('bench and judge specs', () => {
  assert.deepEqual(parseBenchSpec('medqa:data/x.jsonl'), { name: 'medqa', path: 'data/x.jsonl' });
  assert.deepEqual(parseBenchSpec('cmexam@cmexam:/d/val.xlsx'), { name: 'cmexam', format: 'cmexam', path: '/d/val.xlsx' });
  assert.deepEqual(parseBenchSpec('/d/mmlu_medical.jsonl'), { name: 'mmlu_medical', path: '/d/mmlu_medical.jsonl' });
  assert.deepEqual(parseJudgeSpec('gpt4o=openai:https://api.openai.com/v1#gpt-4o'), { id: 'gpt4o', uri: 'openai:https://api.openai.com/v1', model: 'gpt-4o' });
  assert.deepEqual(parseJudgeSpec('vllm:http://h:8000/v1'), { uri: 'vllm:http://h:8000/v1' });
  const taken = new Set<string>();
  assert.equal(deriveJudgeId({ uri: 'openai:x', model: 'deepseek-v3' }, 'ignored', taken), 'deepseek-v3');
  assert.equal(deriveJudgeId({ uri: 'openai:y' }, 'deepseek-v3', taken), 'deepseek-v3-2');
});
