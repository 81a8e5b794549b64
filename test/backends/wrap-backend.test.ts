import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { wrapBackend } from '../../src/backends/wrap-backend.js';

function recordingBackend(seen: GenerateRequest[], closed: string[]): Backend {
  return {
    uri: 'test:inner',
    modelId: 'inner',
    capabilities: { streaming: true, jsonSchema: true, seed: false, reasoningChannel: false },
    generate: (request) => {
      seen.push(request);
      return Promise.resolve({ reasoning: '', text: 'inner', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] });
    },
    stream: (request) =>
      (async function* (): AsyncGenerator<StreamPart> {
        seen.push(request);
        await Promise.resolve();
        yield { type: 'text-delta', text: 'inner' };
        yield { type: 'finish', finishReason: 'stop' };
      })(),
    close: () => {
      closed.push('inner');
      return Promise.resolve();
    },
  };
}

const ask = (content: string): GenerateRequest => ({ messages: [{ role: 'user', content }], settings: {} });

test('an empty middleware passes everything through, identity and capabilities included', async () => {
  const seen: GenerateRequest[] = [];
  const closed: string[] = [];
  const inner = recordingBackend(seen, closed);
  const wrapped = wrapBackend(inner, {});
  assert.equal(wrapped.uri, 'test:inner');
  assert.equal(wrapped.modelId, 'inner');
  assert.equal(wrapped.capabilities, inner.capabilities);
  assert.equal((await wrapped.generate(ask('a'))).text, 'inner');
  const drained: unknown[] = [];
  for await (const part of wrapped.stream(ask('b'))) drained.push(part);
  assert.deepEqual(seen.map((request) => request.messages[0]?.content), ['a', 'b']);
  await wrapped.close();
  assert.deepEqual(closed, ['inner']);
});

test('transformRequest rewrites both calls; wrapGenerate / wrapStream replace them; close runs after the inner close', async () => {
  const seen: GenerateRequest[] = [];
  const closed: string[] = [];
  const wrapped = wrapBackend(recordingBackend(seen, closed), {
    transformRequest: (request, kind) => ({ ...request, messages: request.messages.map((message) => ({ ...message, content: `${kind}:${message.content}` })) }),
    wrapGenerate: async ({ request, doGenerate }) => {
      const result = await doGenerate(request);
      return { ...result, text: result.text.toUpperCase() };
    },
    wrapStream: ({ request, doStream }) =>
      (async function* () {
        yield { type: 'text-delta', text: '[' } satisfies StreamPart;
        yield* doStream(request);
      })(),
    capabilities: (capabilities) => ({ ...capabilities, jsonSchema: false }),
    close: () => {
      closed.push('middleware');
      return Promise.resolve();
    },
  });
  assert.equal((await wrapped.generate(ask('x'))).text, 'INNER');
  const parts: StreamPart[] = [];
  for await (const part of wrapped.stream(ask('y'))) parts.push(part);
  assert.deepEqual(parts.map((part) => (part.type === 'text-delta' ? part.text : part.type)), ['[', 'inner', 'finish']);
  assert.deepEqual(seen.map((request) => request.messages[0]?.content), ['generate:x', 'stream:y']);
  assert.equal(wrapped.capabilities.jsonSchema, false);
  await wrapped.close();
  assert.deepEqual(closed, ['inner', 'middleware']);
});
