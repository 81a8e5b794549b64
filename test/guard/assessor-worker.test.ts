/** The guard's classifier in its own thread (create-assessor-worker.ts): the same assessments as in this thread. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAssessorWorker, INLINE_MAX_CHARACTERS } from '../../src/guard/create-assessor-worker.js';
import { assessConversation, assessText } from '../../src/guard/assess-risk.js';
import { checkInput } from '../../src/guard/check-input.js';
import { DEFAULT_GUARD_POLICY } from '../../src/guard/policy.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { silentLogger } from '../../src/core/logger.js';
import { readCorpus } from '../../training/guard/read-corpus.js';

/** Train-split texts of every kind and both languages (the plumbing is tested, not the model's judgement). */
function sampleTexts(count: number): string[] {
  const texts: string[] = [];
  for (const record of readCorpus()) {
    if (record.split !== 'train' || record.text === undefined) continue;
    if (texts.length % 7 === 0 || record.label !== 'benign') texts.push(record.text);
    if (texts.length >= count) break;
  }
  return texts;
}

test('assessor thread: texts assessed in the thread equal the same assessments made here, also when many are in flight', async (t) => {
  const worker = createAssessorWorker();
  t.after(() => worker.close());
  const texts = sampleTexts(120);
  assert.equal(texts.length, 120);
  const inThread = await Promise.all(texts.map((text) => worker.assessTextRefined(text)));
  texts.forEach((text, index) => { assert.deepEqual(inThread[index], assessText(text), text); });
  assert.ok(inThread.some((assessment) => assessment.risk >= 0.5), 'the sample holds harmful texts');
});

test('assessor thread: a conversation gets the fast-path assessment (or a refinement of it) and the input check the same verdict', async (t) => {
  const worker = createAssessorWorker({ inlineWhenIdle: false });
  t.after(() => worker.close());
  const spec = loadSafetySpec();
  for (const text of sampleTexts(12)) {
    const messages = [{ role: 'user' as const, content: text }];
    const remote = await worker.assessConversationRefined(messages);
    const local = assessConversation(messages);
    // The sentence encoder may raise a fast-path risk in the uncertain band, never lower it.
    assert.ok(remote.risk >= local.risk, text);
    assert.equal(remote.language, local.language);
    if (remote.reasons.every((reason) => !reason.startsWith('sentence encoder'))) assert.deepEqual(remote, local, text);
    const context = { assess: worker, policy: DEFAULT_GUARD_POLICY, failMode: 'closed' as const, spec, logger: silentLogger };
    const input = await checkInput(messages, context);
    assert.equal(input.verdict.risk, remote.risk, text);
  }
});

test('assessor thread: closing rejects what waits with a clear error; the next assessment starts a new thread', async (t) => {
  const worker = createAssessorWorker();
  t.after(() => worker.close());
  const waiting = assert.rejects(worker.assessTextRefined('What is the usual adult dose of ibuprofen?'), /guard classifier's thread was closed/);
  await worker.close();
  await waiting;
  const again = await worker.assessTextRefined('What is the usual adult dose of ibuprofen?');
  assert.deepEqual(again, assessText('What is the usual adult dose of ibuprofen?'));
});

test('assessor thread: an aborted request is refused before it is posted', (t) => {
  const worker = createAssessorWorker();
  t.after(() => worker.close());
  const threadOnly = createAssessorWorker({ inlineWhenIdle: false });
  t.after(() => threadOnly.close());
  const controller = new AbortController();
  controller.abort(new Error('client went away'));
  for (const assessor of [worker, threadOnly]) assert.throws(() => assessor.assessConversationRefined([{ role: 'user', content: 'hello' }], controller.signal), /client went away/);
});

test('assessor thread: a batch that cannot be posted rejects its assessments with the reason; the thread keeps serving', async (t) => {
  const worker = createAssessorWorker({ inlineWhenIdle: false });
  t.after(() => worker.close());
  const unclonable = [{ role: 'user', content: 'hello', extra: () => undefined }] as unknown as Parameters<typeof worker.assessConversationRefined>[0];
  await assert.rejects(worker.assessConversationRefined(unclonable), /could not be cloned/);
  assert.deepEqual(await worker.assessTextRefined('What is the usual adult dose of ibuprofen?'), assessText('What is the usual adult dose of ibuprofen?'));
});

test('assessor thread: a lone request is assessed here; with other requests in progress, or one waiting for the thread, it goes to the thread; same assessments', async (t) => {
  const worker = createAssessorWorker();
  t.after(() => worker.close());
  const messages = [{ role: 'user' as const, content: 'What is the usual adult dose of ibuprofen?' }];
  const expected = assessConversation(messages);
  /** Whether the assessment settles within a few microtasks (here) or needs the thread's reply. */
  const answeredHere = async (pending: Promise<unknown>): Promise<boolean> => {
    let settled = false;
    void pending.then(() => { settled = true; });
    for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
    return settled;
  };
  const lone = worker.assessConversationRefined(messages, undefined, { concurrent: 1 });
  assert.equal(await answeredHere(lone), true, 'a lone request: assessed here');
  const busy = worker.assessConversationRefined(messages, undefined, { concurrent: 3 });
  assert.equal(await answeredHere(busy), false, 'three in progress: assessed in the thread');
  await busy;
  const waiting = worker.assessTextRefined('an assessment waiting for the thread');
  const behind = worker.assessConversationRefined(messages);
  assert.equal(await answeredHere(behind), false, 'one waits for the thread: this one goes there too');
  await waiting;
  for (const assessment of await Promise.all([lone, busy, behind])) assert.deepEqual(assessment, expected);
  // A long conversation goes to the thread even alone: its fast path can cost tens of milliseconds (issue 8).
  const long = [{ role: 'user' as const, content: 'ab. '.repeat(INLINE_MAX_CHARACTERS / 4 + 1) }];
  const alone = worker.assessConversationRefined(long, undefined, { concurrent: 1 });
  assert.equal(await answeredHere(alone), false, 'a long conversation alone: assessed in the thread');
  assert.deepEqual(await alone, assessConversation(long));
});
