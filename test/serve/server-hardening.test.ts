/**
 * Issue 8 regressions at the HTTP edge: one request cannot freeze the server, errors mean what they
 * say, protocol errors get JSON, auth comes first. Real sockets on 127.0.0.1:0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createBackend } from '../../src/backends/registry.js';
import { BackendError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { createAuditWorker } from '../../src/serve/create-audit-worker.js';
import { createSafemedServer, type SafemedServerOptions } from '../../src/serve/create-safemed-server.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { createScriptedBackend, verdict } from './scripted-backend.js';

type After = { after(fn: () => unknown): void };

function tempDir(t: After): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-hardening-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

async function start(t: After, options: Partial<SafemedServerOptions> = {}) {
  const backend = options.backend ?? createScriptedBackend((request) => ({ text: `echo ${request.messages.at(-1)?.content.length ?? 0}` }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, ...options });
  const { url, port } = await server.listen();
  t.after(() => server.close());
  return { url, port, server };
}

const chat = (content: string, extra: Record<string, unknown> = {}) => JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content }], ...extra });

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as { error: { code: string; message: string; type: string } } };
}

/** Sends raw bytes on a fresh socket and returns everything the server wrote before closing. */
async function raw(port: number, bytes: string, { end = true } = {}): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (text: string) => (received += text));
  socket.write(bytes);
  if (end) socket.end();
  await once(socket, 'close');
  return received;
}

test('a 1 MB body without spaces (redaction in the audit worker) does not stall /health', async (t) => {
  const folder = tempDir(t);
  const audit = await createAuditWorker({ path: join(folder, 'audit.db'), redact: true });
  t.after(() => audit.close());
  const { url } = await start(t, { audit, bodyLimitBytes: 2 * 1024 * 1024 });
  const shapes = ['a'.repeat(1_000_000), `${'a'.repeat(500_000)}@${'b.'.repeat(249_000)}`, '1'.repeat(1_000_000), `Patient ${'Xy'.repeat(499_990)}`];
  let worst = 0;
  for (const content of shapes) {
    const progress = { done: false }; // set by the request's finally (TypeScript does not see a callback's write to a local)
    const big = post(url, chat(content)).finally(() => {
      progress.done = true;
    });
    while (!progress.done) {
      const started = performance.now();
      const health = await fetch(`${url}/health`);
      await health.arrayBuffer();
      assert.equal(health.status, 200);
      worst = Math.max(worst, performance.now() - started);
    }
    assert.equal((await big).status, 200);
  }
  t.diagnostic(`slowest /health while 1 MB bodies were handled: ${worst.toFixed(1)} ms`);
  assert.ok(worst < 1000, `/health took ${worst.toFixed(0)} ms`);
});

test('JSON nested deeper than the limit is a 400 json_too_deep, not a 500', async (t) => {
  const { url } = await start(t);
  const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const kwargs = await post(url, chat('x').slice(0, -1) + `,"chat_template_kwargs":${deep(10_000)}}`);
  assert.equal(kwargs.status, 400);
  assert.equal(kwargs.json().error.code, 'json_too_deep');
  const schema = await post(url, chat('x').slice(0, -1) + `,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${'{"properties":'.repeat(5000)}{}${'}'.repeat(5000)}}}}`);
  assert.equal(schema.status, 400);
  const arrays = await post(url, '['.repeat(100_000) + ']'.repeat(100_000));
  assert.equal(arrays.status, 400);
  // brackets inside strings do not count
  assert.equal((await post(url, chat('[[[[{{{{'.repeat(1000)))).status, 200);
});

test('an object with more members than the limit is a 400 json_too_many_members before it is parsed', async (t) => {
  const { url } = await start(t);
  const keys = (count: number) => `{${Array.from({ length: count }, (_, index) => `"k${index}":1`).join(',')}}`;
  // ~90,000 keys in one object held the event loop ~57 ms in JSON.parse (dictionary-mode object)
  const many = await post(url, chat('x').slice(0, -1) + `,"chat_template_kwargs":${keys(90_000)}}`);
  assert.equal(many.status, 400);
  assert.equal(many.json().error.code, 'json_too_many_members');
  assert.match(many.json().error.message, /more than 10000 members/);
  const justOver = await post(url, chat('x').slice(0, -1) + `,"logit_bias":${keys(10_001)}}`);
  assert.equal(justOver.json().error.code, 'json_too_many_members');
  // at the limit the member count is not what refuses it (logit_bias keys must be token ids)
  const atLimit = await post(url, chat('x').slice(0, -1) + `,"logit_bias":${keys(10_000)}}`);
  assert.notEqual((atLimit.json() as { error?: { code: string } }).error?.code, 'json_too_many_members');
  // commas in arrays and in strings are not members
  const arrays = await post(url, chat('a,b,'.repeat(20_000)).slice(0, -1) + `,"stop":[${Array.from({ length: 20_000 }, () => '"x"').join(',')}]}`);
  assert.notEqual((arrays.json() as { error?: { code: string } }).error?.code, 'json_too_many_members');
});

test('a body that is not declared as JSON is a 415 (no cross-site simple POST)', async (t) => {
  const { url } = await start(t);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const response = await post(url, chat('hi'), { 'content-type': type });
    assert.equal(response.status, 415, type);
    assert.equal(response.json().error.code, 'unsupported_media_type');
  }
  const none = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: new Blob([chat('hi')]) });
  assert.equal(none.status, 415);
  await none.body?.cancel();
  assert.equal((await post(url, chat('hi'), { 'content-type': 'Application/JSON; charset=utf-8' })).status, 200);
});

test('streaming with a guard verdict first: an upstream that fails at once still gets a real 502', async (t) => {
  const backend = createScriptedBackend(() => ({ text: 'x' }));
  // eslint-disable-next-line @typescript-eslint/require-await -- a fake of Backend.stream (an AsyncIterable) with nothing to await
  backend.stream = async function* () {
    yield { type: 'verdict', verdict: verdict({ action: 'allow' }) };
    throw new BackendError('Upstream http://10.0.0.7:8000/v1 answered 500: Traceback secret', { status: 500, url: 'http://10.0.0.7:8000/v1' });
  };
  const { url } = await start(t, { backend });
  const response = await post(url, chat('q', { stream: true }));
  assert.equal(response.status, 502);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  assert.doesNotMatch(response.text, /10\.0\.0\.7|Traceback|secret/);
});

test('upstream statuses are mapped: client errors stay 4xx, 429 keeps Retry-After, 5xx is 502; no URL or body leaks', async (t) => {
  const upstream = await startScriptedUpstream(({ body }) => {
    const status = Number(String(body.messages.at(-1)?.content));
    return { fault: 'status', status, retryAfterSeconds: status === 429 ? 7 : undefined, message: `at /srv/app.py line 3 on host gpu-7.internal: boom ${status}` };
  });
  t.after(() => upstream.close());
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0 });
  t.after(() => backend.close());
  const lines: string[] = [];
  const { url } = await start(t, { backend, logger: createLogger({ write: (line) => lines.push(line) }) });
  const expected: Array<[number, number]> = [[400, 400], [401, 401], [404, 404], [413, 413], [422, 422], [429, 429], [500, 502], [503, 502]];
  for (const [upstreamStatus, status] of expected) {
    for (const stream of [false, true]) {
      const response = await post(url, chat(String(upstreamStatus), { stream }));
      assert.equal(response.status, status, `upstream ${upstreamStatus} stream=${stream}`);
      assert.doesNotMatch(response.text, /127\.0\.0\.1|gpu-7|app\.py|boom/, `upstream ${upstreamStatus}: no leak`);
      if (upstreamStatus === 429) assert.equal(response.headers.get('retry-after'), '7');
    }
  }
  assert.ok(lines.some((line) => line.includes('"status":502') && line.includes('boom 500')), 'the cause of a 502 is logged server-side');
});

test('protocol errors get OpenAI JSON: bad Content-Length, bad chunking, huge headers (431), bad method', async (t) => {
  const { port } = await start(t);
  const cases: Array<[string, string, number]> = [
    ['bad content-length', 'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: abc\r\n\r\n', 400],
    ['bad chunk', 'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400],
    ['20 KB header', `GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['bad method', 'G@T /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n', 400],
  ];
  for (const [name, bytes, status] of cases) {
    const answer = await raw(port, bytes);
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), name);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    const parsed = JSON.parse(body) as { error: { type: string; code: string } };
    assert.equal(parsed.error.type, 'invalid_request_error', name);
  }
});

test('header and body timeouts answer 408 JSON and are counted as 408, not 500', async (t) => {
  const { port, url, server } = await start(t, { headerTimeoutMs: 300, bodyTimeoutMs: 300 });
  const headers = await raw(port, 'GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n', { end: false });
  assert.match(headers, /^HTTP\/1\.1 408 /);
  const body = await raw(port, 'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"mod', { end: false });
  assert.match(body, /^HTTP\/1\.1 408 /);
  assert.match(body, /"code":"request_timeout"/);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.doesNotMatch(metrics, /status="500"/);
  assert.match(metrics, /status="408"/);
  assert.ok(server, 'the server is still up');
});

test('a client that abandons its body is counted and logged as 499 (client closed), not a 500', async (t) => {
  const lines: string[] = [];
  const { port, url } = await start(t, { logger: createLogger({ write: (line) => lines.push(line) }) });
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"model":');
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  for (let attempt = 0; attempt < 100 && !lines.some((line) => line.includes('"status":499')); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /route="\/v1\/chat\/completions",status="499"/);
  assert.doesNotMatch(metrics, /status="500"/);
  assert.ok(!lines.some((line) => /Internal server error/.test(line)));
});

test('the connection cap refuses connections beyond it', async (t) => {
  const { port, url } = await start(t, { maxConnections: 2 });
  const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  t.after(() => { held.forEach((socket) => socket.destroy()); });
  await Promise.all(held.map((socket) => once(socket, 'connect')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await assert.rejects(fetch(`${url}/health`));
});

test('auth: Bearer in any case, WWW-Authenticate on 401, the key is checked before 404/405, echoed values are cut', async (t) => {
  const { url } = await start(t, { apiKeys: ['k1'] });
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const response = await fetch(`${url}/v1/models`, { headers: { authorization: `${scheme} k1` } });
    assert.equal(response.status, 200, scheme);
    await response.body?.cancel();
  }
  const denied = await fetch(`${url}/v1/models`);
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
  await denied.body?.cancel();
  for (const [path, method] of [['/v1/embeddings', 'POST'], ['/admin', 'GET'], ['/v1/models', 'DELETE']] as const) {
    const response = await fetch(`${url}${path}`, { method });
    assert.equal(response.status, 401, `${method} ${path} must not reveal the route`);
    await response.body?.cancel();
  }
  const huge = await post(url, JSON.stringify({ model: 'm'.repeat(900_000), messages: [{ role: 'user', content: 'x' }] }), {
    'content-type': 'application/json',
    authorization: 'Bearer k1',
  });
  assert.equal(huge.status, 404);
  assert.ok(huge.text.length < 600, `error body is ${huge.text.length} bytes`);
});

test('an answer larger than --max-answer-size is cut off with a 502, streamed or not', async (t) => {
  const backend = createScriptedBackend(() => ({ text: 'word '.repeat(2000) }));
  const { url } = await start(t, { backend, maxAnswerChars: 1000 });
  const plain = await post(url, chat('q'));
  assert.equal(plain.status, 502);
  assert.equal(plain.json().error.code, 'answer_too_large');
  const streamed = await post(url, chat('q', { stream: true }));
  assert.ok(streamed.status === 502 || /answer_too_large/.test(streamed.text), streamed.text.slice(0, 200));
});

test('the audit keeps the request id ours and a client id only validated and redacted', async (t) => {
  const folder = tempDir(t);
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => { audit.close(); });
  const lines: string[] = [];
  const { url } = await start(t, { audit, createRedactor: () => (text) => text.replace(/\d{3}-\d{2}-\d{4}/g, '[SSN]'), logger: createLogger({ write: (line) => lines.push(line) }) });
  for (const id of ['ssn:567-89-0123', 'ssn:567-89-0123', 'x'.repeat(500)]) {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: chat('q') });
    assert.equal(response.status, 200);
    await response.text();
  }
  const records = [...audit.export()];
  assert.equal(new Set(records.map((record) => record.requestId)).size, 3, 'duplicates are impossible');
  assert.ok(records.every((record) => /^req_[0-9a-f]{24}$/.test(record.requestId)));
  assert.deepEqual(records.map((record) => record.clientRequestId), ['ssn:[SSN]', 'ssn:[SSN]', undefined]);
  assert.ok(!lines.join('\n').includes('567-89-0123'), 'the raw client id is not logged');
  assert.equal(audit.verify().ok, true);
});

test('a client that disconnects mid-stream leaves nothing in flight and closes the backend stream', async (t) => {
  let closed = 0;
  const backend = createScriptedBackend(() => ({ text: 'x' }));
  backend.stream = async function* (request) {
    try {
      yield { type: 'text-delta', text: 'first' };
      await new Promise((_, reject) => request.signal?.addEventListener('abort', () => { reject(new Error('aborted')); }, { once: true }));
    } finally {
      closed += 1;
    }
  };
  const { url, server } = await start(t, { backend });
  for (let index = 0; index < 20; index += 1) {
    const request = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    request.on('error', () => {});
    const response = once(request, 'response');
    request.end(chat('q', { stream: true }));
    const [message] = (await response) as [import('node:http').IncomingMessage];
    await once(message, 'data');
    request.destroy();
  }
  for (let attempt = 0; attempt < 200 && closed < 20; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(closed, 20);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /safemed_requests_in_flight 1\n/);
  assert.ok(server, 'the server is still up');
});

test('many requests in flight at once raise no MaxListenersExceededWarning (each listens for the shutdown)', async (t) => {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  let arrived = 0;
  let allArrived: () => void = () => undefined;
  const everyone = new Promise<void>((resolve) => { allArrived = resolve; });
  const backend = createScriptedBackend(() => {
    arrived += 1;
    if (arrived === 20) allArrived();
    return { text: 'ok', gate: () => gate };
  });
  const warnings: string[] = [];
  const onWarning = (warning: Error) => { warnings.push(warning.name); };
  process.on('warning', onWarning);
  t.after(() => { process.off('warning', onWarning); });
  const { url } = await start(t, { backend });
  const calls = Array.from({ length: 20 }, () => post(url, chat('hello', { stream: true })));
  await everyone;
  open();
  for (const call of calls) assert.equal((await call).status, 200);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
});
