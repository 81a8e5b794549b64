import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAttemptDeadlines } from '../../src/reward/judging/create-attempt-deadlines.js';
import { createRewardMetrics } from '../../src/reward/reward-metrics.js';
import { parseOpenRlhfRequest } from '../../src/reward/server/reward-requests.js';

test('attempt deadlines: interleaved callers each join their own window; an aborted or full window takes no more attempts', () => {
  let clock = 0;
  const deadlines = createAttemptDeadlines({ timeoutMs: 40, slackMs: 10, attemptsPerWindow: 3, now: () => clock });
  const first = new AbortController();
  const second = new AbortController();
  const a1 = deadlines.start(first.signal);
  const b1 = deadlines.start(second.signal);
  const a2 = deadlines.start(first.signal);
  const none = deadlines.start(undefined);
  const b2 = deadlines.start(second.signal);
  assert.equal(a1.signal, a2.signal, 'back to its own window after another caller started one');
  assert.equal(b1.signal, b2.signal);
  assert.notEqual(a1.signal, b1.signal);
  assert.notEqual(none.signal, a1.signal);
  assert.notEqual(none.signal, b1.signal);
  const a3 = deadlines.start(first.signal);
  assert.equal(a3.signal, a1.signal);
  const a4 = deadlines.start(first.signal);
  assert.notEqual(a4.signal, a1.signal, 'a window takes attemptsPerWindow attempts');
  first.abort(new Error('gone'));
  assert.equal(a1.signal.aborted, true);
  assert.equal(a4.signal.aborted, true);
  assert.equal(b1.signal.aborted, false);
  const a5 = deadlines.start(first.signal);
  assert.equal(a5.signal.aborted, true, 'a caller that has gone gets an aborted signal');
  const b3 = deadlines.start(second.signal);
  assert.equal(b3.signal, b1.signal);
  clock = 10;
  const b4 = deadlines.start(second.signal);
  assert.notEqual(b4.signal, b1.signal, 'a new window after slackMs');
  for (const deadline of [a1, a2, a3, a4, a5, b1, b2, b3, b4, none]) deadlines.end(deadline);
  assert.equal(deadlines.open, 0, 'no window (timer, listener) is left once every attempt ended');
  const again = deadlines.start(second.signal);
  assert.notEqual(again.signal, b4.signal, 'an ended window is never joined again');
  deadlines.end(again);
});

test('reward metrics: judge calls by judge and outcome, a cumulative latency histogram, items by kind', () => {
  const metrics = createRewardMetrics();
  const countFast = metrics.judgeCallsOf('fast');
  countFast('ok', 0.005);
  countFast('ok', 0.01);
  countFast('unparsable', 0.3);
  metrics.judgeCall('slow', 'error', 200);
  metrics.judgeCall('fast', 'ok', 2);
  for (const kind of ['harmful', 'harmful', 'benign', 'exam', 'other']) metrics.item(kind);
  const text = metrics.render();
  const line = (name: string) => new RegExp(`^${name.replace(/[{}+."=]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1];
  assert.equal(line('safemed_reward_judge_calls_total{judge="fast",outcome="ok"}'), '3');
  assert.equal(line('safemed_reward_judge_calls_total{judge="fast",outcome="unparsable"}'), '1');
  assert.equal(line('safemed_reward_judge_calls_total{judge="slow",outcome="error"}'), '1');
  assert.equal(line('safemed_reward_judge_calls_total{judge="fast",outcome="error"}'), undefined, 'outcomes never seen are not listed');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="0.01"}'), '2', 'le is inclusive');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="0.25"}'), '2');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="0.5"}'), '3');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="2.5"}'), '4');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="120"}'), '4');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_bucket{le="+Inf"}'), '5');
  assert.equal(line('safemed_reward_judge_call_duration_seconds_count'), '5');
  assert.equal(Number(line('safemed_reward_judge_call_duration_seconds_sum')), 0.005 + 0.01 + 0.3 + 200 + 2);
  assert.equal(line('safemed_reward_items_total{kind="harmful"}'), '2');
  assert.equal(line('safemed_reward_items_total{kind="other"}'), '1');
  assert.deepEqual(metrics.snapshot(), { items: 5, judgeCalls: 5, cacheHits: 0, judgeFailures: 0, fallbacks: 0 });
});

test('/get_reward labels: each distinct label text parsed once and shared; an invalid one still names its index', () => {
  const query = (index: number) => `<|im_start|>user\nq${String(index)}<|im_end|>\n<|im_start|>assistant\nr${String(index)}<|im_end|>`;
  const { items } = parseOpenRlhfRequest({ query: [0, 1, 2, 3, 4].map(query), labels: ['harmful', 'B', 'harmful', null, 'B'] }, 'auto');
  assert.deepEqual(
    items.map((item) => item.label),
    [{ kind: 'harmful' }, { kind: 'exam', answer: ['B'] }, { kind: 'harmful' }, undefined, { kind: 'exam', answer: ['B'] }],
  );
  assert.equal(items[0]?.label, items[2]?.label);
  assert.equal(items[1]?.label, items[4]?.label);
  assert.throws(() => parseOpenRlhfRequest({ query: [0, 1, 2].map(query), labels: ['harmful', 'harmful', 'nonsense'] }, 'auto'), /labels\[2\]/);
});
