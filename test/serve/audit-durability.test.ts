/**
 * The server ends a response only once its audit record is committed: the body of a non-streamed
 * answer, the finish chunk and [DONE] of a stream wait for `complete`. The audit worker acknowledges a
 * non-streamed request's pending entry together with the next reply, a stream's at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditOutcome, AuditRequestEntry } from '../../src/audit/audit-record.js';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditWriter } from '../../src/audit/create-audit-writer.js';
import { createAuditWorker } from '../../src/serve/create-audit-worker.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend } from './scripted-backend.js';

type After = { after(fn: () => unknown): void };

/** An AuditWriter whose commits the test releases by hand. */
function heldWriter() {
  const completed: AuditOutcome[] = [];
  let release: () => void = () => undefined;
  let called: (outcome: AuditOutcome) => void = () => undefined;
  const completeCalled = new Promise<AuditOutcome>((resolve) => { called = resolve; });
  const writer: AuditWriter = {
    begin: (_entry: AuditRequestEntry) => Promise.resolve(),
    complete: (outcome) =>
      new Promise<void>((resolve) => {
        release = () => {
          completed.push(outcome);
          resolve();
        };
        called(outcome);
      }),
    close: () => Promise.resolve(),
  };
  return { writer, completed, completeCalled, release: () => { release(); } };
}

async function startServer(t: After, audit: AuditWriter) {
  const backend = createScriptedBackend(() => ({ text: 'Rest and fluids.', usage: { promptTokens: 3, completionTokens: 3 } }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, audit, streamCoalesceMs: 0 });
  const { url } = await server.listen();
  t.after(() => server.close());
  return url;
}

function send(url: string, stream: boolean): { response: Promise<IncomingMessage>; body: Promise<string>; received: () => string } {
  let text = '';
  const call = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    call.on('response', resolve);
    call.on('error', reject);
  });
  const body = response.then(
    (message) =>
      new Promise<string>((resolve, reject) => {
        message.setEncoding('utf8');
        message.on('data', (chunk: string) => { text += chunk; });
        message.on('end', () => { resolve(text); });
        message.on('error', reject);
      }),
  );
  call.end(JSON.stringify({ model: 'safemed-r1', stream, messages: [{ role: 'user', content: 'I have a cold.' }] }));
  return { response, body, received: () => text };
}

/** One round trip on another connection: the server's event loop has run well past the held request. */
async function roundTrip(url: string): Promise<void> {
  const health = await fetch(`${url}/health`);
  await health.arrayBuffer();
}

test('a non-streamed answer is sent only after its audit record is committed', async (t) => {
  const held = heldWriter();
  t.after(() => { held.release(); }); // never leave the answer held if an assertion fails
  const url = await startServer(t, held.writer);
  let answered = false;
  const call = send(url, false);
  void call.response.then(() => { answered = true; });
  const outcome = await held.completeCalled;
  assert.equal(outcome.answer, 'Rest and fluids.');
  await roundTrip(url);
  await roundTrip(url);
  assert.equal(answered, false, 'no status line or body before the commit');
  held.release();
  const body = JSON.parse(await call.body) as { choices: Array<{ message: { content: string } }> };
  assert.equal(body.choices[0]?.message.content, 'Rest and fluids.');
  assert.equal(held.completed.length, 1);
});

test('a stream sends its content but not its finish chunk and [DONE] before the audit record is committed', async (t) => {
  const held = heldWriter();
  t.after(() => { held.release(); }); // never leave the stream held if an assertion fails
  const url = await startServer(t, held.writer);
  const call = send(url, true);
  await held.completeCalled;
  await roundTrip(url);
  await roundTrip(url);
  const streamed = [...call.received().matchAll(/"delta":\{(?:"role":"assistant",)?"content":"([^"]*)"/g)].map((match) => match[1]).join('');
  assert.equal(streamed, 'Rest and fluids.', 'the content was streamed');
  assert.doesNotMatch(call.received(), /finish_reason":"stop"|\[DONE\]/, 'the tail waits for the commit');
  held.release();
  const text = await call.body;
  assert.match(text, /"finish_reason":"stop"/);
  assert.match(text, /data: \[DONE\]\n\n$/);
});

test('audit worker: a non-streamed pending entry is acknowledged no later than the next reply, a stream\'s on its own; both are on disk', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-worker-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = join(folder, 'audit.db');
  const audit = await createAuditWorker({ path, redact: false });
  const entry = (requestId: string, stream: boolean): AuditRequestEntry => ({
    requestId, clientRequestId: null, receivedAt: new Date(Date.UTC(2026, 0, 1)), model: 'm', servedModelName: 'safemed-r1', stream, user: null, messages: [{ role: 'user', content: requestId }],
  });
  const outcome = (requestId: string): AuditOutcome => ({
    requestId, firstTokenAt: null, finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)), reasoning: '', answer: `answer ${requestId}`, finishReason: 'stop', usage: null, verdicts: [], status: 200, error: null,
  });
  await audit.begin(entry('stream-1', true)); // answered on its own: this await returns
  let plainAcknowledged = false;
  const plain = audit.begin(entry('plain-1', false)).then(() => { plainAcknowledged = true; });
  await audit.complete(outcome('stream-1'));
  await audit.complete(outcome('plain-1'));
  assert.equal(plainAcknowledged, true, 'acknowledged no later than the reply that carried the next completion');
  await plain;
  await audit.close();
  const trail = openAuditTrail({ path, mustExist: true });
  t.after(() => { trail.close(); });
  assert.deepEqual([...trail.export()].map((record) => record.requestId), ['stream-1', 'plain-1']);
  assert.equal(trail.verify().ok, true);
});
