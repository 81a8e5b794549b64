/**
 * `safemed serve` as a process: SIGTERM exits as soon as in-flight work is done or the grace period
 * ends (no abandoned 600 s timer keeps it alive), and a kill -9 mid-stream leaves the request in the
 * audit trail, completed as "interrupted" at the next start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { spawnServe } from '../cli/serve-cli-helpers.js';

type After = { after(fn: () => unknown): void };

/** An upstream that sends the first SSE chunk of a stream and then never finishes it. */
async function startStallingUpstream(t: After): Promise<string> {
  const server: Server = createServer((request, response) => {
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"stall"}]}');
      return;
    }
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Partial answer' }, finish_reason: null }] })}\n\n`);
  });
  server.on('connection', (socket) => { t.after(() => socket.destroy()); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

function tempDir(t: After): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-serve-process-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

/** Starts a streaming request and resolves once its first bytes arrived (the request stays open). */
async function openStream(url: string, content: string): Promise<{ request: import('node:http').ClientRequest; response: IncomingMessage }> {
  const request = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  request.on('error', () => {});
  request.end(JSON.stringify({ model: 'safemed-r1', stream: true, messages: [{ role: 'user', content }] }));
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  response.on('error', () => {});
  await once(response, 'data');
  return { request, response };
}

test('SIGTERM with a stalled stream in flight exits 0 at the end of the grace period, not after --timeout', async (t) => {
  const upstream = await startStallingUpstream(t);
  const serve = await spawnServe(['--model', `openai:${upstream}`, '--port', '0', '--no-audit', '--guard', 'off', '--shutdown-grace', '1', '--timeout', '600']);
  t.after(() => serve.child.kill('SIGKILL'));
  const first = await openStream(serve.url, 'q1');
  const second = await openStream(serve.url, 'q2');
  second.request.destroy(); // a client that walks away mid-stream leaves an abandoned backend call behind
  const started = Date.now();
  serve.child.kill('SIGTERM');
  const exit = await serve.exited;
  const seconds = (Date.now() - started) / 1000;
  first.request.destroy();
  assert.equal(exit.code, 0);
  assert.ok(seconds < 15, `exited after ${seconds.toFixed(1)} s`);
});

test('kill -9 mid-stream: the request is in the trail (redacted) and marked interrupted at the next start', async (t) => {
  const upstream = await startStallingUpstream(t);
  const db = join(tempDir(t), 'audit.db');
  const args = ['--model', `openai:${upstream}`, '--port', '0', '--audit-db', db, '--guard', 'off'];
  const serve = await spawnServe(args);
  t.after(() => serve.child.kill('SIGKILL'));
  const open = await openStream(serve.url, 'My name is Margaret Thornton, phone 415-555-0188. Dose of metformin?');
  serve.child.kill('SIGKILL');
  await serve.exited;
  open.request.destroy();
  const restarted = await spawnServe(args);
  t.after(() => restarted.child.kill('SIGKILL'));
  restarted.child.kill('SIGTERM');
  const restartExit = await restarted.exited;
  assert.equal(restartExit.code, 0, `${JSON.stringify(restartExit)} ${restarted.stderr()}`);
  const audit = openAuditTrail({ path: db, mustExist: true });
  t.after(() => { audit.close(); });
  const records = [...audit.export()];
  assert.equal(records.length, 1);
  assert.equal(records[0]!.status, 0);
  assert.match(records[0]!.error ?? '', /interrupted/);
  assert.equal(records[0]!.messages[0]!.content, 'My name is [NAME], phone [PHONE]. Dose of metformin?');
  assert.equal(audit.verify().ok, true);
});

test('--audit-durability normal: kill -9 right after the answers loses none of them', async (t) => {
  const { startScriptedUpstream } = await import('../support/scripted-upstream.js');
  const upstream = await startScriptedUpstream((request) => ({ content: `Answer to ${String(request.body.messages.at(-1)?.content)}.` }));
  t.after(() => upstream.close());
  const db = join(tempDir(t), 'audit.db');
  const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db, '--guard', 'off', '--audit-durability', 'normal']);
  t.after(() => serve.child.kill('SIGKILL'));
  const answers = await Promise.all(
    Array.from({ length: 6 }, async (_, index) => {
      const response = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'safemed-r1', stream: index % 2 === 1, messages: [{ role: 'user', content: `q${index}` }] }),
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      return text;
    }),
  );
  serve.child.kill('SIGKILL');
  assert.equal((await serve.exited).signal, 'SIGKILL');
  const audit = openAuditTrail({ path: db, mustExist: true });
  t.after(() => { audit.close(); });
  const records = [...audit.export()];
  assert.equal(records.length, 6);
  for (const [index, answer] of answers.entries()) {
    if (index % 2 === 1) assert.match(answer, /data: \[DONE\]\n\n$/, `stream ${index} delivered in full`);
    else assert.equal((JSON.parse(answer) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content, `Answer to q${index}.`);
    assert.ok(records.some((record) => record.answer === `Answer to q${index}.` && record.status === 200), `record of q${index}`);
  }
  assert.equal(audit.verify().ok, true);
});

test('--audit-thread main writes the same redacted, chained records from the server thread', async (t) => {
  const { startScriptedUpstream } = await import('../support/scripted-upstream.js');
  const upstream = await startScriptedUpstream(() => ({ content: 'Rest, Margaret Thornton.' }));
  t.after(() => upstream.close());
  const db = join(tempDir(t), 'audit.db');
  const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db, '--guard', 'off', '--audit-thread', 'main']);
  t.after(() => serve.child.kill('SIGKILL'));
  const response = await fetch(`${serve.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'My name is Margaret Thornton.' }] }),
  });
  assert.equal(response.status, 200);
  await response.text();
  serve.child.kill('SIGTERM');
  assert.equal((await serve.exited).code, 0);
  const audit = openAuditTrail({ path: db, mustExist: true });
  t.after(() => {
    audit.close();
  });
  const [record] = [...audit.export()];
  assert.equal(record?.messages[0]?.content, 'My name is [NAME].');
  assert.equal(record.answer, 'Rest, [NAME].');
  assert.equal(audit.verify().ok, true);
});

test('an upstream 429 asking for a long pause reaches the client at once as 429 with its Retry-After', async (t) => {
  let calls = 0;
  const server: Server = createServer((request, response) => {
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"id":"busy"}]}');
      return;
    }
    calls += 1;
    request.resume();
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '45' }).end('{"error":{"message":"rate limited"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const serve = await spawnServe(['--model', `openai:${upstream}`, '--port', '0', '--no-audit', '--guard', 'off']);
  t.after(() => serve.child.kill('SIGKILL'));
  const started = performance.now();
  const response = await fetch(`${serve.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hello' }] }),
  });
  const body = (await response.json()) as { error: { type: string } };
  assert.equal(response.status, 429);
  assert.equal(response.headers.get('retry-after'), '45');
  assert.equal(calls, 1, 'serve did not wait out 45 s to retry');
  // before: the call slept up to 60 s per retry while the client waited
  assert.ok(performance.now() - started < 20_000, 'answered without waiting out the pause');
  assert.ok(typeof body.error.type === 'string');
});
