import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withModelCardDefaults } from '../../src/backends/with-model-card-defaults.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { MODEL_CARD_SYSTEM_PROMPT } from '../../src/core/defaults.js';

function recordingBackend(seen: GenerateRequest[]): Backend {
  return {
    uri: 'test:recording',
    modelId: 'recording',
    capabilities: { streaming: true, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: (request) => {
      seen.push(request);
      return Promise.resolve({ reasoning: '', text: 'ok', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] });
    },
    stream: (request) =>
      // eslint-disable-next-line @typescript-eslint/require-await -- a fake of Backend.stream (an AsyncIterable) with nothing to await
      (async function* (): AsyncGenerator<StreamPart> {
        seen.push(request);
        yield { type: 'finish', finishReason: 'stop' };
      })(),
    close: async () => {},
  };
}

test('adds the model card system prompt and settings only where unset', async () => {
  const seen: GenerateRequest[] = [];
  const backend = withModelCardDefaults(recordingBackend(seen));
  await backend.generate({ messages: [{ role: 'user', content: 'q' }], settings: { temperature: 0.7 } });
  assert.deepEqual(seen[0]?.messages, [
    { role: 'system', content: MODEL_CARD_SYSTEM_PROMPT },
    { role: 'user', content: 'q' },
  ]);
  assert.deepEqual(seen[0].settings, { temperature: 0.7, topP: 0.95, maxTokens: 2048 });
  const drained: unknown[] = [];
  for await (const part of backend.stream({ messages: [{ role: 'system', content: 'mine' }, { role: 'user', content: 'q' }], settings: {} })) drained.push(part);
  assert.deepEqual(seen[1]?.messages.map((message) => message.content), ['mine', 'q'], 'an existing system message is kept alone');
  assert.deepEqual(seen[1].settings, { temperature: 0, topP: 0.95, maxTokens: 2048 });
  assert.equal(backend.uri, 'test:recording');
});

test('systemPrompt null never adds one; custom prompt and generation overrides', async () => {
  const seen: GenerateRequest[] = [];
  await withModelCardDefaults(recordingBackend(seen), { systemPrompt: null }).generate({ messages: [{ role: 'user', content: 'q' }], settings: {} });
  assert.equal(seen[0]?.messages.length, 1);
  await withModelCardDefaults(recordingBackend(seen), { systemPrompt: 'Be brief.', generation: { maxTokens: 64 } }).generate({
    messages: [{ role: 'user', content: 'q' }],
    settings: {},
  });
  assert.equal(seen[1]?.messages[0]?.content, 'Be brief.');
  assert.equal(seen[1].settings.maxTokens, 64);
});
