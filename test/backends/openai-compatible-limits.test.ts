import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readSseEvents } from '../../src/backends/openai-compatible/read-sse-events.js';
import { createBackend } from '../../src/backends/registry.js';
import { BackendError } from '../../src/core/errors.js';

// eslint-disable-next-line @typescript-eslint/require-await -- an AsyncIterable body (what readSseEvents reads) with nothing to await
async function* chunks(parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

test('the SSE reader splits events across chunk boundaries (\\n\\n, \\r\\n\\r\\n, mixed)', async () => {
  const events: string[] = [];
  for await (const data of readSseEvents(chunks(['data: a\n', '\ndata: b\r', '\n\r\ndata: c\r\n', '\ndata: d\n\n', 'data: e']))) events.push(data);
  assert.deepEqual(events, ['a', 'b', 'c', 'd', 'e']);
});

test('an SSE event without a separator past the cap fails with a BackendError, in linear time', async () => {
  const piece = 'x'.repeat(64 * 1024);
  const started = performance.now();
  await assert.rejects(
    (async () => {
      for await (const _data of readSseEvents(chunks(['data: ', ...Array.from({ length: 80 }, () => piece)]), { maxEventChars: 4 * 1024 * 1024 }));
    })(),
    (error: unknown) => error instanceof BackendError && error.code === 'upstream_event_too_large',
  );
  const elapsed = performance.now() - started;
  // 5 MB scanned once: well under a second even on a loaded machine (a rescanning reader takes minutes).
  assert.ok(elapsed < 5000, `${elapsed.toFixed(0)} ms`);
});

test('a non-streamed upstream answer beyond the body cap is a 502-class BackendError, not an out-of-memory', async (t) => {
  const server = createServer((request, response) => {
    if (request.url?.endsWith('/models')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[{"id":"m"}]}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    const block = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 80 && response.write(block)) sent += 1;
      if (sent < 80) response.once('drain', pump);
      else response.end();
    };
    response.write('{"choices":[{"message":{"content":"');
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  server.on('connection', (socket) => { t.after(() => socket.destroy()); });
  const backend = await createBackend(`openai:http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, { maxRetries: 0 });
  t.after(() => backend.close());
  await assert.rejects(backend.generate({ messages: [{ role: 'user', content: 'q' }], settings: {} }), (error: unknown) => error instanceof BackendError && error.code === 'answer_too_large');
});
