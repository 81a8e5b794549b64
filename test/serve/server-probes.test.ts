/**
 * Issue 8, second probing round: what an attacker or an unlucky operator found after the first round's
 * fixes. One test per defect; real sockets on 127.0.0.1:0, in-process backends or a scripted upstream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenUsage } from '../../src/core/chat.js';
import { redactPhi } from '../../src/guard/redact-phi.js';
import { withRedactedUpstream } from '../../src/guard/with-redacted-upstream.js';
import { createAuditWorker } from '../../src/serve/create-audit-worker.js';
import { parseChatRequest } from '../../src/serve/parse-chat-request.js';
import { createScriptedBackend } from './scripted-backend.js';
import { raw } from './send-raw.js';
import { startTestServer } from './start-test-server.js';


const start = startTestServer;

const chat = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hi' }], ...extra });

test("an upstream's nonsense token counts (NaN, negative, huge) never break the usage chunk's JSON or the metrics", async (t) => {
  const bad = [
    { promptTokens: Number('abc'), completionTokens: 5 },
    { promptTokens: -3, completionTokens: Number.POSITIVE_INFINITY },
    { promptTokens: 2 ** 60, completionTokens: 1.5 },
  ] as Array<Omit<TokenUsage, 'totalTokens'>>;
  let call = 0;
  const backend = createScriptedBackend(() => ({ text: 'An answer.', usage: bad[call++ % bad.length] ?? { promptTokens: 0, completionTokens: 0 } }));
  const { url, server } = await start(t, { backend });
  for (let index = 0; index < bad.length; index += 1) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chat({ stream: true, stream_options: { include_usage: true } }),
    });
    const text = await response.text();
    assert.equal(response.status, 200);
    const events = text.split('\n\n').filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]');
    for (const event of events) assert.doesNotThrow(() => JSON.parse(event.slice(6)), event);
    const usage = (JSON.parse(events.at(-1)?.slice(6) ?? '{}') as { usage?: Record<string, number> }).usage;
    assert.ok(usage, text);
    for (const value of Object.values(usage)) assert.ok(Number.isSafeInteger(value) && value >= 0, JSON.stringify(usage));
  }
  const plain = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chat() });
  const body = (await plain.json()) as { usage: Record<string, number> };
  for (const value of Object.values(body.usage)) assert.ok(Number.isSafeInteger(value) && value >= 0, JSON.stringify(body.usage));
  const metrics = server.metrics.render();
  assert.doesNotMatch(metrics, /NaN|Infinity|tokens_total -/);
  assert.match(metrics, /safemed_completion_tokens_total 10\n/);
});

test('Expect: 100-continue gets the go-ahead only when the body will be read: no key, too large or not JSON is answered at once', async (t) => {
  const { port } = await start(t, { apiKeys: ['k1'], bodyLimitBytes: 1000 });
  const head = (headers: string) => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n${headers}\r\n`;
  const final = /\r\n\r\n\{.*\}$/s;
  const refused = [
    [head('Content-Type: application/json\r\nContent-Length: 50\r\n'), 401],
    [head('Authorization: Bearer k1\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n'), 413],
    [head('Authorization: Bearer k1\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n'), 415],
  ] as const;
  for (const [bytes, status] of refused) {
    const answer = await raw(port, bytes, final);
    assert.doesNotMatch(answer, /100 Continue/, answer);
    assert.match(answer, new RegExp(`^HTTP/1.1 ${status} `), answer);
    assert.match(answer, /connection: close/i, answer);
    assert.match(answer, final, answer);
  }
  // A request that will be read still gets its 100 Continue, then its answer once the body is sent.
  const body = chat();
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8');
  const continued = new Promise<void>((resolve) => {
    socket.on('data', (text: string) => {
      received += text;
      if (received.includes('100 Continue')) resolve();
    });
  });
  socket.write(head(`Authorization: Bearer k1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`));
  await continued;
  const answered = new Promise<void>((resolve) => {
    socket.on('data', () => {
      if (/HTTP\/1.1 200 OK[\s\S]*"chat.completion"/.test(received)) resolve();
    });
  });
  socket.write(body);
  await answered;
  socket.destroy();
});

test('a key-less server on a loopback address refuses other Host names (DNS rebinding), console routes included', async (t) => {
  const extraRoutes = [{ prefix: '/console', handle: () => Promise.resolve(200) }];
  const { port } = await start(t, { host: '127.0.0.1', extraRoutes });
  const request = (path: string, host: string) =>
    raw(port, `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${chat().length}\r\nConnection: close\r\n\r\n${chat()}`);
  for (const host of ['attacker.example:8000', 'attacker.example', '127.0.0.1.attacker.example', '10.0.0.1:80', 'localhost.attacker.example']) {
    for (const path of ['/v1/chat/completions', '/console/api/records']) {
      const answer = await request(path, host);
      assert.match(answer, /^HTTP\/1.1 403 /, `${host} ${path}: ${answer}`);
      assert.match(answer, /"code":"host_not_allowed"/);
    }
  }
  for (const host of ['127.0.0.1', `127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST.', `[::1]:${port}`, 'app.localhost:1', '127.8.9.10']) {
    assert.match(await request('/v1/chat/completions', host), /^HTTP\/1.1 200 /, host);
  }
  // HTTP/1.0 without Host: not a browser.
  assert.match(await raw(port, 'GET /health HTTP/1.0\r\n\r\n'), /^HTTP\/1.1 200 /);
});

test('with an API key any Host name is served (a rebound page does not have the key; proxies keep working)', async (t) => {
  const keyed = await start(t, { host: '127.0.0.1', apiKeys: ['k1'] });
  const answer = await raw(keyed.port, 'GET /v1/models HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer k1\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1.1 200 /, answer);
});

test("request validation does not walk a body's unknown keys (a 1 MB body of ~90,000 tiny fields held the event loop in zod)", () => {
  let walks = 0;
  const counted = <T extends object>(target: T): T =>
    new Proxy(target, {
      ownKeys(inner) {
        walks += 1;
        return Reflect.ownKeys(inner);
      },
    });
  const many = Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`k${index}`, 1]));
  const parsed = parseChatRequest(
    counted({
      model: 'safemed-r1',
      messages: [counted({ role: 'user', content: [counted({ type: 'text', text: 'hi', ...many })], ...many })],
      chat_template_kwargs: counted({ enable_thinking: false, ...many }),
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: counted({ type: 'object', ...many }) } },
      stream_options: counted({ include_usage: true, ...many }),
      ...many,
    }),
  );
  assert.equal(walks, 0);
  assert.equal(parsed.messages[0]?.content, 'hi');
  assert.equal(parsed.settings.chatTemplateKwargs?.enable_thinking, false);
  assert.equal(parsed.settings.responseFormat?.type, 'json_schema');
  assert.throws(() => parseChatRequest({ model: 'safemed-r1', messages: [{ role: 'user', content: 'x' }], chat_template_kwargs: [1] }), /chat_template_kwargs: expected a JSON object/);
});

test("1.8 MB (UTF-8) of '市…路1号' (an address pattern's nested groups backtracked exponentially) no longer holds the audit worker, and with it every answer", { timeout: 30_000 }, async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-probes-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const audit = await createAuditWorker({ path: join(folder, 'audit.db'), redact: true });
  t.after(() => audit.close());
  const { url } = await start(t, { audit, bodyLimitBytes: 2 * 1024 * 1024 });
  const evil = `${'市'.repeat(200)}路1号`.repeat(3000);
  const post = async (content: string) => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content }] }),
    });
    await response.arrayBuffer();
    return response.status;
  };
  // Before: the first request's record took minutes to redact and the second answer waited behind it.
  assert.deepEqual(await Promise.all([post(evil), post('What is the usual paracetamol dose?')]), [200, 200]);
  // The address rules still work on ordinary addresses.
  assert.equal(redactPhi('住址：北京市朝阳区建国路1号'), '住址：[ADDRESS]');
  assert.equal(redactPhi('我住在北京市朝阳区建国路88号院3号楼'), '[ADDRESS]');
});

test('an answer over --max-answer-size while the client reads slowly ends the stream with an error event, and the server stays up', { timeout: 30_000 }, async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-probes-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const audit = await createAuditWorker({ path: join(folder, 'audit.db'), redact: true });
  t.after(() => audit.close());
  const backend = createScriptedBackend(() => ({ text: 'x' }));
  let started!: () => void;
  const streaming = new Promise<void>((resolve) => { started = resolve; });
  backend.stream = async function* (request) {
    started();
    for (let index = 0; index < 200; index += 1) {
      if (request.signal?.aborted) throw request.signal.reason;
      yield { type: 'text-delta', text: 'a'.repeat(64 * 1024) };
      await new Promise<void>((resolve) => { setImmediate(resolve); });
    }
    yield { type: 'finish', finishReason: 'stop' };
  };
  const { url, port } = await start(t, { backend, audit, maxAnswerChars: 1024 * 1024 });
  const body = chat({ stream: true });
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  // Send the request, then read nothing until the server has ended the response (its writes back up).
  socket.pause();
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  await streaming;
  // Polled (the server ends the response while this client reads nothing); bounded by the test timeout.
  while (!/status="502"/.test(await (await fetch(`${url}/metrics`)).text())) await new Promise<void>((resolve) => { setTimeout(resolve, 20); });
  let text = '';
  await new Promise<void>((resolve) => {
    socket.setEncoding('utf8').on('data', (part: string) => {
      text += part;
      if (text.includes('data: [DONE]')) resolve();
    });
    socket.on('end', () => { resolve(); });
    socket.resume();
  });
  socket.destroy();
  assert.match(text, /^HTTP\/1.1 200 /);
  assert.match(text, /data: \{"error":\{[^\n]*"code":"answer_too_large"[^\n]*\}\}\n\n(?:0\r\n\r\n)?data: \[DONE\]\n\n|"code":"answer_too_large"[\s\S]*data: \[DONE\]/);
  // Still serving.
  assert.equal((await fetch(`${url}/health`)).status, 200);
});

test('a compressed request body is a 415 that says so (it was "Malformed JSON"), and a UTF-8 byte order mark is accepted', async (t) => {
  const { url } = await start(t);
  const { gzipSync } = await import('node:zlib');
  const gzipped = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(chat()),
  });
  assert.equal(gzipped.status, 415);
  assert.equal(((await gzipped.json()) as { error: { code: string } }).error.code, 'unsupported_content_encoding');
  const identity = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body: chat() });
  assert.equal(identity.status, 200);
  await identity.arrayBuffer();
  const bom = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `\ufeff${chat()}` });
  assert.equal(bom.status, 200, await bom.text());
});

test('--redact-upstream reads a conversation with one redactor: a name given with context is removed where a later message uses it bare', async () => {
  const backend = createScriptedBackend(() => ({ text: 'ok' }));
  const redacted = withRedactedUpstream(backend);
  await redacted.generate({
    messages: [
      { role: 'user', content: 'My name is Zofia Nowak.' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Zofia has had a fever since Monday; Nowak family history of asthma.' },
    ],
    settings: {},
  });
  const sent = JSON.stringify(backend.requests[0]?.messages);
  assert.doesNotMatch(sent, /Zofia|Nowak/, sent);
  assert.match(sent, /fever since Monday/);
  // Nothing carries over to the next request.
  await redacted.generate({ messages: [{ role: 'user', content: 'Is Zofia a common name in Poland?' }], settings: {} });
  assert.match(JSON.stringify(backend.requests[1]?.messages), /Zofia/);
});

test('an audit database that cannot be opened is named once in the error (it read "Cannot open the audit database X: Cannot open the audit database X: ...")', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-probes-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const error = await createAuditWorker({ path: folder, redact: true }).then(
    () => assert.fail('a folder opened as an audit database'),
    (failure: unknown) => failure as Error,
  );
  assert.equal(error.message.split(folder).length - 1, 1, error.message);
});
