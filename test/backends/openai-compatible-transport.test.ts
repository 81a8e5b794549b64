/**
 * The openai:/vllm: transport (node:http with one keep-alive agent per backend): sockets are reused
 * across calls, close() releases them, redirects are followed like fetch did, and an upstream that
 * keeps a call's connection after a caller abort does not break later calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createBackend } from '../../src/backends/registry.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { BackendError, isAbortError } from '../../src/core/errors.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';

const ask: GenerateRequest = { messages: [{ role: 'user', content: 'Max paracetamol dose?' }], settings: { maxTokens: 16 } };

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createHttpServer(handler);
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    open: () => sockets.size,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}

const completion = JSON.stringify({
  id: 'x',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'At most 4 g a day.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
});

test('sequential generate calls and error answers reuse one keep-alive connection; close() releases it', async () => {
  let calls = 0;
  const server = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      calls += 1;
      if (calls === 3) {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(completion);
    });
  });
  try {
    const backend = await createBackend(`openai:${server.url}/v1`, { model: 'm', env: {} });
    for (let index = 0; index < 5; index += 1) {
      if (index === 2) await assert.rejects(backend.generate(ask), (error) => error instanceof BackendError && error.status === 400);
      else assert.equal((await backend.generate(ask)).text, 'At most 4 g a day.');
    }
    assert.equal(server.connections(), 1, 'one socket for all five calls');
    assert.equal(server.open(), 1);
    await backend.close();
    for (let wait = 0; wait < 100 && server.open() > 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(server.open(), 0, 'close() destroyed the pooled socket');
  } finally {
    await server.close();
  }
});

test('repeated streams complete, and an aborted stream leaves the backend usable (no stray socket error)', async () => {
  const upstream = await startScriptedUpstream(() => ({ content: 'Up to 1 g every 4-6 hours.' }));
  try {
    const backend = await createBackend(`vllm:${upstream.baseURL}`, { env: {} });
    for (let index = 0; index < 3; index += 1) {
      const parts = await collect(backend.stream(ask));
      assert.equal(parts[parts.length - 1]?.type, 'finish');
    }
    const controller = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const _part of backend.stream({ ...ask, signal: controller.signal })) controller.abort();
      })(),
      (error) => isAbortError(error),
    );
    assert.equal((await backend.generate(ask)).text, 'Up to 1 g every 4-6 hours.');
    await backend.close();
  } finally {
    await upstream.close();
  }
});

test('redirects are followed like fetch: 307/308 keep POST and body, 303 turns into GET', async () => {
  const seen: string[] = [];
  const server = await listen((request, response) => {
    let body = '';
    request.on('data', (part: Buffer) => (body += part.toString()));
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${body.length > 0 ? 'body' : 'no-body'}`);
      if (request.url === '/old/v1/chat/completions') response.writeHead(308, { location: '/v1/chat/completions' }).end();
      else if (request.url === '/old/v1/models') response.writeHead(303, { location: '/v1/models' }).end();
      else if (request.url === '/v1/models') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'listed' }] }));
      else response.writeHead(200, { 'content-type': 'application/json' }).end(completion);
    });
  });
  try {
    const backend = await createBackend(`openai:${server.url}/old/v1`, { env: {} });
    assert.equal(backend.modelId, 'listed');
    assert.equal((await backend.generate(ask)).text, 'At most 4 g a day.');
    assert.deepEqual(seen, [
      'GET /old/v1/models no-body',
      'GET /v1/models no-body',
      'POST /old/v1/chat/completions body',
      'POST /v1/chat/completions body',
    ]);
    await backend.close();
  } finally {
    await server.close();
  }
});

test('a finished stream keeps its keep-alive connection, also when the body ends a little after [DONE]', async () => {
  let calls = 0;
  // Resolved when the server has ended the current response (the next request waits for it, not for a
  // fixed delay: on a loaded machine a timer alone let the next request race the late terminator).
  let ended: () => void = () => {};
  const server = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      calls += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Four grams.' }, finish_reason: null }] })}\n\n`);
      response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      const last = 'data: [DONE]\n\n';
      if (calls % 2 === 0) response.end(last, () => { ended(); });
      else {
        response.write(last);
        setTimeout(() => response.end(() => { ended(); }), 20); // the chunked terminator comes later than [DONE]
      }
    });
  });
  try {
    const backend = await createBackend(`vllm:${server.url}/v1`, { model: 'm', env: {} });
    for (let index = 0; index < 4; index += 1) {
      const done = new Promise<void>((resolve) => { ended = resolve; });
      const parts = await collect(backend.stream(ask));
      assert.deepEqual(parts.map((part) => part.type), ['text-delta', 'finish']);
      await done;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(server.connections(), 1, 'one socket for all four streams');
    await backend.close();
  } finally {
    await server.close();
  }
});
