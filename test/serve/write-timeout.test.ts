/**
 * A client that stops reading is disconnected after the write timeout (issue 8: a client that never
 * reads its response held its connection, and --max-connections such clients denied service), while a
 * slow reader that keeps taking bytes and a model that thinks long before its first byte are not cut.
 * Real sockets on 127.0.0.1:0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createSafemedServer, type SafemedServerOptions } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend } from './scripted-backend.js';

type After = { after(fn: () => unknown): void };

async function start(t: After, options: Partial<SafemedServerOptions> & Pick<SafemedServerOptions, 'backend'>) {
  const server = createSafemedServer({ servedModelName: 'safemed-r1', port: 0, ...options });
  const { url, port } = await server.listen();
  t.after(() => server.close());
  return { url, port, server };
}

/** Sends a chat request on a raw socket that then reads nothing (paused). */
async function neverReading(port: number, body: Record<string, unknown>): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const text = JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hello' }], ...body });
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.pause();
  socket.on('error', () => {});
  return socket;
}

/**
 * Waits (up to 15 s) for the server to count a client that stopped reading, then reads what the paused
 * socket holds: true when the server had closed the connection before the whole answer was sent.
 */
async function cutByServer(socket: Socket, metrics: () => string, fullBytes: number): Promise<boolean> {
  const deadline = performance.now() + 15_000;
  while (!metrics().includes('client_stopped_reading') && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!metrics().includes('client_stopped_reading')) return false;
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  const closed = once(socket, 'close');
  socket.resume();
  await closed;
  return received < fullBytes;
}

test('a non-streamed answer the client never reads: the connection is closed after the write timeout', async (t) => {
  const backend = createScriptedBackend(() => ({ text: 'x'.repeat(24 * 1024 * 1024) }));
  const { port, server } = await start(t, { backend, writeTimeoutMs: 300, maxAnswerChars: 64 * 1024 * 1024 });
  const socket = await neverReading(port, {});
  t.after(() => socket.destroy());
  // without the watch the connection stays open until the client gives up (forever for this one)
  assert.equal(await cutByServer(socket, () => server.metrics.render(), 24 * 1024 * 1024), true, 'the server closed the stalled connection');
  assert.match(server.metrics.render(), /safemed_errors_total\{type="client_stopped_reading"\} 1/);
});

test('a stream the client stopped reading is cut', async (t) => {
  const backend = createScriptedBackend(() => ({ text: 'abc'.repeat(200_000) }));
  const { port, server } = await start(t, { backend, writeTimeoutMs: 300, streamCoalesceMs: 0 });
  const socket = await neverReading(port, { stream: true });
  t.after(() => socket.destroy());
  assert.equal(await cutByServer(socket, () => server.metrics.render(), 200_000 * 100), true, 'the server closed the stalled stream');
});

test('a slow reader that keeps taking bytes and a model slow to its first byte are not cut', async (t) => {
  let release: () => void = () => {};
  const thinking = new Promise<void>((resolve) => { release = resolve; });
  const backend = createScriptedBackend((request) => (request.messages.at(-1)?.content === 'think' ? { text: 'done', gate: () => thinking } : { text: 'y'.repeat(6 * 1024 * 1024) }));
  const { url, port } = await start(t, { backend, writeTimeoutMs: 2_000, maxAnswerChars: 64 * 1024 * 1024 });
  // the model "thinks" for 5 s (more than twice the write timeout) before its first byte
  const slowStart = fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', stream: true, messages: [{ role: 'user', content: 'think' }] }),
  });
  setTimeout(release, 5_000);
  // a reader that takes a little every 10 ms (the kernel's buffers move in steps of up to a few MB)
  const socket = await neverReading(port, {});
  t.after(() => socket.destroy());
  let received = 0;
  let done = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    socket.pause();
    setTimeout(() => { if (!done) socket.resume(); }, 10);
  });
  socket.resume();
  while (received < 6 * 1024 * 1024 && !socket.destroyed) await new Promise((resolve) => setTimeout(resolve, 50));
  done = true;
  assert.ok(received >= 6 * 1024 * 1024, `the slow reader got its whole answer (${received} bytes)`);
  const streamed = await slowStart;
  assert.equal(streamed.status, 200);
  const events = await streamed.text();
  assert.match(events, /"content":"don"/);
  assert.match(events, /data: \[DONE\]/);
});
