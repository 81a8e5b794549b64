/**
 * Issue 8, sixth probing round: `safemed chat --server` against a hostile server, `model pull` against a
 * stalling one and run twice at once, TLS servers nobody trusts. Each test fails on the code before its fix. Real sockets on 127.0.0.1:0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHfModel } from '../../src/backends/llama/resolve-hf-model.js';
import { createServerSession } from '../../src/cli/chat/ask-server.js';
import { runChat } from '../../src/cli/chat/run-chat.js';
import { reportCliError } from '../../src/cli/report-cli-error.js';
import { BackendError } from '../../src/core/errors.js';
import { HAS_OPENSSL, startSelfSignedServer } from '../support/self-signed-server.js';

type After = { after(fn: () => unknown): void };

/** A server that answers every chat request with `answer` (streamed or not), and GET /models with a 404. */
async function startHostileServer(t: After, answer: (response: ServerResponse, stream: boolean, messages: number) => void) {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      if (request.method === 'GET') {
        // no model list
        response.writeHead(404, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ error: { message: 'Not Found' } }));
      }
      const parsed = JSON.parse(body) as { stream?: boolean; messages?: unknown[] };
      answer(response, parsed.stream === true, parsed.messages?.length ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const callbacks = { onReasoning: () => undefined, onAnswer: () => undefined };

test('chat --server stops reading an answer longer than its limit instead of keeping all of it (probing round 6)', async (t) => {
  const limit = 10_000;
  let streamed = 0;
  const url = await startHostileServer(t, (response, stream) => {
    if (!stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ choices: [{ index: 0, message: { content: 'z'.repeat(2_000_000) }, finish_reason: 'stop' }] }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const event = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'y'.repeat(1000) } }] })}\n\n`;
    // 20 MB in all, then [DONE]: the old client read all of it and returned a 20,000,000-character answer
    const write = () => {
      while (streamed < 20_000 && !response.destroyed) {
        streamed += 1;
        if (!response.write(event)) {
          response.once('drain', write);
          return;
        }
      }
      if (!response.destroyed) response.end('data: [DONE]\n\n');
    };
    write();
  });
  for (const stream of [true, false]) {
    const session = await createServerSession({ server: url, apiKey: undefined, servedModelName: 'm', stream, settings: {}, maxAnswerChars: limit });
    t.after(() => session.close());
    await assert.rejects(session.ask([{ role: 'user', content: 'hi' }], callbacks, new AbortController().signal), (error: unknown) => {
      assert.ok(error instanceof BackendError, String(error));
      assert.equal(error.code, 'answer_too_large');
      assert.match(error.message, /longer than 10000 characters; the rest was not read/);
      assert.match(error.fix ?? '', /--max-tokens/);
      return true;
    });
  }
  // the stream was cut long before its end (the socket buffers hold a few hundred KB at most)
  assert.ok(streamed < 20_000, `the client read all ${streamed} events`);
});

test('model pull: a download that stalls after its headers says it stalled, not "no answer within the connect timeout" (probing round 6)', async (t) => {
  // a server that sends a GGUF's first bytes and then nothing
  const stall = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
    response.write('GGUF');
  });
  await new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve));
  t.after(() => { stall.closeAllConnections(); stall.close(); });
  const cacheDir = mkdtempSync(join(tmpdir(), 'safemed-pull-6-'));
  t.after(() => { rmSync(cacheDir, { recursive: true, force: true }); });
  await assert.rejects(
    resolveHfModel('hf:someone/model/tiny.gguf', { cacheDir, hfEndpoint: `http://127.0.0.1:${(stall.address() as AddressInfo).port}`, idleTimeoutMs: 300 }),
    (error: unknown) => {
      assert.ok(error instanceof BackendError, String(error));
      assert.match(error.message, /interrupted after 4 bytes: the server sent nothing for 0\.3 s/);
      assert.doesNotMatch(error.message, /connect timeout/);
      return true;
    },
  );
});

test('chat --server: a hostile server\'s error message reaches the terminal with its control characters shown, not acted on (probing round 6)', async (t) => {
  const evil = '\u001b]0;PWNED\u0007\u001b[2J\u001b[31mFAKE: all good\u001b[0m\u009b2J';
  const url = await startHostileServer(t, (response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: evil } }));
  });
  const session = await createServerSession({ server: url, apiKey: undefined, servedModelName: 'm', stream: false, settings: {} });
  t.after(() => session.close());
  const error = await session.ask([{ role: 'user', content: 'hi' }], callbacks, new AbortController().signal).then(() => undefined, (caught: unknown) => caught);
  const lines: string[] = [];
  assert.equal(reportCliError(error, (line) => lines.push(line)), 1);
  const printed = lines.join('\n');
  assert.match(printed, /answered 400: \\x1b\]0;PWNED\\x07\\x1b\[2J/);
  assert.doesNotMatch(printed, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u, JSON.stringify(printed));
});

test('model pull: two pulls of one model at once download it once and both get the file; a lock left by a dead process is taken over (probing round 6)', async (t) => {
  const gguf = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(200_000, 7)]);
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(gguf.length) });
    let offset = 0;
    const step = () => {
      if (offset >= gguf.length) return void response.end();
      response.write(gguf.subarray(offset, offset + 20_000));
      offset += 20_000;
      setTimeout(step, 10);
    };
    step();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  const hfEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cacheDir = mkdtempSync(join(tmpdir(), 'safemed-pull-6-'));
  t.after(() => { rmSync(cacheDir, { recursive: true, force: true }); });
  // the old code: both wrote one .partial file; the second rename failed with ENOENT
  const waits: string[] = [];
  const onWait = (event: { label: string; holder: string }) => { waits.push(`${event.label} ${event.holder}`); };
  const paths = await Promise.all([resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint, onWait }), resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint, onWait })]);
  assert.equal(paths[0], paths[1]);
  assert.equal(requests, 1);
  assert.deepEqual(waits, [`hf:u/r/m.gguf ${hostname()}:${process.pid}`], 'the one that waits says so');
  assert.ok(readFileSync(paths[0]).equals(gguf));
  assert.deepEqual(readdirSync(join(cacheDir, 'u', 'r')), ['m.gguf'], 'no lock or partial file left');
  // a lock whose process is gone does not hold the next pull
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(join(cacheDir, 'u', 'r', 'n.gguf.lock'), `${hostname()}:${gone}`);
  const started = Date.now();
  await resolveHfModel('u/r/n.gguf', { cacheDir, hfEndpoint });
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(readdirSync(join(cacheDir, 'u', 'r')).sort(), ['m.gguf', 'n.gguf']);
});

test('a server whose TLS certificate is not trusted is said so, with the fix (it was "Cannot reach the server" / "network unreachable") (probing round 6)', { skip: !HAS_OPENSSL }, async (t) => {
  const port = await startSelfSignedServer(t);
  const folder = mkdtempSync(join(tmpdir(), 'safemed-tls-6-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const untrusted = (error: unknown) => {
    assert.ok(error instanceof BackendError, String(error));
    assert.match(error.message, /The TLS certificate of https:\/\/localhost:\d+\/\S+ is not signed by a certificate authority this machine trusts \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.match(error.fix ?? '', /NODE_EXTRA_CA_CERTS/);
    return true;
  };
  await assert.rejects(createServerSession({ server: `https://localhost:${port}`, apiKey: undefined, servedModelName: undefined, stream: false, settings: {} }), untrusted);
  const cacheDir = join(folder, 'cache');
  await assert.rejects(resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint: `https://localhost:${port}` }), untrusted);
});

test('model pull behind a proxy variable it does not use says so in the fix (probing round 6)', async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const cacheDir = mkdtempSync(join(tmpdir(), 'safemed-pull-6-'));
  t.after(() => { rmSync(cacheDir, { recursive: true, force: true }); });
  const pull = (env: Record<string, string>) => resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint: `http://127.0.0.1:${port}`, env }).then(() => undefined, (error: unknown) => error as BackendError);
  assert.match((await pull({ HTTPS_PROXY: 'http://proxy.example:3128' }))?.fix ?? '', /\$HTTPS_PROXY is set, but SafeMed connects directly .*download the file through the proxy\.$/);
  assert.doesNotMatch((await pull({}))?.fix ?? '', /PROXY/);
});

test('a chat session reports a failed answer and goes on with the conversation so far; the exit says it failed (probing round 6)', async (t) => {
  let calls = 0;
  const sizes: number[] = [];
  const url = await startHostileServer(t, (response, _stream, messages) => {
    calls += 1;
    sizes.push(messages);
    response.setHeader('content-type', 'application/json');
    if (calls <= 2) {
      response.statusCode = 503;
      return void response.end(JSON.stringify({ error: { message: 'overloaded' } }));
    }
    response.end(JSON.stringify({ choices: [{ index: 0, message: { content: `answer ${calls}` }, finish_reason: 'stop' }] }));
  });
  // the transport retries a 503 once (calls 1 and 2 fail): the first question fails for good, the next ones are answered
  const out: string[] = [];
  const errors: string[] = [];
  const io = { input: Readable.from(['first\nsecond\nthird\n']), write: (text: string) => { out.push(text); }, interactive: false, styled: false, writeError: (text: string) => { errors.push(text); } };
  const session = runChat(undefined, { server: url, servedModelName: 'm', stream: false, guard: 'off' }, io);
  await assert.rejects(session, /1 of 3 answers failed/);
  assert.match(errors.join(''), /answered 503: overloaded/);
  const printed = out.join('');
  assert.match(printed, /answer 3/);
  assert.match(printed, /answer 4/);
  // the failed question is not in the conversation: second alone, then second, its answer and third
  assert.deepEqual(sizes, [1, 1, 1, 3]);
});

test('chat --server: a server that answers a stream request with one JSON completion is read, a cut stream is an error, a missing model list names --served-model-name (probing round 6)', async (t) => {
  let mode: 'json' | 'cut' = 'json';
  const url = await startHostileServer(t, (response) => {
    if (mode === 'json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ choices: [{ index: 0, message: { content: '<think>Fluids.</think>Drink water.' }, finish_reason: 'stop' }] }));
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Take 5' } }] })}\n\n`);
  });
  const session = await createServerSession({ server: url, apiKey: undefined, servedModelName: 'm', stream: true, settings: {} });
  t.after(() => session.close());
  const ask = () => session.ask([{ role: 'user', content: 'hi' }], callbacks, new AbortController().signal);
  // it was read as an event stream without events: an empty answer, exit 0
  const answer = await ask();
  assert.deepEqual([answer.reasoning, answer.answer, answer.finish_reason], ['Fluids.', 'Drink water.', 'stop']);
  mode = 'cut';
  await assert.rejects(ask(), /ended the answer before it finished/);
  // a server without GET /models: the fix named --model (the backend URI flag)
  const listless = await startHostileServer(t, () => undefined);
  await assert.rejects(createServerSession({ server: `${listless}/nothing-here`, apiKey: undefined, servedModelName: undefined, stream: true, settings: {} }), (error: unknown) => {
    assert.ok(error instanceof BackendError, String(error));
    assert.match(error.message, /does not list its models \(HTTP 404 on \/models\)/);
    assert.match(error.fix ?? '', /--served-model-name/);
    return true;
  });
});

test('model pull: $HF_TOKEN with a trailing CR is trimmed, one an HTTP header cannot carry is named (it was "network unreachable: ERR_INVALID_CHAR") (probing round 6)', async (t) => {
  const seen: Array<string | undefined> = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '8' });
    response.end('GGUFtiny');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  const hfEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cacheDir = mkdtempSync(join(tmpdir(), 'safemed-pull-6-'));
  t.after(() => { rmSync(cacheDir, { recursive: true, force: true }); });
  await resolveHfModel('u/r/m.gguf', { cacheDir, hfEndpoint, env: { HF_TOKEN: 'hf_abc\r' } });
  assert.deepEqual(seen, ['Bearer hf_abc']);
  await assert.rejects(resolveHfModel('u/r/n.gguf', { cacheDir, hfEndpoint, env: { HF_TOKEN: 'hf\u2013abc' } }), /\$HF_TOKEN holds a character an HTTP header cannot carry/);
});

test('a chat session whose conversation outgrew the context says /reset starts a new one, and /reset does (probing round 6)', async (t) => {
  const sizes: number[] = [];
  const url = await startHostileServer(t, (response, _stream, messages) => {
    sizes.push(messages);
    response.setHeader('content-type', 'application/json');
    if (messages >= 3) {
      response.statusCode = 400;
      return void response.end(JSON.stringify({ error: { message: "This model's maximum context length is 1024 tokens.", code: 'context_length_exceeded' } }));
    }
    response.end(JSON.stringify({ choices: [{ index: 0, message: { content: 'fine' }, finish_reason: 'stop' }] }));
  });
  const errors: string[] = [];
  const io = { input: Readable.from(['first\nsecond\n/reset\nthird\n']), write: () => undefined, interactive: false, styled: false, writeError: (text: string) => { errors.push(text); } };
  // every question after the overflow failed the same way, with "Shorten the conversation" and no way to
  await assert.rejects(runChat(undefined, { server: url, servedModelName: 'm', stream: false, guard: 'off' }, io), /1 of 3 answers failed/);
  assert.match(errors.join(''), /\/reset starts a new one/);
  assert.deepEqual(sizes, [1, 3, 1]);
});
