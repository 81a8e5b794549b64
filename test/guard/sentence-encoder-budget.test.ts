/** The encoder thread's budget: over it, a call is refused at once (EncoderBusyError) and no thread is started. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSentenceEncoderWorker, EncoderBusyError } from '../../src/guard/classifier/sentence-encoder.js';

test('over the per-second budget or the queue bound, embed rejects at once with EncoderBusyError', async () => {
  const overBudget = createSentenceEncoderWorker({ maxPerSecond: 0 });
  await assert.rejects(overBudget.embed(['Is paracetamol safe with ibuprofen?']), (error: unknown) => error instanceof EncoderBusyError && /budget of 0 embeddings per second/.test(error.message));
  const noQueue = createSentenceEncoderWorker({ maxPending: 0 });
  await assert.rejects(noQueue.embed(['x']), (error: unknown) => error instanceof EncoderBusyError && /already queued/.test(error.message));
  assert.deepEqual(await overBudget.embed([]), []);
  await overBudget.close();
  await noQueue.close();
});

test('an urgent call (a possible emergency) is not refused by the per-second budget, only by the queue bound', async () => {
  const overBudget = createSentenceEncoderWorker({ maxPerSecond: 0, timeoutMs: 30_000, loadTimeoutMs: 120_000 });
  try {
    const [vector] = await overBudget.embed(['i took all my pills and i feel sleepy'], { urgent: true });
    assert.equal(vector?.length, 512);
  } finally {
    await overBudget.close();
  }
  const noQueue = createSentenceEncoderWorker({ maxPending: 0 });
  await assert.rejects(noQueue.embed(['x'], { urgent: true }), (error: unknown) => error instanceof EncoderBusyError && /already queued/.test(error.message));
  await noQueue.close();
});
