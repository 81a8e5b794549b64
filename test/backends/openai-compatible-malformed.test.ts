/** An upstream whose body is JSON but not a completion is the upstream's fault (502 upstream_malformed), never a crash or a 500. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createBackend } from '../../src/backends/registry.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { BackendError } from '../../src/core/errors.js';

const ask: GenerateRequest = { messages: [{ role: 'user', content: 'Is ibuprofen safe with warfarin?' }], settings: { maxTokens: 32 } };

/** An upstream that answers every chat completion with `body` (JSON) or, for a stream, with these SSE events. */
async function withRawUpstream(answer: { json?: string; events?: string[] }, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = createServer((request, response) => {
    if (!request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    request.resume();
    if (answer.events) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(answer.events.map((event) => `data: ${event}\n\n`).join(''));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(answer.json);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    await run(`http://127.0.0.1:${String(port)}/v1`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }
}

const malformed = (error: unknown): boolean => error instanceof BackendError && error.code === 'upstream_malformed' && error.status === 502;

for (const json of ['null', '"a string"', '42', '[]', '{"choices":"x"}', '{"choices":[null]}', '{"choices":[7]}', '{"choices":[]}', '{}']) {
  test(`generate: an upstream body of ${json} is a 502 upstream_malformed`, async () => {
    await withRawUpstream({ json }, async (baseUrl) => {
      const backend = await createBackend(`vllm:${baseUrl}`, { model: 'm', env: {}, maxRetries: 0 });
      try {
        await assert.rejects(backend.generate(ask), malformed);
      } finally {
        await backend.close();
      }
    });
  });
}

for (const event of ['null', '"a string"', '42']) {
  test(`stream: an event of ${event} is a 502 upstream_malformed`, async () => {
    await withRawUpstream({ events: [event, '[DONE]'] }, async (baseUrl) => {
      const backend = await createBackend(`vllm:${baseUrl}`, { model: 'm', env: {}, maxRetries: 0 });
      try {
        await assert.rejects(async () => { for await (const part of backend.stream(ask)) assert.notEqual(part.type, 'finish'); }, malformed);
      } finally {
        await backend.close();
      }
    });
  });
}

test('stream: choices that are not objects are skipped; the rest of the answer comes through', async () => {
  const delta = (content: string) => JSON.stringify({ choices: [null, 3, { index: 0, delta: { content }, finish_reason: null }] });
  await withRawUpstream({ events: [delta('Take it '), '{"choices":"x"}', delta('with food.'), '[DONE]'] }, async (baseUrl) => {
    const backend = await createBackend(`vllm:${baseUrl}`, { model: 'm', env: {}, maxRetries: 0 });
    try {
      const parts: StreamPart[] = [];
      for await (const part of backend.stream(ask)) parts.push(part);
      const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
      assert.equal(text, 'Take it with food.');
      assert.equal(parts.at(-1)?.type, 'finish');
    } finally {
      await backend.close();
    }
  });
});
