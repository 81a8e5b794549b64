// The expert review queue: decisions recorded with reviewer and time, edits keep the original, a hash-chained log that detects tampering.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { CotRecord } from '../../src/data/data-record.js';
import { openReviewQueue } from '../../src/data/review/index.js';
import { temporaryFolder } from './data-helpers.js';

function record(id: string): CotRecord {
  return {
    kind: 'cot', id, source: 'exam', language: 'en', question: `question ${id}`, options: { A: 'a', B: 'b' }, answer: 'A',
    reasoning: 'weak reasoning', response: '<think>\nweak reasoning\n</think>\n<answer>\nThe answer is A\n</answer>', extracted: 'A',
    verified: true, attempts: 1, temperatures: [0], teacher: 't', prompt_version: 'cot-1', settings_hash: 'h',
    strikes: Array.from({ length: 5 }, () => ({ kind: 'criterion_below_pass' as const, stage: 'qc' as const, judge: 'j1', criterion: 'clinical_utility', score: 1 })),
  };
}

function seededQueue() {
  const path = join(temporaryFolder('review'), 'review.db');
  let time = Date.UTC(2026, 0, 1, 8, 0, 0);
  const queue = openReviewQueue({ path, clock: { now: () => (time += 1000) } });
  assert.equal(queue.enqueue([record('q1'), record('q2'), record('q3')]), 3);
  assert.equal(queue.enqueue([record('q1')]), 0, 'enqueue is idempotent');
  return { path, queue };
}

test('review: accept, edit (original kept) and reject are recorded with reviewer and time, chained, and exported', () => {
  const { path, queue } = seededQueue();
  try {
    queue.accept('q1', { reviewer: 'dr-li', note: 'fine as is' });
    const edited = queue.edit('q2', { reviewer: 'dr-wang', changes: { reasoning: 'Better reasoning: step 1, step 2.' }, note: 'clarified' });
    assert.equal(edited.original.reasoning, 'weak reasoning', 'the original is kept');
    assert.equal(edited.edited?.reasoning, 'Better reasoning: step 1, step 2.');
    assert.match(edited.edited.response, /<think>\nBetter reasoning: step 1, step 2\.\n<\/think>\n<answer>\nThe answer is A\n<\/answer>/u);
    queue.reject('q3', { reviewer: 'dr-li', reason: 'the question is ambiguous' });
    assert.throws(() => queue.accept('q3', { reviewer: 'dr-li' }), /already rejected by dr-li/u);
    assert.throws(() => queue.accept('nope', { reviewer: 'dr-li' }), /No item "nope"/u);
    assert.throws(() => queue.accept('q1', { reviewer: ' ' }), /reviewer id/u);
    assert.deepEqual(queue.counts(), { pending: 0, accepted: 1, edited: 1, rejected: 1 });

    const log = queue.log();
    assert.deepEqual(log.map((entry) => [entry.seq, entry.item_id, entry.action, entry.reviewer]), [
      [1, 'q1', 'enqueue', 'pipeline'], [2, 'q2', 'enqueue', 'pipeline'], [3, 'q3', 'enqueue', 'pipeline'],
      [4, 'q1', 'accept', 'dr-li'], [5, 'q2', 'edit', 'dr-wang'], [6, 'q3', 'reject', 'dr-li'],
    ]);
    assert.equal(log[3]?.at, '2026-01-01T08:00:05.000Z');
    assert.equal(log[3].prev_hash, log[2]?.hash);
    assert.deepEqual(queue.verify(), { ok: true, checked: 6, headHash: log[5]?.hash, problems: [] });

    const exported = queue.exportValidated();
    assert.deepEqual(exported.map((entry) => [entry.id, entry.review.status, entry.review.reviewer]), [['q1', 'accepted', 'dr-li'], ['q2', 'edited', 'dr-wang']]);
    assert.equal(exported[1]?.reasoning, 'Better reasoning: step 1, step 2.');
    assert.match(exported[1].review.original_response ?? '', /weak reasoning/u);
  } finally {
    queue.close();
  }
  const reopened = openReviewQueue({ path, mustExist: true });
  assert.equal(reopened.verify().ok, true, 'a reopened queue verifies');
  reopened.close();
});

test('review: a tampered log or item is detected (edited decision, deleted entry, status changed behind the log)', () => {
  const cases: Array<[string, (db: Database.Database) => void, RegExp]> = [
    ['edited decision', (db) => db.prepare("UPDATE review_log SET reviewer = 'mallory' WHERE seq = 4").run(), /entry #4|changed after it was written/u],
    ['deleted last entry', (db) => db.prepare('DELETE FROM review_log WHERE seq = 5').run(), /missing at the end/u],
    ['deleted middle entry', (db) => db.prepare('DELETE FROM review_log WHERE seq = 2').run(), /missing/u],
    ['status changed without a decision', (db) => db.prepare("UPDATE review_items SET status = 'accepted', reviewer = 'mallory' WHERE id = 'q3'").run(), /q3" says accepted by mallory but the log says pending/u],
    ['queued content changed', (db) => db.prepare("UPDATE review_items SET original = replace(original, 'weak reasoning', 'forged') WHERE id = 'q1'").run(), /q1" was changed after it was queued/u],
  ];
  for (const [name, tamper, expected] of cases) {
    const { path, queue } = seededQueue();
    queue.accept('q1', { reviewer: 'dr-li' });
    queue.edit('q2', { reviewer: 'dr-wang', changes: { answer: 'B' } });
    assert.equal(queue.verify().ok, true);
    queue.close();
    const db = new Database(path);
    tamper(db);
    db.close();
    const reopened = openReviewQueue({ path, mustExist: true });
    const result = reopened.verify();
    reopened.close();
    assert.equal(result.ok, false, name);
    assert.match(result.problems.map((problem) => problem.problem).join('\n'), expected, name);
  }
});
