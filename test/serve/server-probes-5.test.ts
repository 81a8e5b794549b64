/**
 * Issue 8, fifth probing round: the llama backend, misbehaving upstreams, `model pull`, the CLI around
 * serve and the console. One test per defect; each fails on the code before its fix. Real sockets on
 * 127.0.0.1:0.
 */
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { usableCpus } from '../../src/backends/llama/usable-cpus.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import type { AuditRecordInput } from '../../src/audit/audit-record.js';
import { resolveHfModel } from '../../src/backends/llama/resolve-hf-model.js';
import { createBackend } from '../../src/backends/registry.js';
import { createOpenAICompatibleBackend } from '../../src/backends/openai-compatible/create-openai-compatible-backend.js';
import { createConsoleRoutes } from '../../src/console/create-console-routes.js';
import type { Backend } from '../../src/core/backend.js';
import { BackendError, ConfigError } from '../../src/core/errors.js';
import Database from 'better-sqlite3';
import { tinyModelPath } from '../support/tiny-model.js';
import { writeReviewQueue, writeRunsFolder } from '../console/console-fixtures.js';
import { openReviewQueue } from '../../src/data/review/index.js';
import { startTestServer } from './start-test-server.js';

type After = { after(fn: () => unknown): void };

function temporaryFolder(t: After): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-probes-5-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

/** An audit trail of `count` ordinary records (written in batches: one transaction each). */
function writeTrail(path: string, count: number): void {
  const trail = openAuditTrail({ path });
  const text = 'What is a normal resting heart rate for adults? '.repeat(8);
  for (let start = 0; start < count; start += 1000) {
    const batch: AuditRecordInput[] = [];
    for (let index = start; index < Math.min(count, start + 1000); index += 1) {
      const at = new Date(Date.UTC(2026, 10, 1) + index * 1000);
      batch.push({
        requestId: `req_${index.toString(16).padStart(24, '0')}`, receivedAt: at, firstTokenAt: at, finishedAt: at, model: 'tiny', servedModelName: 'safemed-r1',
        stream: false, user: null, messages: [{ role: 'user', content: text }], reasoning: '', answer: text, finishReason: 'stop',
        usage: { promptTokens: 10, completionTokens: 10, totalTokens: 20 }, verdicts: [], status: 200, error: null,
      });
    }
    trail.appendMany(batch);
  }
  trail.close();
}

/** A server with the console mounted over the audit trail at `auditDb` (no API key, loopback). */
async function startConsole(t: After, auditDb: string) {
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, auditDb, guardEnabled: false });
  t.after(() => { routes.close(); });
  return startTestServer(t, { extraRoutes: [routes] });
}

/** Runs `call` while timing this thread's event loop: the longest gap between two 5 ms ticks, and the call's own time. */
async function withLoopWatch<T>(call: () => Promise<T>): Promise<{ value: T; longestGapMs: number; callMs: number }> {
  let last = performance.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    const value = await call();
    return { value, longestGapMs, callMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

/**
 * A raw upstream on 127.0.0.1:0 (`/models` lists one model; a chat request's body is read, then `answer` writes
 * the response) and the OpenAI-compatible backend in front of it; both stopped by the test.
 */
async function rawUpstreamBackend(t: After, answer: (response: ServerResponse) => void, options: Parameters<typeof createOpenAICompatibleBackend>[2] = {}): Promise<{ backend: Backend; chats: () => number }> {
  let chats = 0;
  const upstream = createServer((request, response) => {
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'upstream-model' }] }));
      return;
    }
    chats += 1;
    request.resume();
    request.on('end', () => { answer(response); });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { upstream.closeAllConnections(); upstream.close(() => { resolve(); }); }));
  const backend = await createOpenAICompatibleBackend('openai', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, { maxRetries: 0, env: {}, ...options });
  t.after(() => backend.close());
  return { backend, chats: () => chats };
}

test("the console's audit list, record, export and verify do not hold the server's event loop on a large trail", async (t) => {
  const auditDb = join(temporaryFolder(t), 'audit.db');
  writeTrail(auditDb, 30_000);
  const { url } = await startConsole(t, auditDb);
  // the reader's thread starts with the first read: not what is measured
  assert.equal((await fetch(`${url}/console/api/audit/1`)).status, 200);
  const calls: Array<[string, () => Promise<Response>]> = [
    ['list', () => fetch(`${url}/console/api/audit?limit=5`)],
    ['record', () => fetch(`${url}/console/api/audit/29999`)],
    ['verify', () => fetch(`${url}/console/api/audit/verify`, { method: 'POST' })],
    ['export', () => fetch(`${url}/console/api/audit/export`)],
  ];
  for (const [name, call] of calls) {
    // The server runs in this process: a walk of the trail on its thread is one long gap in the ticks.
    const { value, longestGapMs, callMs } = await withLoopWatch(async () => {
      const response = await call();
      return { status: response.status, text: await response.text() };
    });
    assert.equal(value.status, 200, `${name}: ${value.text.slice(0, 200)}`);
    // A walk on the server's thread is most of the call; a gap under 50 ms (the /health bound) is scheduling noise
    // on a fast call (the record is read by its id since: a 13 ms call had a 7 ms gap).
    assert.ok(longestGapMs < Math.max(callMs / 2, 50), `${name}: the event loop stood still ${longestGapMs.toFixed(0)} ms of the call's ${callMs.toFixed(0)} ms`);
    if (name === 'verify') assert.equal((JSON.parse(value.text) as { checked: number }).checked, 30_000);
    if (name === 'export') assert.equal(value.text.split('\n').length - 1, 30_000);
    if (name === 'list') assert.equal((JSON.parse(value.text) as { matched: number }).matched, 30_000);
  }
});

test("another site's page cannot make a browser start console API work on a key-less server (Sec-Fetch-Site: cross-site is refused)", async (t) => {
  const auditDb = join(temporaryFolder(t), 'audit.db');
  writeTrail(auditDb, 10);
  const { url } = await startConsole(t, auditDb);
  // What a browser sends for <img src=".../console/api/audit"> or a form POST from another site: no
  // preflight, no custom header, so the key-less console API (authorized for everyone) did the work.
  for (const site of ['cross-site', 'same-site']) {
    for (const [method, path] of [['GET', 'audit'], ['GET', 'audit/export'], ['POST', 'audit/verify'], ['GET', 'session']] as const) {
      const response = await fetch(`${url}/console/api/${path}`, { method, headers: { 'sec-fetch-site': site } });
      const body = (await response.json()) as { error?: { code: string } };
      assert.equal(response.status, 403, `${site} ${method} ${path}`);
      assert.equal(body.error?.code, 'cross_site_request');
    }
  }
  // the console's own pages (same-origin), a typed-in address (none) and tools (no header) are served
  for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}]) {
    assert.equal((await fetch(`${url}/console/api/audit`, { headers })).status, 200, JSON.stringify(headers));
  }
});

/** A Hugging Face stand-in that answers every download with `body` (status 200). */
async function hfEndpoint(t: After, body: Buffer): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ggufBytes = Buffer.concat([Buffer.from('GGUF', 'latin1'), Buffer.alloc(200_000)]);

test('model pull: a full disk or an unwritable .partial file is one clear error, not a crash with a stack trace', async (t) => {
  const cacheDir = temporaryFolder(t);
  const endpoint = await hfEndpoint(t, ggufBytes);
  mkdirSync(join(cacheDir, 'u', 'r'), { recursive: true });
  // /dev/full: every write fails with ENOSPC, as on a full disk. Before, the write stream's 'error' event
  // had no listener and took the process down (here: the test runner) mid-download.
  symlinkSync('/dev/full', join(cacheDir, 'u', 'r', 'm.gguf.partial'));
  await assert.rejects(resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint: endpoint }), (error) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, /^Cannot write the download to .*m\.gguf\.partial \(ENOSPC\)\.$/);
    assert.match(error.fix ?? '', /Free disk space/);
    return true;
  });
  assert.equal(existsSync(join(cacheDir, 'u', 'r', 'm.gguf')), false);
  // a folder where the .partial file goes
  mkdirSync(join(cacheDir, 'u', 'r', 'n.gguf.partial'));
  await assert.rejects(resolveHfModel('u/r/n.gguf', { cacheDir, hfEndpoint: endpoint }), /Cannot write the download to .*n\.gguf\.partial \(EISDIR\)/);
});

test('model pull: a 200 answer that is not a GGUF (a login page) is refused, not cached as the model', async (t) => {
  const cacheDir = temporaryFolder(t);
  const endpoint = await hfEndpoint(t, Buffer.from('<html><body>Sign in to the network</body></html>'));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // before: the page was saved as m.gguf, and the second pull returned the cached page without a request
    await assert.rejects(resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint: endpoint }), (error) => {
      assert.ok(error instanceof BackendError, String(error));
      assert.match(error.message, /not a GGUF file; it starts with "<htm"/);
      return true;
    });
  }
  assert.equal(existsSync(join(cacheDir, 'u', 'r', 'm.gguf')), false);
  assert.equal(existsSync(join(cacheDir, 'u', 'r', 'm.gguf.partial')), false);
  assert.equal(await resolveHfModel('u/r/ok.gguf', { cacheDir, hfEndpoint: await hfEndpoint(t, ggufBytes) }), join(cacheDir, 'u', 'r', 'ok.gguf'));
});

test('model pull: an empty or malformed $SAFEMED_HF_ENDPOINT names the variable (it said "network unreachable: ERR_INVALID_URL")', async (t) => {
  const cacheDir = temporaryFolder(t);
  for (const value of ['', 'not a url', 'ftp://mirror.example']) {
    await assert.rejects(resolveHfModel('u/r/m.gguf', { cacheDir, env: { SAFEMED_HF_ENDPOINT: value } }), (error) => {
      assert.ok(error instanceof ConfigError, `${value}: ${String(error)}`);
      assert.match(error.message, /Hugging Face endpoint .* is not an http\(s\) URL/);
      assert.match(error.fix ?? '', /SAFEMED_HF_ENDPOINT/);
      return true;
    });
  }
});

/** Runs `script` (an ES module, through tsx; `@src/` stands for this checkout's src/) in a child process with `argument` as its last argv entry. */
async function runScript(t: After, script: string, argument: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const file = join(temporaryFolder(t), 'script.mts');
  writeFileSync(file, script.replaceAll('@src/', pathToFileURL(join(process.cwd(), 'src')).href + '/'));
  const child = spawn(process.execPath, ['--import', 'tsx', file, argument], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { stdout, stderr, code };
}

test('llama backend: a JSON schema with a NUL character or a $ref it cannot follow is a 400 before any grammar work, and its text never reaches stderr', async (t) => {
  const marker = 'Mary Smith born 1960-03-04';
  const schemas = [
    { const: `${marker}\u0000` }, // llama.cpp cut the grammar at the NUL, refused it and printed all of it
    { enum: ['ok', `${marker}\u0000x`] },
    { type: 'object', properties: { [`${marker}\u0000`]: { type: 'string' } } },
    { $ref: `#/$defs/${marker}` }, // node-llama-cpp printed the reference and took any JSON instead
    { $ref: `#/definitions/${marker}`, definitions: { [marker]: { type: 'string' } } },
    { type: 'object', properties: { a: { $ref: '#/$defs/b' } }, $defs: { c: { type: 'string' } } },
  ];
  const script = `
    import { createBackend } from '@src/backends/registry.ts';
    const [path, schemasJson] = JSON.parse(process.argv.at(-1));
    const backend = await createBackend('llama:' + path, { threads: 1, contextSize: 1024 });
    const results = [];
    for (const schema of JSON.parse(schemasJson)) {
      try {
        await backend.generate({ messages: [{ role: 'user', content: 'Hi' }], settings: { maxTokens: 4, responseFormat: { type: 'json_schema', json_schema: { name: 'a', schema } } } });
        results.push('answered');
      } catch (error) { results.push(error.code + ': ' + error.message); }
    }
    // a schema that works still works: $defs in scope, plain strings
    await backend.generate({ messages: [{ role: 'user', content: 'Hi' }], settings: { maxTokens: 4, responseFormat: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object', properties: { a: { $ref: '#/$defs/b' } }, $defs: { b: { type: 'string' } } } } } } });
    await backend.close();
    process.stdout.write(JSON.stringify(results));
  `;
  const { stdout, stderr, code } = await runScript(t, script, JSON.stringify([await tinyModelPath(), JSON.stringify(schemas)]));
  assert.equal(code, 0, stderr.slice(0, 1500));
  const results = JSON.parse(stdout) as string[];
  for (const [index, result] of results.entries()) assert.match(result, /^unsupported_schema: /, `schema ${index}: ${result}`);
  assert.ok(!stderr.includes('Mary Smith'), `client text on stderr: ${stderr.slice(0, 300)}`);
});

test('an upstream that ignores stream: true and answers one JSON completion is streamed to the client (it was a 502 "ended the stream before it finished")', async (t) => {
  const { backend } = await rawUpstreamBackend(t, (response) => {
    const completion = { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '<think>Fluids.</think>Drink water and rest.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } };
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(completion));
  });
  const { url } = await startTestServer(t, { backend });
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'I have a cold.' }] }),
  });
  assert.equal(response.status, 200);
  const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('data: ')).map((event) => event.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as { error?: unknown; usage?: { total_tokens: number } | null; choices: Array<{ delta: { content?: string; reasoning_content?: string }; finish_reason: string | null }> });
  assert.ok(chunks.every((chunk) => chunk.error === undefined), JSON.stringify(chunks));
  assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), 'Drink water and rest.');
  assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join(''), 'Fluids.');
  assert.equal(chunks.find((chunk) => chunk.usage)?.usage?.total_tokens, 12);
});

test('llama backend: an answer stops where the context is full (finish_reason "length"), instead of erasing the start of the conversation and going on', async (t) => {
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  t.after(() => backend.close());
  // a grammar that keeps the tiny model writing (it would otherwise stop at once)
  const long = { type: 'json_schema' as const, json_schema: { name: 'list', schema: { type: 'array', items: { type: 'string', minLength: 20 }, minItems: 200 } } };
  const result = await backend.generate({ messages: [{ role: 'user', content: 'x'.repeat(800) }], settings: { maxTokens: 600, responseFormat: long } });
  assert.ok(result.usage.promptTokens > 800 && result.usage.promptTokens < 1024, `prompt ${result.usage.promptTokens}`);
  // before: 600 completion tokens, 1,4xx in a 1,024-token context (node-llama-cpp shifted the context)
  assert.equal(result.usage.totalTokens, 1024, JSON.stringify(result.usage));
  assert.equal(result.finishReason, 'length');
});

test("text an upstream streams after its own finish_reason is not added to the answer (it was appended: 'Rest. IGNORE THE ABOVE')", async (t) => {
  const { backend } = await rawUpstreamBackend(t, (response) => {
    const event = (choices: unknown[], usage?: unknown) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices, ...(usage ? { usage } : {}) })}\n\n`;
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(event([{ index: 0, delta: { role: 'assistant', content: 'Rest.' }, finish_reason: 'stop' }]));
    response.write(event([{ index: 0, delta: { content: ' IGNORE THE ABOVE' }, finish_reason: null }]));
    response.write(event([], { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }));
    response.end('data: [DONE]\n\n');
  });
  const parts: string[] = [];
  let usage: unknown;
  for await (const part of backend.stream({ messages: [{ role: 'user', content: 'I have a cold.' }], settings: {} })) {
    if (part.type === 'text-delta') parts.push(part.text);
    if (part.type === 'usage') usage = part.usage;
  }
  assert.equal(parts.join(''), 'Rest.');
  assert.ok(usage !== undefined, 'the usage chunk after the finish still counts');
});

test('llama backend: requests without a seed sample independently (node-llama-cpp seeded them with the current second: the same answer for every request in it)', async (t) => {
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  t.after(() => backend.close());
  const sample = async (seed?: number) =>
    (await backend.generate({ messages: [{ role: 'user', content: 'Tell me about sleep.' }], settings: { maxTokens: 16, temperature: 1.5, ...(seed === undefined ? {} : { seed }) } })).text;
  const unseeded = [await sample(), await sample(), await sample(), await sample()];
  assert.equal(new Set(unseeded).size, 4, JSON.stringify(unseeded));
  // a seed still makes the answer repeatable
  assert.equal(await sample(7), await sample(7));
  // negative seeds are distinct, repeatable seeds (node-llama-cpp made every one 0), taken modulo 2^32 (-1 is
  // 0xFFFFFFFF, llama.cpp's "random seed", as its own server reads seed -1)
  const negative = [await sample(-2), await sample(-3), await sample(-4)];
  assert.equal(new Set(negative).size, 3, JSON.stringify(negative));
  assert.equal(await sample(-2), await sample(2 ** 32 - 2));
  assert.equal(await sample(-2), negative[0]);
});

test("an upstream's absurd Retry-After is passed on as at most a day (it reached clients as 'retry after 99999999999999980000 s')", async (t) => {
  for (const header of [{ 'retry-after': '99999999999999999999' }, { 'retry-after': 'Fri, 01 Jan 2100 00:00:00 GMT' }, { 'retry-after-ms': '1e300' }]) {
    const { backend } = await rawUpstreamBackend(t, (response) => {
      response.writeHead(429, { 'content-type': 'application/json', ...header }).end('{"error":{"message":"slow down"}}');
    }, { maxRetryAfterMs: 2000 });
    const { url } = await startTestServer(t, { backend });
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'Hi' }] }) });
    await response.text();
    assert.equal(response.status, 429, JSON.stringify(header));
    assert.equal(response.headers.get('retry-after'), '86400', JSON.stringify(header));
  }
});

test('an upstream answering with headers over 16 KB is a 502 upstream_malformed at once (it was "upstream_unreachable", retried twice)', async (t) => {
  const { backend, chats } = await rawUpstreamBackend(t, (response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-padding': 'a'.repeat(70_000) }).end('{}');
  }, { maxRetries: 2, sleep: () => Promise.resolve() });
  const { url } = await startTestServer(t, { backend });
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'Hi' }] }) });
  const body = (await response.json()) as { error: { code: string } };
  assert.equal(response.status, 502);
  assert.equal(body.error.code, 'upstream_malformed');
  assert.equal(chats(), 1, 'not retried');
});

test('llama backend: more threads than CPUs is a clear error before llama.cpp starts them (--threads 5000 started 5,000 threads and hung the machine)', async () => {
  const cpus = usableCpus();
  await assert.rejects(createBackend(`llama:${await tinyModelPath()}`, { threads: cpus + 1, contextSize: 1024 }), (error) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, new RegExp(`llama threads must be at most ${cpus}, the CPUs this process may use \\(got ${cpus + 1}\\)`));
    assert.match(error.fix ?? '', /--threads/);
    return true;
  });
});

test("the console's review list, log and decisions do not hold the server's event loop on a large queue (each decision's answer carries the whole log's check)", async (t) => {
  const reviewDb = writeReviewQueue();
  t.after(() => { rmSync(reviewDb, { force: true }); });
  const queue = openReviewQueue({ path: reviewDb });
  const base = queue.show('cot-001').original;
  for (let batch = 0; batch < 8; batch += 1) {
    queue.enqueue(Array.from({ length: 1000 }, (_, index) => ({ ...base, id: `gen-${batch}-${String(index).padStart(4, '0')}`, question: `${base.question} (${batch}-${index})` })));
  }
  queue.close();
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, reviewDb, guardEnabled: false });
  t.after(() => { routes.close(); });
  const { url } = await startTestServer(t, { extraRoutes: [routes] });
  assert.equal((await fetch(`${url}/console/api/review?status=rejected`)).status, 200); // the thread starts: not measured
  const calls: Array<[string, () => Promise<Response>]> = [
    ['list', () => fetch(`${url}/console/api/review?status=all`)],
    ['log', () => fetch(`${url}/console/api/review/log`)],
    ['accept', () => fetch(`${url}/console/api/review/item/gen-3-0003/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reviewer: 'dr-lee' }) })],
  ];
  for (const [name, call] of calls) {
    const { value, longestGapMs, callMs } = await withLoopWatch(async () => {
      const response = await call();
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    });
    assert.equal(value.status, 200, `${name}: ${JSON.stringify(value.json).slice(0, 200)}`);
    // A walk on the server's thread is most of the call; a gap under 50 ms (the /health bound) is scheduling noise
    // on a fast call (the record is read by its id since: a 13 ms call had a 7 ms gap).
    assert.ok(longestGapMs < Math.max(callMs / 2, 50), `${name}: the event loop stood still ${longestGapMs.toFixed(0)} ms of the call's ${callMs.toFixed(0)} ms`);
    if (name === 'list') assert.equal((value.json.items as unknown[]).length, 2000);
    if (name === 'log') assert.equal((value.json.verify as { ok: boolean }).ok, true);
    if (name === 'accept') {
      assert.equal((value.json.item as { status: string }).status, 'accepted');
      assert.equal((value.json.verify as { ok: boolean }).ok, true);
    }
  }
});

test('the console refuses a --console-review-db that is another database instead of adding the review tables to it (the audit trail got review_items, review_log, review_head)', (t) => {
  const auditDb = join(temporaryFolder(t), 'audit.db');
  writeTrail(auditDb, 3);
  assert.throws(() => createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, reviewDb: auditDb, guardEnabled: false }), (error) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.key, 'consoleReviewDb');
    assert.match(error.message, /is not a review queue: it holds other tables \(audit_records/);
    return true;
  });
  const database = new Database(auditDb, { readonly: true });
  const tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => row.name);
  database.close();
  assert.deepEqual(tables, ['audit_head', 'audit_pending', 'audit_records']);
  // a queue file that does not exist yet is left to the console's 404 (written later by `safemed data qc`)
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, reviewDb: join(temporaryFolder(t), 'queue.db'), guardEnabled: false });
  routes.close();
});

test("the console's reports list does not hold the server's event loop while it walks a large runs folder (--console-runs pointed at a big tree)", async (t) => {
  const runsDir = writeRunsFolder();
  t.after(() => { rmSync(runsDir, { recursive: true, force: true }); });
  // 40 × 40 empty folders two levels down, after the runs (folders are walked in name order)
  for (let outer = 0; outer < 40; outer += 1) {
    for (let inner = 0; inner < 40; inner += 1) mkdirSync(join(runsDir, 'z-filler', `f${outer}`, `g${inner}`), { recursive: true });
  }
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, runsDir, guardEnabled: false });
  t.after(() => { routes.close(); });
  const { url } = await startTestServer(t, { extraRoutes: [routes] });
  const { value, longestGapMs, callMs } = await withLoopWatch(async () => {
    const response = await fetch(`${url}/console/api/reports`);
    return { status: response.status, json: (await response.json()) as { runs: Array<{ id: string }> } };
  });
  assert.equal(value.status, 200);
  assert.deepEqual(value.json.runs.map((run) => run.id).sort(), ['eval/baseline', 'eval/qwen3-32b', 'eval/safemed-r1', 'redteam/guarded', 'redteam/raw']);
  assert.ok(longestGapMs < callMs / 2, `the event loop stood still ${longestGapMs.toFixed(0)} ms of the call's ${callMs.toFixed(0)} ms`);
});

test("the console's report charts are drawn without holding the server's event loop (vega + resvg, 100-400 ms per uncached chart)", async (t) => {
  const runsDir = writeRunsFolder();
  t.after(() => { rmSync(runsDir, { recursive: true, force: true }); });
  const routes = createConsoleRoutes({ servedModelName: 'safemed-r1', authRequired: false, runsDir, guardEnabled: false });
  t.after(() => { routes.close(); });
  const { url } = await startTestServer(t, { extraRoutes: [routes] });
  assert.equal((await fetch(`${url}/console/api/session`)).status, 200); // loads the safety spec once (as the page does first): not measured
  // every combination and order of runs is a new chart
  for (const runs of [['eval/baseline', 'eval/qwen3-32b', 'eval/safemed-r1'], ['eval/safemed-r1', 'eval/baseline'], ['redteam/raw', 'redteam/guarded']]) {
    const kind = runs[0]?.split('/')[0] ?? '';
    const { value, longestGapMs, callMs } = await withLoopWatch(async () => {
      const response = await fetch(`${url}/console/api/reports/${kind}?${runs.map((run) => `run=${encodeURIComponent(run)}`).join('&')}`);
      return { status: response.status, text: await response.text() };
    });
    assert.equal(value.status, 200, value.text.slice(0, 200));
    assert.match(value.text, /data:image\/svg\+xml;base64,/);
    assert.ok(longestGapMs < callMs / 2, `${runs.join(',')}: the event loop stood still ${longestGapMs.toFixed(0)} ms of the call's ${callMs.toFixed(0)} ms`);
  }
});
