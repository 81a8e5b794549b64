/**
 * The stored bytes of the audit trail are a contract: records written by one version must verify under
 * the next, and the same input must always hash the same. These hashes and texts were computed once (by
 * the trail as of commit 5eb6f93) and are pinned here, so a change to the row building, canonical JSON,
 * well-formed normalisation or the hash itself fails this test instead of silently forking the chain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AuditRecordInput, AuditRequestEntry } from '../../src/audit/audit-record.js';
import { openAuditTrail } from '../../src/audit/audit-trail.js';

const at = (second: number, millisecond = 0) => new Date(Date.UTC(2026, 10, 27, 18, 0, second, millisecond));

function entry(requestId: string, overrides: Partial<AuditRequestEntry> = {}): AuditRequestEntry {
  return {
    requestId, clientRequestId: null, receivedAt: at(1), model: 'scripted-model', servedModelName: 'safemed-r1', stream: false, user: null,
    messages: [{ role: 'user', content: `Is paracetamol safe with ibuprofen? (${requestId})` }],
    ...overrides,
  };
}

function record(requestId: string, overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    ...entry(requestId),
    firstTokenAt: at(2, 250), finishedAt: at(3, 500), reasoning: '', answer: 'OK.\n\nThis is general information, not medical advice.', finishReason: 'stop',
    usage: { promptTokens: 9, completionTokens: 2, totalTokens: 11 },
    verdicts: [
      { action: 'caution', risk: 0.0009, riskLevel: 'low', dimension: 'benign', principle: null, attacks: [], reasons: ['risk 0.00 is low'], stage: 'input', compliance: 'pass', disclaimerAdded: false },
      { action: 'caution', risk: 0.0009, riskLevel: 'low', dimension: 'benign', principle: null, attacks: [], reasons: ['disclaimer added (en)'], stage: 'output', compliance: 'pass', disclaimerAdded: true },
    ],
    status: 200, error: null,
    ...overrides,
  };
}

/** Every path that writes a record: append, appendMany, commit (with and without pending rows, synced or not), recovery. */
function writeTrail(path: string): { pendingRows: Array<{ request_id: string; received_at: string; entry: string }> } {
  const trail = openAuditTrail({ path, redact: (text) => text.replaceAll('John Smith', '[NAME]') });
  trail.append(record('r1'));
  trail.appendMany([
    record('r2', { clientRequestId: 'client-7', user: 'John Smith', stream: true, firstTokenAt: null, usage: null, finishReason: null, status: 502, error: 'upstream failed for John Smith' }),
    record('r3\ud800', {
      messages: [
        { role: 'system', content: 'Be careful \udc00' },
        { role: 'user', content: 'a "quoted" \\ text, 中文 😀, John Smith', name: 'n\ud83d' },
      ],
      reasoning: 'thinking \ud800 about it',
      verdicts: [{ action: 'block', risk: 0.97, riskLevel: 'high', dimension: 'medication_safety', principle: 2, attacks: ['roleplay\ud800'], reasons: ['x'], stage: 'input', compliance: 'fail', disclaimerAdded: false }],
    }),
  ]);
  trail.commit({ pending: [entry('r4'), entry('r5', { stream: true, user: 'u', clientRequestId: 'c\udfff', messages: [{ role: 'user', content: 'left \ud800 pending' }] })], records: [] }, { sync: false });
  const database = new Database(path, { readonly: true });
  const pendingRows = database.prepare<[], { request_id: string; received_at: string; entry: string }>('SELECT request_id, received_at, entry FROM audit_pending ORDER BY request_id').all();
  database.close();
  trail.commit({ pending: [entry('r6')], records: [record('r4'), record('r7')] });
  trail.close();
  const reopened = openAuditTrail({ path });
  assert.equal(reopened.recoverInterrupted(at(59)), 2, 'r5 and r6 were left pending');
  reopened.close();
  return { pendingRows };
}

const PINNED_HASHES = [
  '76498e869f0b705739fe94bafe301793f6083aa58fce90bb0815968c9de19ea2',
  '8ec0f0bfa970ea4d687b6ababfa2a8662d0f6879e237f4ded6188ff65d7c662b',
  '49224c21a3dbc1b0be224c47d47c334a049fbe15e752f2afb0d1a08730ee42c8',
  '22f23ed5ea9c627a6a28ca5785149188b7589f95cb7ff83754c80cfa0ff31580',
  '95f7af2dac69ed7afce54ddb764792ebf5e19519904ee65ceb726b1216c53571',
  '3af570d4767cc17d16dd3cea53989d51d0662061573a0fa8a7f4e48b5874ab27',
  '7d69ed9f666831ab7a1e8aff64a7884979924d311ad82331e17d4e1c4db551ff',
];
/** sha-256 of JSON.stringify(SELECT * FROM audit_records ORDER BY id): every stored column, not only the hashed text. */
const PINNED_ROWS_DIGEST = 'c575546198c86a2edc792d0c80f463767a19ff4e98068ca6d0f91f860a78bdc1';
/** Pending rows as stored (lone surrogates already U+FFFD in the entry's JSON). */
const PINNED_PENDING_ROWS = [
  {
    request_id: 'r4',
    received_at: '2026-11-27T18:00:01.000Z',
    entry: '{"requestId":"r4","clientRequestId":null,"receivedAt":"2026-11-27T18:00:01.000Z","model":"scripted-model","servedModelName":"safemed-r1","stream":false,"user":null,"messages":[{"role":"user","content":"Is paracetamol safe with ibuprofen? (r4)"}]}',
  },
  {
    request_id: 'r5',
    received_at: '2026-11-27T18:00:01.000Z',
    entry: '{"requestId":"r5","clientRequestId":"c\ufffd","receivedAt":"2026-11-27T18:00:01.000Z","model":"scripted-model","servedModelName":"safemed-r1","stream":true,"user":"u","messages":[{"role":"user","content":"left \ufffd pending"}]}',
  },
];

test('the same input hashes and stores the same as it always did (pinned hashes and pending rows)', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-pinned-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = join(folder, 'audit.db');
  const { pendingRows } = writeTrail(path);
  const database = new Database(path, { readonly: true });
  const rows = database.prepare('SELECT * FROM audit_records ORDER BY id').all();
  database.close();
  const rowsDigest = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  const trail = openAuditTrail({ path, mustExist: true });
  const records = [...trail.export()];
  const verified = trail.verify();
  trail.close();
  assert.equal(verified.ok, true, JSON.stringify(verified.problems));
  assert.deepEqual(records.map((item) => item.requestId), ['r1', 'r2', 'r3\ufffd', 'r4', 'r7', 'r5', 'r6']);
  assert.deepEqual(records.map((item) => item.hash), PINNED_HASHES);
  assert.equal(rowsDigest, PINNED_ROWS_DIGEST);
  assert.deepEqual(pendingRows, PINNED_PENDING_ROWS);
});
