import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { runCli } from './serve-cli-helpers.js';

test('safemed audit verify / export: OK, JSONL with --since and --output, then BROKEN naming the edited record', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-cli-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const db = join(folder, 'audit.db');
  const trail = openAuditTrail({ path: db });
  for (let index = 1; index <= 3; index += 1) {
    trail.append({
      requestId: `req_${index}`, receivedAt: new Date(Date.UTC(2026, 10, index)), firstTokenAt: null, finishedAt: new Date(Date.UTC(2026, 10, index, 0, 0, 1)),
      model: 'm', servedModelName: 'safemed-r1', stream: false, user: null, messages: [{ role: 'user', content: `q${index}` }],
      reasoning: '', answer: `a${index}`, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null,
    });
  }
  trail.close();

  const ok = await runCli(['audit', 'verify', '--db', db]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^OK: 3 records, chain intact/);

  const exported = await runCli(['audit', 'export', '--db', db, '--since', '2026-11-02']);
  assert.equal(exported.code, 0, exported.stderr);
  const lines = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number; answer: string; hash: string });
  assert.deepEqual(lines.map((line) => [line.id, line.answer]), [[2, 'a2'], [3, 'a3']]);
  assert.match(lines[0]!.hash, /^[0-9a-f]{64}$/);

  const file = join(folder, 'out.jsonl');
  const toFile = await runCli(['audit', 'export', '--db', db, '--output', file]);
  assert.equal(toFile.code, 0);
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);

  const tamper = new Database(db);
  tamper.prepare('UPDATE audit_records SET answer = ? WHERE id = 2').run('edited');
  tamper.close();
  const broken = await runCli(['audit', 'verify', '--db', db]);
  assert.equal(broken.code, 1);
  assert.match(broken.stdout, /^BROKEN: record #2: content does not match its hash/);

  const missing = await runCli(['audit', 'verify', '--db', join(folder, 'none.db')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /No audit database at .*none\.db/);
  const badDate = await runCli(['audit', 'export', '--db', db, '--since', 'yesterday-ish']);
  assert.equal(badDate.code, 2);
  assert.match(badDate.stderr, /--since "yesterday-ish" is not a date/);
});
