/**
 * ONE contract every backend must meet, run against every backend — the embedded llama.cpp backend
 * on the tiny GGUF (`llama:` and `hf:` over a loopback hub), the OpenAI-compatible backend on the
 * scripted upstream (`vllm:` and `openai:`) — and against every wrapper: the model-card defaults,
 * PHI redaction towards the upstream, and the guarded backend. A guarded backend also yields
 * `verdict` parts (an input verdict first, an output verdict before `finish`); the contract ignores
 * them for ordering and checks them separately.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../src/backends/registry.js';
import { withModelCardDefaults } from '../../src/backends/with-model-card-defaults.js';
import { createGuardedBackend } from '../../src/guard/create-guarded-backend.js';
import { withRedactedUpstream } from '../../src/guard/with-redacted-upstream.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { BackendError, isAbortError } from '../../src/core/errors.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { tinyModelPath } from '../support/tiny-model.js';

interface BackendUnderTest {
  backend: Backend;
  cleanup(): Promise<void>;
}

type BackendFactory = () => Promise<BackendUnderTest>;

interface ContractOptions {
  /** The backend is guarded: it yields verdict parts and fills `verdicts`. */
  guarded?: boolean;
}

const ask = (settings: GenerateRequest['settings'] = {}, signal?: AbortSignal): GenerateRequest => ({
  messages: [
    { role: 'system', content: 'You are a careful clinician.' },
    { role: 'user', content: 'What is a safe paracetamol dose?' },
  ],
  settings: { temperature: 0, maxTokens: 12, ...settings },
  ...(signal ? { signal } : {}),
});

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function textOf(parts: StreamPart[]): { reasoning: string; text: string } {
  let reasoning = '';
  let text = '';
  for (const part of parts) {
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'text-delta') text += part.text;
  }
  return { reasoning, text };
}

const withoutVerdicts = (parts: StreamPart[]): StreamPart[] => parts.filter((part) => part.type !== 'verdict');

export function runBackendContract(name: string, factory: BackendFactory, options: ContractOptions = {}): void {
  describe(`backend contract: ${name}`, () => {
    let subject: BackendUnderTest;
    before(async () => {
      subject = await factory();
    });
    after(async () => {
      await subject.cleanup();
    });

    test('declares its identity and capabilities', () => {
      const { backend } = subject;
      assert.match(backend.uri, /^[a-z]+:.+/);
      assert.ok(backend.modelId.length > 0);
      for (const key of ['streaming', 'jsonSchema', 'seed', 'reasoningChannel'] as const) assert.equal(typeof backend.capabilities[key], 'boolean');
    });

    test('generate returns text and consistent usage', async () => {
      const result = await subject.backend.generate(ask());
      assert.ok(result.text.length + result.reasoning.length > 0, 'some output');
      assert.ok(result.usage.promptTokens > 0);
      assert.ok(result.usage.completionTokens > 0);
      assert.equal(result.usage.totalTokens, result.usage.promptTokens + result.usage.completionTokens);
      assert.ok(['stop', 'length'].includes(result.finishReason));
      if (options.guarded) assert.deepEqual(result.verdicts.map((verdict) => verdict.stage), ['input', 'output']);
      else assert.deepEqual(result.verdicts, []);
    });

    test('stream yields deltas, then usage, then exactly one finish; same text as generate', async () => {
      assert.equal(subject.backend.capabilities.streaming, true);
      const all = await collect(subject.backend.stream(ask()));
      if (options.guarded) {
        assert.equal(all[0]?.type, 'verdict', 'the input verdict comes first');
        assert.equal(all.at(-2)?.type, 'verdict', 'the output verdict comes just before finish');
      } else assert.ok(!all.some((part) => part.type === 'verdict'));
      const parts = withoutVerdicts(all);
      const finishes = parts.filter((part) => part.type === 'finish');
      assert.equal(finishes.length, 1);
      assert.equal(parts[parts.length - 1]?.type, 'finish');
      const usageIndex = parts.findIndex((part) => part.type === 'usage');
      assert.ok(usageIndex > 0, 'usage after at least one delta');
      assert.ok(parts.slice(usageIndex + 1).every((part) => part.type === 'finish'), 'no delta after usage');
      assert.ok(parts.slice(0, usageIndex).every((part) => part.type === 'text-delta' || part.type === 'reasoning-delta'));
      const streamed = textOf(parts);
      const generated = await subject.backend.generate(ask());
      assert.deepEqual(streamed, { reasoning: generated.reasoning, text: generated.text });
    });

    test('abort during the stream stops it with an abort error and no finish', async () => {
      const controller = new AbortController();
      const seen: StreamPart[] = [];
      await assert.rejects(
        (async () => {
          for await (const part of subject.backend.stream(ask({ maxTokens: 400 }, controller.signal))) {
            seen.push(part);
            controller.abort();
          }
        })(),
        (error) => isAbortError(error),
      );
      assert.ok(!seen.some((part) => part.type === 'finish'));
      // the backend is still usable afterwards
      assert.ok((await subject.backend.generate(ask({ maxTokens: 4 }))).usage.completionTokens > 0);
    });

    test('an already aborted signal rejects at once', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(subject.backend.generate(ask({}, controller.signal)), (error) => isAbortError(error));
    });

    test('concurrent requests all complete', async () => {
      const results = await Promise.all([1, 2, 3].map(() => subject.backend.generate(ask({ maxTokens: 6 }))));
      assert.equal(results.length, 3);
      for (const result of results) assert.ok(result.usage.completionTokens > 0);
      assert.equal(new Set(results.map((result) => result.text)).size, 1, 'greedy decoding gives the same text');
    });

    test('jsonSchema capability: a json_schema request yields JSON', async () => {
      if (!subject.backend.capabilities.jsonSchema) return;
      const schema = { type: 'object', properties: { safe: { type: 'boolean' } }, required: ['safe'] };
      const result = await subject.backend.generate(
        ask({ maxTokens: 40, responseFormat: { type: 'json_schema', json_schema: { name: 'verdict', schema } } }),
      );
      const parsed = JSON.parse(result.text) as { safe: unknown };
      assert.equal(typeof parsed.safe, 'boolean');
    });

    test('seed capability: the same seed gives the same sampled text', async () => {
      if (!subject.backend.capabilities.seed) return;
      const settings = { temperature: 1, topK: 50, seed: 1234, maxTokens: 10 };
      const first = await subject.backend.generate(ask(settings));
      const second = await subject.backend.generate(ask(settings));
      assert.equal(first.text, second.text);
    });

    test('close works, is idempotent, and later calls fail clearly', async () => {
      const extra = await factory();
      await extra.backend.close();
      await extra.backend.close();
      await assert.rejects(extra.backend.generate(ask()), BackendError);
      await extra.cleanup();
    });
  });
}

runBackendContract('llama (tiny GGUF)', async () => {
  const path = await tinyModelPath();
  // 1 thread: on a busy 2-core machine, 2 threads made the tiny model ~30x slower (measured: 44 ms vs 1,352 ms for 100 tokens)
  const backend = await createBackend(`llama:${path}`, { threads: 1, contextSize: 1024 });
  return { backend, cleanup: () => backend.close() };
});

runBackendContract('vllm (scripted upstream)', async () => {
  const upstream = await startScriptedUpstream(({ body }) => {
    const structured = body.structured_outputs ?? body.response_format;
    if (structured) return { content: '{"safe": true}' };
    // a deterministic "sampler": the reply depends on the seed only
    const seed = typeof body.seed === 'number' ? ` (seed ${body.seed})` : '';
    return {
      reasoning: 'Adults: at most 4 g a day.',
      content: `Up to 1 g every 4-6 hours${seed}.`,
      chunks: undefined,
      usage: { prompt_tokens: 20, completion_tokens: 9 },
    };
  });
  const backend = await createBackend(`vllm:${upstream.baseURL}`, { env: {} });
  return {
    backend,
    cleanup: async () => {
      await backend.close();
      await upstream.close();
    },
  };
});

/** A scripted OpenAI-compatible upstream behind a backend URI scheme; `wrap` applies a wrapper. */
function scriptedSubject(scheme: 'vllm' | 'openai', wrap: (backend: Backend) => Backend = (backend) => backend): BackendFactory {
  return async () => {
    const upstream = await startScriptedUpstream(({ body }) => {
      const structured = body.structured_outputs ?? body.response_format;
      if (structured) return { content: '{"safe": true}' };
      const seed = typeof body.seed === 'number' ? ` (seed ${body.seed})` : '';
      return { reasoning: 'Adults: at most 4 g a day.', content: `Up to 1 g every 4-6 hours${seed}.`, usage: { prompt_tokens: 20, completion_tokens: 9 } };
    });
    const inner = await createBackend(`${scheme}:${upstream.baseURL}`, { env: {} });
    const backend = wrap(inner);
    return {
      backend,
      cleanup: async () => {
        await backend.close();
        await upstream.close();
      },
    };
  };
}

runBackendContract('openai (scripted upstream)', scriptedSubject('openai'));
runBackendContract('withModelCardDefaults(vllm)', scriptedSubject('vllm', (backend) => withModelCardDefaults(backend)));
runBackendContract('withRedactedUpstream(vllm)', scriptedSubject('vllm', (backend) => withRedactedUpstream(backend)));
runBackendContract('guarded(withModelCardDefaults(vllm))', scriptedSubject('vllm', (backend) => createGuardedBackend(withModelCardDefaults(backend))), { guarded: true });

runBackendContract('hf (tiny GGUF from a loopback hub)', async () => {
  const model = await readFile(await tinyModelPath());
  const hub = createServer((request, response) => {
    if (request.url === '/someone/tiny-GGUF/resolve/main/tiny.gguf') {
      response.writeHead(200, { 'content-length': String(model.length), 'content-type': 'application/octet-stream' });
      response.end(model);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  const { port } = hub.address() as { port: number };
  const cacheDir = await mkdtemp(join(tmpdir(), 'safemed-hf-contract-'));
  const backend = await createBackend('hf:someone/tiny-GGUF/tiny.gguf', { cacheDir, hfEndpoint: `http://127.0.0.1:${port}`, threads: 1, contextSize: 1024 });
  return {
    backend,
    cleanup: async () => {
      await backend.close();
      await new Promise((resolve) => hub.close(resolve));
    },
  };
});
