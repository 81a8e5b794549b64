/**
 * When the audit trail cannot write (a full disk, a deleted database), every answer is withheld: the client
 * gets a 503 `audit_unavailable` (streamed or not, before or after the answer was generated), `/health`
 * answers 503 until a write succeeds again, and the log says when it starts and ends. Real sockets on
 * 127.0.0.1:0; the trail is a real audit writer whose commits fail on demand, as SQLite's do on a full disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createAuditWriter, type AuditWriter } from '../../src/audit/create-audit-writer.js';
import { createLogger } from '../../src/core/logger.js';
import { postChat, startTestServer } from './start-test-server.js';

/** An audit writer (a real trail in a temporary folder) whose writes fail while `full` is set, like SQLite's on a full disk. */
function fillableAudit(folder: string): { writer: AuditWriter; full: { value: boolean } } {
  const trail = openAuditTrail({ path: join(folder, 'audit.db') });
  const inner = createAuditWriter(trail);
  const full = { value: false };
  const fail = () => Promise.reject(new Error('database or disk is full'));
  return {
    full,
    writer: {
      begin: (entry) => (full.value ? inner.begin(entry).then(fail) : inner.begin(entry)),
      complete: (outcome) => (full.value ? fail() : inner.complete(outcome)),
      close: async () => {
        await inner.close();
        trail.close();
      },
    },
  };
}

async function streamStatus(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', stream: true, messages: [{ role: 'user', content: 'Is ibuprofen safe with food?' }] }),
  });
  return { status: response.status, text: await response.text() };
}

test('an audit trail that cannot write: 503 audit_unavailable for every answer, /health 503 until a write succeeds, one log line each way', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-unavailable-'));
  const { writer, full } = fillableAudit(folder);
  t.after(async () => {
    await writer.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const lines: string[] = [];
  const { url } = await startTestServer(t, { audit: writer, logger: createLogger({ write: (line) => lines.push(line) }) });
  const ask = () => postChat(url, { messages: [{ role: 'user', content: 'Is ibuprofen safe with food?' }] });
  assert.equal((await ask()).status, 200);
  assert.equal((await fetch(`${url}/health`)).status, 200);

  full.value = true;
  const refused = await ask();
  assert.equal(refused.status, 503);
  const error = refused.json.error as { code: string; message: string };
  assert.equal(error.code, 'audit_unavailable');
  assert.match(error.message, /withheld/);
  assert.doesNotMatch(error.message, /disk is full/, 'the cause stays in the log');
  const streamed = await streamStatus(url);
  assert.equal(streamed.status, 503, streamed.text);
  assert.match(streamed.text, /audit_unavailable/);
  const health = await fetch(`${url}/health`);
  assert.equal(health.status, 503);
  assert.equal(((await health.json()) as { error: { code: string } }).error.code, 'audit_unavailable');
  assert.equal(lines.filter((line) => /audit trail cannot write/.test(line)).length, 1, 'said once, not per request');
  assert.ok(lines.some((line) => /disk is full/.test(line)), 'the cause is in the log');

  full.value = false;
  assert.equal((await ask()).status, 200);
  assert.equal((await fetch(`${url}/health`)).status, 200);
  assert.ok(lines.some((line) => /audit trail writing again/.test(line)));
});
