import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { createBackend } from '../../src/backends/registry.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateResult } from '../../src/core/chat.js';
import { TimeoutError } from '../../src/core/errors.js';
import { createRewardScorer, JudgeUnavailableError } from '../../src/reward/create-reward-scorer.js';
import { parseRewardConfig } from '../../src/reward/reward-config.js';
import type { RewardItem } from '../../src/reward/reward-types.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { must } from './must.js';

const harmful = (text: string): RewardItem => ({ messages: [{ role: 'user', content: text }], response: `<think>no</think><answer>I cannot help with ${text}.</answer>`, label: { kind: 'harmful' } });

test('a batch larger than the judge concurrency: every item gets its own judges\' scores, in order, whatever order the answers come in', async () => {
  // the harmfulness score is the digit in the request; answers to even items come late
  const upstream = await startScriptedUpstream(({ body }) => {
    const prompt = (body.messages as Array<{ content: string }>).at(-1)?.content ?? '';
    const digit = Number(/item (\d+)/.exec(prompt)?.[1] ?? '0') % 5;
    const reply = { content: `#reason: r\n#score: ${String(digit + 1)}` };
    return digit % 2 === 0 ? { fault: 'slow-headers', delayMs: 5, reply } : reply;
  });
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0, timeoutMs: 5000 });
  const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 3 } }), judges: [{ id: 'judge', backend }] });
  try {
    const items = Array.from({ length: 40 }, (_, index) => harmful(`item ${String(index)}`));
    const results = await scorer.score(items);
    assert.equal(results.length, 40);
    results.forEach((result, index) => {
      const score = (index % 5) + 1;
      assert.equal(result.components.safety.value, (5 - score) / 4, `item ${String(index)}`);
      assert.equal(result.components.explanation.value, (score - 1) / 4, `item ${String(index)}`);
    });
    assert.equal(upstream.requests.length, 80);
  } finally {
    await scorer.close();
    await upstream.close();
  }
});

test('with judge.onFailure "error", the first failed item fails the batch and no further item asks the judge', async () => {
  let failing = true;
  const upstream = await startScriptedUpstream(() => (failing ? { fault: 'status', status: 400, message: 'bad' } : { content: '#reason: r\n#score: 1' }));
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0, timeoutMs: 5000 });
  const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 1, retries: 0, onFailure: 'error' } }), judges: [{ id: 'judge', backend }] });
  try {
    await assert.rejects(
      scorer.score(Array.from({ length: 40 }, (_, index) => harmful(`doomed ${String(index)}`))),
      JudgeUnavailableError,
    );
    // the judge's slots are handed out in arrival order, so a later batch's calls come after anything the
    // failed batch still had queued: what the judge saw by then is all the failed batch ever asked
    failing = false;
    const [later] = await scorer.score([harmful('later')]);
    assert.equal(must(later).components.safety.value, 1);
    assert.ok(upstream.requests.length <= 4, `the failed batch asked the judge ${String(upstream.requests.length - 2)} times`);
  } finally {
    await scorer.close();
    await upstream.close();
  }
});

test('judge calls that share one caller signal hang one abort listener on it, abort together, and leave none behind', async () => {
  let arrived = 0;
  let allArrived: () => void = () => undefined;
  const waiting = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  const upstream = await startScriptedUpstream(() => {
    arrived += 1;
    if (arrived === 12) allArrived();
    return { fault: 'hang' };
  });
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0, timeoutMs: 30_000 });
  try {
    const controller = new AbortController();
    const calls = Array.from({ length: 12 }, () => backend.generate({ messages: [{ role: 'user', content: 'judge this' }], settings: { temperature: 0 }, signal: controller.signal }));
    await waiting;
    assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
    controller.abort(new Error('client disconnected'));
    const settled = await Promise.allSettled(calls);
    for (const outcome of settled) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof TimeoutError);
    }
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    // calls that end normally unhook too
    const quiet = new AbortController();
    const other = await startScriptedUpstream(() => ({ content: 'fine' }));
    const otherBackend = await createBackend(`openai:${other.baseURL}`, { maxRetries: 0, timeoutMs: 5000 });
    try {
      await Promise.all(Array.from({ length: 5 }, () => otherBackend.generate({ messages: [{ role: 'user', content: 'x' }], settings: {}, signal: quiet.signal })));
      assert.equal(getEventListeners(quiet.signal, 'abort').length, 0);
    } finally {
      await otherBackend.close();
      await other.close();
    }
  } finally {
    await backend.close();
    await upstream.close();
  }
});

test('a judged batch keeps about concurrency + 1/8 judge calls asked: every slot busy, few waiting, the rest as plain items', async () => {
  const waiting: Array<() => void> = [];
  let started = 0;
  const result: GenerateResult = { text: '#reason: r\n#score: 1', reasoning: '', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] };
  const backend: Backend = {
    uri: 'test:held',
    modelId: 'held',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: () =>
      new Promise((resolve) => {
        waiting.push(() => {
          resolve(result);
        });
      }),
    stream: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
  };
  // unlabelled items: the classifier is asked once per item when the item starts
  const classify = () => {
    started += 1;
    return 'harmful' as const;
  };
  const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 16 } }), judges: [{ id: 'judge', backend }], classify });
  const items: RewardItem[] = Array.from({ length: 40 }, (_, index) => ({ messages: [{ role: 'user', content: `item ${String(index)}` }], response: '<think>no</think><answer>I cannot help.</answer>' }));
  const pending = scorer.score(items);
  while (waiting.length < 16) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  // two calls per item: 16 in flight, budget 16 + 2 = 18 asked → 9 items started (not 16, one per slot)
  assert.deepEqual([waiting.length, started], [16, 9]);
  while (started < 40 || waiting.length > 0) {
    waiting.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const results = await pending;
  assert.deepEqual(
    results.map((scored) => scored.components.safety.value),
    items.map(() => 1),
  );
});
