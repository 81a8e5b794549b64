import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, listBackendSchemes } from '../../src/backends/registry.js';
import { inspectGgufFile } from '../../src/backends/llama/inspect-gguf-file.js';
import { ConfigError } from '../../src/core/errors.js';
import { tinyModelPath } from '../support/tiny-model.js';

const ask = { messages: [{ role: 'user' as const, content: 'hello' }], settings: { temperature: 0, maxTokens: 8 } };

test('unknown scheme lists the known schemes', async () => {
  assert.deepEqual(listBackendSchemes(), ['hf', 'llama', 'openai', 'vllm']);
  await assert.rejects(createBackend('ollama:http://x'), (error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /Unknown backend scheme "ollama:".*hf, llama, openai, vllm/);
    assert.ok(error.fix?.includes('llama:'));
    return true;
  });
  await assert.rejects(createBackend('model.gguf'), (error) => error instanceof ConfigError && /no backend scheme/.test(error.message));
  await assert.rejects(createBackend('llama:'), (error) => error instanceof ConfigError && /no target/.test(error.message));
});

test('malformed GGUF files fail with a clear ConfigError and the process survives to load a good one', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'safemed-bad-gguf-'));
  const good = await readFile(await tinyModelPath());
  const cases: Array<[string, Buffer | string, RegExp]> = [
    ['missing.gguf', '', /does not exist/],
    ['text.gguf', 'this is not a model', /not a GGUF file/],
    ['header-only.gguf', good.subarray(0, 100), /lacks required GGUF metadata|damaged/],
    ['truncated.gguf', good.subarray(0, good.length - 64), /truncated/],
  ];
  for (const [name, content, pattern] of cases) {
    const path = join(directory, name);
    if (name !== 'missing.gguf') await writeFile(path, content);
    await assert.rejects(createBackend(`llama:${path}`, { threads: 1 }), (error) => {
      assert.ok(error instanceof ConfigError, `${name}: ${String(error)}`);
      assert.match(error.message, pattern);
      assert.ok(error.fix, 'has a fix');
      return true;
    });
  }
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  try {
    assert.ok((await backend.generate(ask)).usage.completionTokens > 0);
  } finally {
    await backend.close();
  }
});

test('context size below 1024 is refused before loading', async () => {
  await assert.rejects(createBackend(`llama:${await tinyModelPath()}`, { contextSize: 512 }), (error) => error instanceof ConfigError && error.key === 'contextSize');
});

test('inspectGgufFile reads the tiny model metadata', async () => {
  const summary = await inspectGgufFile(await tinyModelPath());
  assert.deepEqual(
    [summary.architecture, summary.blockCount, summary.embeddingLength, summary.contextLength, summary.hasChatTemplate, summary.ggufVersion, summary.tokenizerModel],
    ['llama', 2, 64, 4096, true, 3, 'gpt2'],
  );
  assert.ok(summary.vocabularySize > 280 && summary.vocabularySize < 300);
});

test('llama settings: maxTokens → length, stop strings, json_object grammar, usage counts', async () => {
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  try {
    const long = await backend.generate({ ...ask, settings: { temperature: 0, maxTokens: 5 } });
    assert.equal(long.finishReason, 'length');
    assert.equal(long.usage.completionTokens, 5);
    const reference = await backend.generate({ ...ask, settings: { temperature: 0, maxTokens: 30 } });
    const visible = reference.text.replace(/[^a-z]/g, '');
    assert.ok(visible.length >= 2, `needs some letters to cut at: ${JSON.stringify(reference.text)}`);
    const stopAt = reference.text.slice(reference.text.indexOf(visible[1] as string), reference.text.indexOf(visible[1] as string) + 1);
    const stopped = await backend.generate({ ...ask, settings: { temperature: 0, maxTokens: 30, stop: [stopAt] } });
    assert.equal(stopped.finishReason, 'stop');
    assert.ok(!stopped.text.includes(stopAt), 'output ends before the stop string');
    assert.ok(reference.text.startsWith(stopped.text.trim().slice(0, 1)));
    const json = await backend.generate({ ...ask, settings: { temperature: 0, maxTokens: 60, responseFormat: { type: 'json_object' } } });
    // the random model may write one endless JSON string; the grammar still forces JSON syntax
    assert.match(json.text, /^\s*[{[]/);
    if (json.finishReason === 'stop') assert.doesNotThrow(() => JSON.parse(json.text), json.text);
    const penalised = await backend.generate({ ...ask, settings: { temperature: 0, maxTokens: 30, repetitionPenalty: 1.5 } });
    assert.notEqual(penalised.text, reference.text, 'repetition penalty changes greedy output');
  } finally {
    await backend.close();
  }
});

test('a prompt longer than the context is a 400 context_length_exceeded, not a silent truncation', async (t) => {
  const { InvalidRequestError } = await import('../../src/core/errors.js');
  const backend = await createBackend(`llama:${await tinyModelPath()}`, { threads: 1, contextSize: 1024 });
  t.after(() => backend.close());
  const long = 'word '.repeat(3000);
  for (const run of [() => backend.generate({ messages: [{ role: 'user', content: long }], settings: { maxTokens: 4 } }), async () => {
    for await (const _part of backend.stream({ messages: [{ role: 'user', content: long }], settings: { maxTokens: 4 } }));
  }]) {
    await assert.rejects(run(), (error: unknown) => error instanceof InvalidRequestError && error.status === 400 && error.code === 'context_length_exceeded');
  }
  // the backend still answers a prompt that fits
  const ok = await backend.generate({ messages: [{ role: 'user', content: 'hi' }], settings: { maxTokens: 4 } });
  assert.ok(ok.usage.promptTokens > 0 && ok.usage.promptTokens < 1024);
});
