/**
 * The group-commit writer's durability: when `complete` resolves (the server ends a response only
 * then), which commits are fsynced, the background fsync of durability `normal`, and that a failed
 * commit acknowledges nothing. The trail's `hashedText` is checked against canonicalJson.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditOutcome, AuditRequestEntry } from '../../src/audit/audit-record.js';
import { hashedText, hashRecord, openAuditTrail, type AuditTrail } from '../../src/audit/audit-trail.js';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { createAuditWriter, type AuditWriterOptions } from '../../src/audit/create-audit-writer.js';

type After = { after(fn: () => void): void };

function freshTrail(t: After): AuditTrail {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-writer-'));
  const trail = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => {
    trail.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return trail;
}

function entry(requestId: string, stream = false): AuditRequestEntry {
  return { requestId, clientRequestId: null, receivedAt: new Date(Date.UTC(2026, 0, 1)), model: 'm', servedModelName: 'safemed-r1', stream, user: null, messages: [{ role: 'user', content: `question ${requestId}` }] };
}

function outcome(requestId: string): AuditOutcome {
  return { requestId, firstTokenAt: null, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)), reasoning: '', answer: `answer ${requestId}`, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null };
}

interface CommitCall {
  pending: string[];
  records: string[];
  sync: boolean;
}

/** The real trail, with every commit and sync call recorded (and commits optionally made to fail). */
function spyTrail(trail: AuditTrail, control: { fail?: Error; onSync?: () => void } = {}): { trail: AuditTrail; commits: CommitCall[]; syncs: () => number } {
  const commits: CommitCall[] = [];
  let syncs = 0;
  const spied: AuditTrail = {
    ...trail,
    commit: (batch, options) => {
      commits.push({ pending: batch.pending.map((item) => item.requestId), records: batch.records.map((item) => item.requestId), sync: options?.sync ?? true });
      if (control.fail) throw control.fail;
      return trail.commit(batch, options);
    },
    sync: () => {
      syncs += 1;
      trail.sync();
      control.onSync?.();
    },
  };
  return { trail: spied, commits, syncs: () => syncs };
}

function writer(trail: AuditTrail, options: AuditWriterOptions = {}) {
  return createAuditWriter(trail, options);
}

test('durability full: complete resolves only after an fsynced commit that holds its record', async (t) => {
  const spy = spyTrail(freshTrail(t));
  const audit = writer(spy.trail);
  await audit.begin(entry('r1'));
  assert.deepEqual(spy.commits, [{ pending: ['r1'], records: [], sync: false }], 'a non-streamed pending entry alone is written without an fsync');
  let committed = false;
  const done = audit.complete(outcome('r1')).then(() => {
    committed = spy.commits.some((call) => call.records.includes('r1') && call.sync);
  });
  assert.equal(spy.commits.length, 1, 'nothing is committed in the same turn: complete has not resolved yet');
  await done;
  assert.equal(committed, true, 'when complete resolved, its record had been committed with sync');
  assert.deepEqual(spy.commits[1], { pending: [], records: ['r1'], sync: true });
});

test('durability full: a stream\'s pending entry is fsynced (its first byte waits for it); a request ending in the same batch needs no pending row', async (t) => {
  const spy = spyTrail(freshTrail(t));
  const audit = writer(spy.trail);
  await audit.begin(entry('s1', true));
  assert.deepEqual(spy.commits[0], { pending: ['s1'], records: [], sync: true });
  void audit.begin(entry('r2'));
  await audit.complete(outcome('r2'));
  assert.deepEqual(spy.commits[1], { pending: [], records: ['r2'], sync: true });
});

test('a failed commit acknowledges nothing: begin and complete of that batch reject, and the trail keeps no record of them', async (t) => {
  const base = freshTrail(t);
  const control: { fail?: Error } = {};
  const spy = spyTrail(base, control);
  const audit = writer(spy.trail);
  await audit.begin(entry('ok'));
  await audit.complete(outcome('ok'));
  control.fail = new Error('disk full');
  await assert.rejects(audit.begin(entry('lost')), /disk full/);
  const begun = audit.begin(entry('r3'));
  const third = audit.complete(outcome('r3'));
  await assert.rejects(begun, /disk full/);
  await assert.rejects(third, /disk full/);
  delete control.fail;
  assert.deepEqual([...base.export()].map((record) => record.requestId), ['ok']);
  assert.equal(base.verify().ok, true);
});

test('a crash after an unsynced pending write and before the commit: the request is recovered as interrupted, the answered one is complete', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-crash-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = join(folder, 'audit.db');
  const trail = openAuditTrail({ path });
  const audit = writer(trail);
  await audit.begin(entry('answered'));
  await audit.complete(outcome('answered'));
  await audit.begin(entry('in-flight')); // written without an fsync: what a process crash leaves behind
  trail.close(); // the process dies: no writer.close(), no sync()
  const reopened = openAuditTrail({ path });
  t.after(() => { reopened.close(); });
  assert.equal(reopened.recoverInterrupted(), 1);
  const records = [...reopened.export()];
  assert.deepEqual(records.map((record) => [record.requestId, record.status]), [['answered', 200], ['in-flight', 0]]);
  assert.equal(records[0]?.answer, 'answer answered');
  assert.equal(reopened.verify().ok, true);
});

test('durability normal: nothing is fsynced on the way, and one background sync follows within the interval', async (t) => {
  let synced: () => void = () => undefined;
  const syncedOnce = new Promise<void>((resolve) => { synced = resolve; });
  const spy = spyTrail(freshTrail(t), { onSync: () => { synced(); } });
  const audit = writer(spy.trail, { durability: 'normal', syncIntervalMs: 5 });
  await audit.begin(entry('s1', true));
  void audit.begin(entry('r1'));
  await audit.complete(outcome('r1'));
  assert.ok(spy.commits.every((call) => !call.sync), JSON.stringify(spy.commits));
  const keepAlive = setInterval(() => undefined, 60_000); // the writer's sync timer is unref'd
  await syncedOnce;
  clearInterval(keepAlive);
  assert.equal(spy.syncs(), 1, 'one sync for the commits of the interval');
  await audit.close();
  assert.equal(spy.syncs(), 2, 'close syncs too');
});

test('trail.sync() makes unsynced commits durable with one more WAL write, and does nothing when all is synced', (t) => {
  const trail = freshTrail(t);
  const wal = `${trail.path}-wal`;
  trail.commit({ pending: [], records: [{ ...entry('a'), ...outcome('a') }] });
  const afterSynced = statSync(wal).size;
  trail.sync();
  assert.equal(statSync(wal).size, afterSynced, 'nothing to sync after a synced commit');
  trail.commit({ pending: [entry('b')], records: [] }, { sync: false });
  const afterUnsynced = statSync(wal).size;
  trail.sync();
  assert.ok(statSync(wal).size > afterUnsynced, 'the sync commits a frame with synchronous=FULL');
  assert.equal(trail.verify().ok, true);
});

test('hashedText is canonicalJson of the record as read back (lone surrogates, absent and null members, nested verdicts)', (t) => {
  const trail = freshTrail(t);
  const appended = trail.appendMany([
    {
      ...entry('x\ud800'),
      ...outcome('x\ud800'),
      clientRequestId: 'client-1',
      user: 'u\udc00',
      messages: [{ role: 'user', content: 'a "quoted" \\ text \ud83d', name: 'n' }, { role: 'assistant', content: '中文 😀' }],
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      verdicts: [
        { action: 'allow', risk: 0.125, riskLevel: 'low', dimension: 'benign', principle: null, attacks: ['x\ud800'], reasons: ['r'], stage: 'input', compliance: 'pass', disclaimerAdded: false },
      ],
      finishReason: null,
      status: 0,
      error: 'e',
    },
    { ...entry('plain'), ...outcome('plain') },
  ]);
  for (const record of [...trail.export()]) {
    const { prevHash, hash, ...hashed } = record;
    assert.equal(hashRecord(prevHash, hashed), hash);
    const row = {
      id: record.id, request_id: record.requestId, client_request_id: record.clientRequestId ?? null, received_at: record.receivedAt, first_token_at: record.firstTokenAt,
      finished_at: record.finishedAt, model: record.model, served_model_name: record.servedModelName, stream: record.stream ? 1 : 0, user: record.user,
      messages: canonicalJson(record.messages), reasoning: record.reasoning, answer: record.answer, finish_reason: record.finishReason,
      usage: record.usage === null ? null : canonicalJson(record.usage), verdicts: canonicalJson(record.verdicts), status: record.status, error: record.error, prev_hash: prevHash, hash,
    };
    assert.equal(hashedText(row), canonicalJson(hashed));
  }
  assert.equal(appended[0]?.requestId, 'x\ufffd');
  assert.equal(trail.verify().ok, true);
});
