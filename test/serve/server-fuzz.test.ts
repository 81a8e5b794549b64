/**
 * Seeded, bounded fuzz of the HTTP edge (issue 8): 1,200 malformed requests of every kind the issue
 * lists — truncated and random bodies, deep JSON, wrong types and roles, lone surrogates, huge values,
 * wrong content types, methods, paths, auth headers and request ids, raw protocol garbage — against a
 * server with an API key and the audit trail on. No answer may be a 5xx, every error is OpenAI JSON,
 * and the audit chain still verifies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createPhiRedactor } from '../../src/guard/redact-phi.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend } from './scripted-backend.js';

const SEED = 20261127;
const REQUESTS = 1200;
const KEY = 'fuzz-key';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  raw?: string;
}

function createGenerator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (max: number) => Math.floor(random() * max);
  const randomString = (length: number) => {
    let out = '';
    for (let index = 0; index < length; index += 1) out += String.fromCharCode(int(0x3000));
    return out;
  };
  const weird = (): unknown =>
    pick([null, true, 0, -1, 1e308, 3.5, '', 'x', [], {}, [1, 'a'], { a: 1 }, 'a'.repeat(5000), -0, '\ud800', 'NaN']);
  const valid = (): Record<string, unknown> => ({
    model: 'safemed-r1',
    messages: [{ role: 'user', content: 'Is ibuprofen safe with warfarin?' }],
    ...(random() < 0.3 ? { stream: true } : {}),
  });
  const fields = ['model', 'messages', 'stream', 'stream_options', 'stop', 'seed', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'repetition_penalty', 'chat_template_kwargs', 'response_format', 'n', 'user'];
  const json = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const chatPost = (body: string, headers: Record<string, string> = json): FuzzRequest => ({ kind: '', method: 'POST', path: '/v1/chat/completions', headers, body });

  const kinds: Record<string, () => FuzzRequest> = {
    truncated: () => {
      const text = JSON.stringify(valid());
      return chatPost(text.slice(0, int(text.length)));
    },
    random: () => chatPost(randomString(int(200))),
    empty: () => chatPost(pick(['', ' ', 'null', '[]', '"text"', '123', 'true', '{}', '\n\n'])),
    deep: () => {
      const depth = 65 + int(20_000);
      const open = pick(['{"a":', '[']);
      const close = open === '[' ? ']' : '}';
      const nested = open.repeat(depth) + '1' + close.repeat(depth);
      return chatPost(JSON.stringify(valid()).slice(0, -1) + `,"${pick(['chat_template_kwargs', 'response_format', 'extra'])}":${nested}}`);
    },
    manyMembers: () => {
      const count = 10_001 + int(20_000);
      const members = Array.from({ length: count }, (_, index) => `"${pick(['k', '1', '\\u0000', ''])}${index}":${pick(['1', '""', 'null', '{}'])}`).join(',');
      return chatPost(JSON.stringify(valid()).slice(0, -1) + `,"${pick(['chat_template_kwargs', 'logit_bias', 'metadata', 'extra'])}":{${members}}}`);
    },
    wrongType: () => {
      const body = valid();
      for (let count = 1 + int(3); count > 0; count -= 1) body[pick(fields)] = weird();
      return chatPost(JSON.stringify(body));
    },
    badMessages: () => {
      const message: Record<string, unknown> = { role: pick(['user', 'system', 'wizard', '', 'USER', 'tool', 'assistant', 'developer', 'function']), content: weird() };
      if (random() < 0.3) message.name = weird();
      if (random() < 0.3) message.content = [{ type: pick(['text', 'image_url', 'input_audio', 'file', '']), text: weird() }];
      return chatPost(JSON.stringify({ ...valid(), messages: random() < 0.2 ? weird() : [message] }));
    },
    surrogates: () =>
      chatPost(
        JSON.stringify(valid())
          .replace('Is ibuprofen', `Is \\ud800 ibuprofen \\udfff${pick(['', '\\ud83d', '\\udc00\\ud800'])}`)
          .replace('"safemed-r1"', random() < 0.2 ? '"safemed-r1\\ud800"' : '"safemed-r1"'),
        { ...json, ...(random() < 0.5 ? { 'x-request-id': 'id-\u00ff' } : {}) },
      ),
    userField: () => chatPost(JSON.stringify({ ...valid(), user: pick(['abc\ud800', 'a'.repeat(20_000), 'ssn 234-56-7890', '', 'Jane Roe']) })),
    huge: () => chatPost(JSON.stringify({ ...valid(), [pick(['model', 'user', 'stop'])]: 'm'.repeat(100_000 + int(400_000)) })),
    contentType: () => chatPost(JSON.stringify(valid()), { authorization: `Bearer ${KEY}`, ...(random() < 0.8 ? { 'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'json', 'application/xml', '']) } : {}) }),
    methodPath: () => ({
      kind: '',
      method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']),
      path: pick(['/v1/chat/completions', '/v1/models', '/health', '/metrics', '/v1/embeddings', '/', '/v1', '/v1/chat/completions/', '/admin?x=1', `/${'a'.repeat(int(3000))}`, '/v1/models?%ff']),
      headers: random() < 0.5 ? json : { authorization: `Bearer ${KEY}` },
      body: undefined,
    }),
    auth: () =>
      chatPost(JSON.stringify(valid()), {
        'content-type': 'application/json',
        ...(random() < 0.9 ? { authorization: pick([`bearer ${KEY}`, 'Bearer', 'Bearer wrong', `Basic ${KEY}`, `Bearer  ${KEY} `, `Bearer ${'k'.repeat(9000)}`, 'Token x', '']) } : {}),
      }),
    requestId: () => chatPost(JSON.stringify(valid()), { ...json, 'x-request-id': pick(['', 'x'.repeat(200), 'ssn:567-89-0123', 'a b', 'ok-id_1.2:3', 'x'.repeat(7000)]) }),
    numbers: () => chatPost(JSON.stringify(valid()).slice(0, -1) + `,"${pick(['temperature', 'max_tokens', 'seed', 'top_k', 'n'])}":${pick(['1e309', '-1e309', '1.5', '-5', '99999999999999999999', '0', '1e-400', '-0'])}}`),
    extraFields: () => chatPost(JSON.stringify({ ...valid(), tools: [{ type: 'function' }], [randomString(8)]: weird(), __proto__: { polluted: true } })),
    raw: () => ({
      kind: 'raw',
      method: 'RAW',
      path: '',
      headers: {},
      body: undefined,
      raw: pick([
        'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: abc\r\n\r\n',
        'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello',
        'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
        `GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
        'G@T /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n',
        'GET /health HTTP/9.9\r\n\r\n',
        'hello world\r\n\r\n',
        'GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\nbad header line\r\n\r\n',
        'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
        // Expect: 100-continue that will not be read (no key, too large): the final error at once, no 100.
        'POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nexpect: 100-continue\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n',
        `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${KEY}\r\nexpect: 100-continue\r\ncontent-type: application/json\r\ncontent-length: 99999999\r\n\r\n`,
      ]),
    }),
  };
  const names = Object.keys(kinds);
  return (index: number): FuzzRequest => {
    const kind = names[index % names.length]!;
    return { ...kinds[kind]!(), kind };
  };
}

async function sendRaw(port: number, bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('latin1').on('data', (text: string) => (received += text));
  socket.end(bytes);
  await once(socket, 'close');
  return received;
}

test(`fuzz: ${REQUESTS} seeded malformed requests, no 5xx, every error is OpenAI JSON, the audit chain verifies`, async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-fuzz-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => { audit.close(); });
  const backend = createScriptedBackend((request) => ({ text: `ok ${request.messages.length}`, reasoning: 'r' }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, apiKeys: [KEY], audit, createRedactor: () => createPhiRedactor() });
  const { url, port } = await server.listen();
  t.after(() => server.close());
  const next = createGenerator(mulberry32(SEED));
  const failures: string[] = [];
  const seenKinds = new Map<string, number>();
  const statuses = new Map<number, number>();
  const run = async (index: number) => {
    const request = next(index);
    seenKinds.set(request.kind, (seenKinds.get(request.kind) ?? 0) + 1);
    const label = `#${index} ${request.kind} ${request.method} ${request.path.slice(0, 40)}`;
    if (request.raw !== undefined) {
      const answer = await sendRaw(port, request.raw);
      if (answer === '') return; // the parser closed a hopeless connection without a word: allowed
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (!(status >= 400 && status < 500)) failures.push(`${label}: status ${status}`);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      if (status !== 200 && !body.startsWith('{"error"')) failures.push(`${label}: body ${body.slice(0, 80)}`);
      return;
    }
    let response: Response;
    try {
      response = await fetch(`${url}${request.path}`, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) });
    } catch (error) {
      // fetch itself refuses some inputs (invalid header values); that is the client, not the server
      if (error instanceof TypeError && !/fetch failed/.test(error.message)) return;
      failures.push(`${label}: ${String(error)}`);
      return;
    }
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) failures.push(`${label}: ${response.status} ${text.slice(0, 120)}`);
    if (response.status >= 400 && request.method !== 'HEAD') {
      try {
        const parsed = JSON.parse(text) as { error?: { message?: unknown; type?: unknown } };
        if (typeof parsed.error?.message !== 'string' || typeof parsed.error.type !== 'string') failures.push(`${label}: not an OpenAI error body`);
        if (text.length > 2000) failures.push(`${label}: error body of ${text.length} bytes`);
      } catch {
        failures.push(`${label}: ${response.status} body is not JSON: ${text.slice(0, 80)}`);
      }
    }
  };
  const concurrency = 8;
  for (let index = 0; index < REQUESTS; index += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, REQUESTS - index) }, (_, offset) => run(index + offset)));
  }
  t.diagnostic(`kinds: ${JSON.stringify(Object.fromEntries(seenKinds))}`);
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(failures.slice(0, 20), []);
  assert.ok(seenKinds.size >= 16 && [...seenKinds.values()].every((count) => count >= 60));
  const verified = audit.verify();
  assert.equal(verified.ok, true, JSON.stringify(verified.problems.slice(0, 3)));
  assert.ok(verified.checked > 50, `${verified.checked} audited exchanges`);
});
