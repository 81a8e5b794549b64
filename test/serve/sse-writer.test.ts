import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createSseWriter } from '../../src/serve/create-sse-writer.js';

function fakeResponse(accept = () => true) {
  const emitter = new EventEmitter() as EventEmitter & { writes: string[]; ended: string | undefined; writableEnded: boolean; destroyed: boolean; write(text: string): boolean; end(text: string): void };
  emitter.writes = [];
  emitter.ended = undefined;
  emitter.writableEnded = false;
  emitter.destroyed = false;
  emitter.write = (text: string) => {
    emitter.writes.push(text);
    return accept();
  };
  emitter.end = (text: string) => {
    emitter.ended = text;
    emitter.writableEnded = true;
  };
  return emitter;
}

test('the first event goes out at once; events within the window are held and sent together', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 1000;
  const response = fakeResponse();
  const writer = createSseWriter(response as unknown as ServerResponse, new AbortController().signal, 5, undefined, () => now);
  assert.equal(writer.write('a'), undefined);
  assert.deepEqual(response.writes, ['a']);
  now += 1;
  void writer.write('b');
  void writer.write('c');
  assert.deepEqual(response.writes, ['a'], 'held inside the window');
  t.mock.timers.tick(3);
  assert.deepEqual(response.writes, ['a'], 'still inside the window');
  now += 10;
  t.mock.timers.tick(1); // the writer's flush timer fires at the end of the 5 ms window
  assert.deepEqual(response.writes, ['a', 'bc']);
  now += 10;
  void writer.write('d');
  assert.deepEqual(response.writes, ['a', 'bc', 'd'], 'after a quiet window an event goes out at once');
  now += 1;
  void writer.write('e');
  writer.end('[END]');
  assert.equal(response.ended, 'e[END]', 'held events are sent before the tail');
});

test('coalesceMs 0 writes every event; a full socket buffer makes the writer wait for drain', async () => {
  let full = true;
  const response = fakeResponse(() => !full);
  const writer = createSseWriter(response as unknown as ServerResponse, new AbortController().signal, 0);
  const pending = writer.write('x');
  assert.ok(pending instanceof Promise, 'backpressure is reported');
  assert.ok(writer.write('y') instanceof Promise, 'later events wait too');
  full = false;
  response.emit('drain');
  await pending;
  void writer.write('z');
  assert.deepEqual(response.writes, ['x', 'yz'], 'events held during backpressure keep their order');
  writer.end('');
  assert.equal(response.ended, '');
});
