/**
 * Probing round 5 (issue 8): `safemed audit verify` / `export` on a damaged database — a record whose
 * JSON was overwritten, and a file whose pages were overwritten — say what is wrong and what to do,
 * never "unexpected error".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditRecordInput } from '../../src/audit/audit-record.js';
import { runCli } from './serve-cli-helpers.js';

function writeTrail(path: string, count: number): void {
  const trail = openAuditTrail({ path });
  const text = 'How much water should an adult drink in a day? '.repeat(10);
  const records: AuditRecordInput[] = [];
  for (let index = 0; index < count; index += 1) {
    const at = new Date(Date.UTC(2026, 10, 1) + index * 1000);
    records.push({
      requestId: `req_${index}`, receivedAt: at, firstTokenAt: null, finishedAt: at, model: 'm', servedModelName: 'safemed-r1', stream: false, user: null,
      messages: [{ role: 'user', content: text }], reasoning: '', answer: text, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null,
    });
  }
  trail.appendMany(records);
  trail.close();
}

test('audit export: a record whose JSON is damaged is named with the fix (it was "unexpected error: Unexpected token")', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-damaged-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const db = join(folder, 'audit.db');
  writeTrail(db, 20);
  const database = new Database(db);
  database.prepare("UPDATE audit_records SET messages = 'not json' WHERE id = 10").run();
  database.close();
  const exported = await runCli(['audit', 'export', '--db', db]);
  assert.equal(exported.code, 2, exported.stderr);
  assert.doesNotMatch(exported.stderr, /unexpected error/);
  assert.match(exported.stderr, /The record after #9 of .* cannot be read .*the records before it were written/);
  assert.match(exported.stderr, /fix: Run `safemed audit verify --db /);
  assert.equal(exported.stdout.trim().split('\n').length, 9);
});

test('audit verify / export: a database whose pages were overwritten is BROKEN with the fix (it was "unexpected error: database disk image is malformed")', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-damaged-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const db = join(folder, 'audit.db');
  writeTrail(db, 3000);
  // overwrite 64 KB in the middle of the file: the header stays, record pages do not
  const size = statSync(db).size;
  const file = openSync(db, 'r+');
  writeSync(file, Buffer.alloc(65_536, 0xff), 0, 65_536, Math.floor(size / 2));
  closeSync(file);
  const verified = await runCli(['audit', 'verify', '--db', db]);
  assert.equal(verified.code, 1, verified.stderr);
  assert.match(verified.stdout, /^BROKEN: The audit database .* is damaged \(SQLite: database disk image is malformed\)/);
  assert.match(verified.stderr, /fix: .*\.recover/);
  const exported = await runCli(['audit', 'export', '--db', db]);
  assert.equal(exported.code, 2);
  assert.doesNotMatch(exported.stderr, /unexpected error/);
  assert.match(exported.stderr, /is damaged \(SQLite: database disk image is malformed\)/);
});
