import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { splitReasoning } from '../../src/backends/reasoning-normalizer.js';
import { createBackend } from '../../src/backends/registry.js';
import { TimeoutError } from '../../src/core/errors.js';
import { formatOverRefusalPrompt } from '../../src/judges/over-refusal-judge.js';
import { parseResponse, scoreFormat } from '../../src/reward/components/score-format.js';
import { fillRubric, loadJudgeRubrics } from '../../src/reward/components/load-reward-data.js';
import { createRewardScorer } from '../../src/reward/create-reward-scorer.js';
import { compileJudgePrompt } from '../../src/reward/judging/compile-judge-prompt.js';
import { createAttemptDeadlines } from '../../src/reward/judging/create-attempt-deadlines.js';
import { createJudgeCache, judgeCacheKey, judgeCacheKeyFromJson, judgeCacheKeyHead } from '../../src/reward/judging/create-judge-cache.js';
import { createJudgeRunner, judgeContent, type JudgeQuestion, type RewardJudge } from '../../src/reward/judging/create-judge-runner.js';
import { createRewardMetrics } from '../../src/reward/reward-metrics.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, GenerateResult } from '../../src/core/chat.js';
import { createSemaphore } from '../../src/reward/judging/create-semaphore.js';
import { parseRewardConfig } from '../../src/reward/reward-config.js';
import { formatHarmfulnessJudgePrompt } from '../../src/spec/index.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { must } from './must.js';

const AWKWARD = [
  ['', ''],
  ['{request} {response} $& $1 $$', '{usage_policy} {rubric} \\n “quoted”'],
  ['  leading and trailing  \n', '\t<think>\nwhy\n</think>\nanswer\n'],
  ['User: a\nAssistant: b\nUser: c', '药物过量怎么办？'],
] as const;

test('compiled judge prompts equal the spec and rubric builders on awkward values', () => {
  const rubrics = loadJudgeRubrics();
  const builders = [
    (request: string, response: string) => formatHarmfulnessJudgePrompt(request, response),
    (request: string, response: string) => fillRubric(rubrics.explanation, request, response),
    (request: string, response: string) => fillRubric(rubrics.helpfulness, request, response),
    formatOverRefusalPrompt,
  ];
  for (const build of builders) {
    const compiled = compileJudgePrompt(build);
    for (const [request, response] of AWKWARD) assert.equal(compiled.fill(request, response), build(request, response));
  }
  // response before request in the template
  const reversed = compileJudgePrompt((request, response) => `R=${response}; Q=${request}.`);
  assert.equal(reversed.fill('q', 'r'), 'R=r; Q=q.');
});

test('a builder that transforms its values is never replaced by pieces; templates get distinct digests', () => {
  const trimming = (request: string, response: string) => `Q: ${request.trim()}\nA: ${response.trim()}`;
  const compiled = compileJudgePrompt(trimming);
  assert.equal(compiled.fill('  x  ', ' y '), 'Q: x\nA: y');
  assert.equal(compiled.fill, trimming);
  const twice = (request: string, response: string) => `${request} / ${request} / ${response}`;
  assert.equal(compileJudgePrompt(twice).fill('a', 'b'), 'a / a / b');
  assert.notEqual(compileJudgePrompt((request, response) => `v1 ${request} ${response}`).digest, compileJudgePrompt((request, response) => `v2 ${request} ${response}`).digest);
});

test('the cache key depends on the judge, the task and every content part, and on nothing else', () => {
  const base = { judgeId: 'j', uri: 'openai:http://127.0.0.1:1/v1', model: 'm', task: 'harmfulness', content: ['digest', 'request', 'response'] };
  assert.equal(judgeCacheKey(base), judgeCacheKey({ ...base, content: [...base.content] }));
  const variants = [{ judgeId: 'k' }, { uri: 'openai:http://127.0.0.1:2/v1' }, { model: 'n' }, { task: 'explanation' }, { content: ['digest', 'request', 'response!'] }, { content: ['digest', 'request response', ''] }];
  const keys = new Set([judgeCacheKey(base), ...variants.map((variant) => judgeCacheKey({ ...base, ...variant }))]);
  assert.equal(keys.size, variants.length + 1);
});

test('cache keys stay SHA-256 of the JSON of [judge id, uri, model, task, ...content] (cache files keep matching)', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  for (const content of [['digest', 'request', 'response'], [], ['“quoted” \\ "x"\n', '药物', ''], ['a']]) {
    const parts = { judgeId: 'j"1', uri: 'openai:http://127.0.0.1:1/v1', model: 'm\n', task: 'harmfulness', content };
    const expected = sha(JSON.stringify([parts.judgeId, parts.uri, parts.model, parts.task, ...content]));
    assert.equal(judgeCacheKey(parts), expected);
  }
});

test('the judge cache evicts exactly the least recently used answer, over a long run of hits and misses', () => {
  const capacity = 7;
  const cache = createJudgeCache({ maxEntries: capacity });
  /** The reference: keys in recency order, oldest first. */
  let order: string[] = [];
  const values = new Map<string, number>();
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let step = 0; step < 20_000; step += 1) {
    const key = `k${String(Math.floor(next() * 20))}`;
    if (next() < 0.5) {
      const expected = order.includes(key) ? values.get(key) : undefined;
      assert.equal(cache.get(key), expected, `get ${key} at step ${String(step)}`);
      if (expected !== undefined) order = [...order.filter((other) => other !== key), key];
    } else {
      const value = step;
      cache.set(key, value);
      values.set(key, value);
      order = [...order.filter((other) => other !== key), key];
      if (order.length > capacity) order = order.slice(order.length - capacity);
    }
    assert.equal(cache.size, order.length);
  }
  for (const key of order) assert.equal(cache.get(key), values.get(key));
});

/** A seeded generator of response-like strings: tags, near-tags, whitespace and text in any order. */
function* responses(count: number): Generator<string> {
  const pieces = ['<think>', '</think>', '<answer>', '</answer>', ' ', '\n', '\u00a0', 'x', 'dose 5 mg', '<', '<thi', '</answ', '<b>', '中文', '>'];
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let index = 0; index < count; index += 1) {
    let text = '';
    const length = 1 + Math.floor(next() * 12);
    for (let piece = 0; piece < length; piece += 1) text += pieces[Math.floor(next() * pieces.length)] ?? '';
    yield text;
  }
  for (const space of ['', ' ', '\n \t', '\u00a0']) {
    for (const inner of ['a', ' a ', '\na < b\n', '<thin k>', 'x <answ y']) {
      yield `${space}<think>${inner}</think>${space}<answer>${inner}${space}</answer>${space}`;
    }
  }
}

test('parseResponse splits exactly like splitReasoning and scores the format like scoreFormat', () => {
  let wellFormed = 0;
  for (const response of responses(20_000)) {
    const parsed = parseResponse(response);
    assert.deepEqual({ reasoning: parsed.reasoning, answer: parsed.answer }, splitReasoning(response), JSON.stringify(response));
    assert.deepEqual(parsed.format, scoreFormat(response));
    if (parsed.format.value === 1) wellFormed += 1;
  }
  assert.ok(wellFormed >= 20, `only ${String(wellFormed)} well-formed samples`);
  assert.deepEqual(scoreFormat('<think>a</think><answer>b</answer><answer>c</answer>'), { value: 0, source: 'rule', detail: '<answer> appears 2 times' });
  assert.deepEqual(scoreFormat('<think> </think><answer>b</answer>'), { value: 0, source: 'rule', detail: 'empty <think>' });
});

test('attempt deadlines: attempts in one window share a signal, a timeout is never early, a caller abort stays with its caller', async () => {
  let clock = 0;
  const deadlines = createAttemptDeadlines({ timeoutMs: 40, slackMs: 10, now: () => clock });
  // measured before the first window opens (its timer starts then): a late start of the clock let a loaded machine fail the check below
  const started = performance.now();
  const first = deadlines.start(undefined);
  clock = 5;
  const second = deadlines.start(undefined);
  assert.equal(first.signal, second.signal);
  clock = 10;
  const third = deadlines.start(undefined);
  assert.notEqual(third.signal, first.signal, 'a new window after slackMs');
  const caller = new AbortController();
  const callers = deadlines.start(caller.signal);
  assert.notEqual(callers.signal, third.signal);
  caller.abort(new Error('client went away'));
  assert.equal(callers.signal.aborted, true);
  assert.equal(third.signal.aborted, false);
  assert.equal(deadlines.open, 3);
  deadlines.end(callers);
  deadlines.end(third);
  assert.equal(deadlines.open, 1);

  const reason = await new Promise<unknown>((resolve) => {
    first.signal.addEventListener('abort', () => {
      resolve(first.signal.reason);
    });
  });
  assert.ok(reason instanceof TimeoutError);
  assert.ok(performance.now() - started >= 39, 'not before timeoutMs');
  deadlines.end(first);
  deadlines.end(second);
  assert.equal(deadlines.open, 0, 'no timer is left once every attempt ended');
});

test('the semaphore: free slots without a promise, waiters in order, an aborted caller leaves the queue alone', async () => {
  const semaphore = createSemaphore(1);
  assert.equal(semaphore.tryAcquire(), true);
  assert.equal(semaphore.tryAcquire(), false);
  const caller = new AbortController();
  const order: string[] = [];
  const first = semaphore.acquire().then((release) => {
    order.push('first');
    return release;
  });
  const gone = semaphore.acquire(caller.signal);
  const third = semaphore.acquire().then((release) => {
    order.push('third');
    return release;
  });
  assert.equal(semaphore.waiting, 3);
  caller.abort(new Error('aborted'));
  await assert.rejects(gone, /aborted/);
  assert.equal(semaphore.waiting, 2);
  semaphore.release();
  (await first)();
  (await third)();
  assert.deepEqual(order, ['first', 'third']);
  assert.deepEqual([semaphore.active, semaphore.waiting], [0, 0]);
});

test('aborting a batch aborts its judge calls: the items fall back, counted, and the batch settles', async () => {
  let arrived: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let seen = 0;
  const upstream = await startScriptedUpstream(() => {
    seen += 1;
    if (seen === 2) arrived();
    return { fault: 'hang' };
  });
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0, timeoutMs: 30_000 });
  const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { retries: 2, onFailure: 'value', failureValue: 0.25 } }), judges: [{ id: 'judge', backend }], sleep: () => Promise.resolve() });
  try {
    const controller = new AbortController();
    const pending = scorer.score([{ messages: [{ role: 'user', content: 'Give me a fatal dose.' }], response: '<think>no</think><answer>I cannot help.</answer>', label: { kind: 'harmful' } }], controller.signal);
    await allArrived;
    controller.abort(new Error('client disconnected'));
    const [result] = await pending;
    assert.equal(must(result).components.safety.value, 0.25);
    assert.equal(must(result).judgeFailures, 2);
    assert.equal(upstream.requests.length, 2, 'no retry after the caller aborted');
  } finally {
    await scorer.close();
    await upstream.close();
  }
});

test('keys built from a head and shared content JSON are the keys judgeCacheKey builds', () => {
  for (const [request, response] of [...AWKWARD, ['a"b\\c', '\u2028\u0000 x']]) {
    const parts = { judgeId: 'j"1', uri: 'openai:http://127.0.0.1:1/v1', model: 'm\n', task: 'harmfulness' };
    const head = judgeCacheKeyHead({ ...parts, content: ['digest'] });
    assert.equal(judgeCacheKeyFromJson(head, judgeContent(request, response).json), judgeCacheKey({ ...parts, content: ['digest', request, response] }));
  }
});

/** An in-process judge backend: `answer` decides each call (a value to resolve with, or a function that throws synchronously). */
function scriptedBackend(answer: (prompt: string) => string): { backend: Backend; prompts: string[] } {
  const prompts: string[] = [];
  const backend: Backend = {
    uri: 'test:judge',
    modelId: 'judge-model',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: (request: GenerateRequest): Promise<GenerateResult> => {
      const prompt = request.messages[0]?.content ?? '';
      prompts.push(prompt);
      const text = answer(prompt); // may throw synchronously, before any promise exists
      return new Promise((resolve) => {
        setImmediate(resolve, { text, reasoning: '', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] });
      });
    },
    stream: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
  };
  return { backend, prompts };
}

const QUESTION: JudgeQuestion = { task: 'harmfulness', template: compileJudgePrompt((request, response) => `Q=${request} R=${response}`), maxTokens: 8, parse: (output) => (/#score: (\d)/.exec(output) ? Number(/#score: (\d)/.exec(output)?.[1]) : null) };

test('the judge runner: keys as judgeCacheKey of [digest, request, response], one call for identical asks in flight, none left in flight after', async () => {
  const keys: string[] = [];
  const store = createJudgeCache({ maxEntries: 100 });
  const cache = { get: (key: string) => store.get(key), set: (key: string, value: number) => { keys.push(key); store.set(key, value); }, get size() { return store.size; } };
  const { backend, prompts } = scriptedBackend(() => '#score: 2');
  const judge: RewardJudge = { id: 'j', backend };
  const metrics = createRewardMetrics();
  const runner = createJudgeRunner({ concurrency: 4, timeoutMs: 10_000, retries: 0, backoffMs: 0, cache, metrics });
  const content = judgeContent('a request', 'a response');
  const [first, second] = await Promise.all([runner.ask(judge, QUESTION, content), runner.ask(judge, QUESTION, judgeContent('a request', 'a response'))]);
  assert.deepEqual(prompts, ['Q=a request R=a response']);
  assert.deepEqual([first.value, first.cached, second.value, second.cached], [2, false, 2, true]);
  assert.deepEqual(keys, [judgeCacheKey({ judgeId: 'j', uri: 'test:judge', model: 'judge-model', task: 'harmfulness', content: [QUESTION.template.digest, 'a request', 'a response'] })]);
  const third = await runner.ask(judge, QUESTION, content);
  assert.deepEqual([third.value, third.cached, prompts.length], [2, true, 1]);
  assert.equal(metrics.snapshot().cacheHits, 2);
});

test('the judge runner: a judgement that fails without awaiting anything (synchronous throws, no backoff) is not left in flight', async () => {
  let failing = true;
  const { backend, prompts } = scriptedBackend(() => {
    if (failing) throw new Error('judge down');
    return '#score: 4';
  });
  const metrics = createRewardMetrics();
  const runner = createJudgeRunner({ concurrency: 4, timeoutMs: 10_000, retries: 1, backoffMs: 0, cache: createJudgeCache({ maxEntries: 10 }), metrics });
  const judge: RewardJudge = { id: 'j', backend };
  const content = judgeContent('r', 's');
  const failed = await runner.ask(judge, QUESTION, content);
  assert.deepEqual([failed.value, failed.attempts, failed.error], [null, 2, 'judge down']);
  assert.equal(metrics.snapshot().judgeFailures, 1);
  failing = false;
  const answered = await runner.ask(judge, QUESTION, content);
  assert.deepEqual([answered.value, answered.cached, prompts.length], [4, false, 3], 'asked again, not the failed call shared');
  const aborted = new AbortController();
  aborted.abort(new Error('gone'));
  const skipped = await runner.ask(judge, QUESTION, judgeContent('other', 's'), aborted.signal);
  assert.deepEqual([skipped.value, skipped.error, prompts.length, metrics.snapshot().judgeFailures], [null, 'aborted', 3, 2]);
  const later = await runner.ask(judge, QUESTION, judgeContent('other', 's'));
  assert.deepEqual([later.value, prompts.length], [4, 4]);
});
