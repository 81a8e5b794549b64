/**
 * `audit verify` / `audit export` read an evidence copy they may not write: a trail opened read-only writes nothing
 * (the main file is byte for byte the same, every write is refused), and a trail in a folder the user may not write
 * is read from a temporary copy that is removed on close (SQLite cannot create the WAL index there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditRecordInput } from '../../src/audit/audit-record.js';
import { ConfigError } from '../../src/core/errors.js';

function input(index: number): AuditRecordInput {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, index));
  return {
    requestId: `req_${index}`, receivedAt: at, firstTokenAt: at, finishedAt: at, model: 'm', servedModelName: 'safemed-r1', stream: false, user: null,
    messages: [{ role: 'user', content: `question ${index}` }], reasoning: '', answer: `answer ${index}`, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null,
  };
}

function writeTrail(folder: string, count: number): string {
  const path = join(folder, 'audit.db');
  const trail = openAuditTrail({ path });
  for (let index = 1; index <= count; index += 1) trail.append(input(index));
  trail.close();
  return path;
}

test('a trail opened read-only is verified, exported and read by id, writes nothing, and refuses every write', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-ro-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = writeTrail(folder, 3);
  const before = readFileSync(path);
  const trail = openAuditTrail({ path, readOnly: true });
  assert.deepEqual(trail.verify().ok, true);
  assert.equal(trail.verify().checked, 3);
  assert.equal([...trail.export()].length, 3);
  assert.equal(trail.record(2)?.answer, 'answer 2');
  assert.throws(() => trail.append(input(4)), (error: unknown) => error instanceof ConfigError && /opened read-only/.test(error.message));
  trail.close();
  assert.ok(readFileSync(path).equals(before), 'the main file is unchanged');
  assert.throws(() => openAuditTrail({ path: join(folder, 'none.db'), readOnly: true }), /No audit database/);
});

const asNobody = (args: string[]) => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...args], { encoding: 'utf8', cwd: process.cwd() });
const canSwitchUser = process.getuid?.() === 0 && asNobody([process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(join(process.cwd(), 'src', 'cli', 'main.ts'))})`]).status === 0;

test('audit verify and export as a user who may read the trail but not write it or its folder (evidence copy)', { skip: canSwitchUser ? false : 'needs root and setpriv, and a checkout the nobody user can read' }, (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-ro-cli-'));
  t.after(() => {
    chmodSync(folder, 0o700);
    rmSync(folder, { recursive: true, force: true });
  });
  const path = writeTrail(folder, 2);
  chmodSync(path, 0o444);
  chmodSync(folder, 0o555);
  const copiesBefore = readdirSync(tmpdir()).filter((name) => name.startsWith('safemed-audit-read-')).length;
  const verify = asNobody([process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify', '--db', path]);
  assert.equal(verify.status, 0, verify.stderr);
  assert.match(verify.stdout, /^OK: 2 records, chain intact/);
  const exported = asNobody([process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'audit', 'export', '--db', path]);
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(exported.stdout.trim().split('\n').length, 2);
  assert.deepEqual(readdirSync(folder), ['audit.db'], 'nothing was created beside the trail');
  assert.equal(readdirSync(tmpdir()).filter((name) => name.startsWith('safemed-audit-read-')).length, copiesBefore, 'the temporary copy was removed');
});
