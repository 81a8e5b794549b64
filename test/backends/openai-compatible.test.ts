import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { createBackend } from '../../src/backends/registry.js';
import type { CreateBackendOptions } from '../../src/backends/registry.js';
import { collectReasoning } from '../../src/backends/reasoning-normalizer.js';
import type { Backend } from '../../src/core/backend.js';
import type { GenerateRequest, StreamPart } from '../../src/core/chat.js';
import { BackendError, ConfigError, TimeoutError } from '../../src/core/errors.js';
import { startScriptedUpstream, type Responder } from '../support/scripted-upstream.js';

const ask: GenerateRequest = { messages: [{ role: 'user', content: 'Is ibuprofen safe with warfarin?' }], settings: { maxTokens: 32 } };

async function withUpstream(
  responder: Responder,
  run: (backend: Backend, upstream: Awaited<ReturnType<typeof startScriptedUpstream>>, sleeps: number[]) => Promise<void>,
  options: CreateBackendOptions & { scheme?: 'openai' | 'vllm' } = {},
) {
  const upstream = await startScriptedUpstream(responder);
  const sleeps: number[] = [];
  const backend = await createBackend(`${options.scheme ?? 'vllm'}:${upstream.baseURL}`, {
    env: {},
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  try {
    await run(backend, upstream, sleeps);
  } finally {
    await backend.close();
    await upstream.close();
  }
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const styles = [
  { name: 'think tags in content', reply: { content: '<think>Both affect bleeding.</think><answer>Avoid the combination.</answer>' } },
  { name: 'reasoning (vLLM)', reply: { reasoning: 'Both affect bleeding.', reasoningField: 'reasoning' as const, content: 'Avoid the combination.' } },
  { name: 'reasoning_content (older vLLM)', reply: { reasoning: 'Both affect bleeding.', reasoningField: 'reasoning_content' as const, content: 'Avoid the combination.' } },
  { name: 'thinking (Ollama)', reply: { reasoning: 'Both affect bleeding.', reasoningField: 'thinking' as const, content: 'Avoid the combination.' } },
];

for (const style of styles) {
  test(`reasoning split, ${style.name}: generate and stream`, async () => {
    await withUpstream(
      () => style.reply,
      async (backend) => {
        const result = await backend.generate(ask);
        assert.equal(result.reasoning, 'Both affect bleeding.');
        assert.equal(result.text, 'Avoid the combination.');
        const parts = await collect(backend.stream(ask));
        assert.deepEqual(collectReasoning(parts), { reasoning: 'Both affect bleeding.', answer: 'Avoid the combination.' });
        assert.deepEqual(parts[parts.length - 1], { type: 'finish', finishReason: 'stop' });
        assert.equal(parts[parts.length - 2]?.type, 'usage');
      },
    );
  });
}

test('think tags split across SSE chunks', async () => {
  await withUpstream(
    () => ({ content: '<think>ab</think><answer>cd</answer>', chunks: ['<thi', 'nk>a', 'b</th', 'ink><', 'answer', '>c', 'd</ans', 'wer>'] }),
    async (backend) => {
      const parts = await collect(backend.stream(ask));
      assert.deepEqual(collectReasoning(parts), { reasoning: 'ab', answer: 'cd' });
      assert.ok(parts.every((part) => !('text' in part) || !part.text.includes('<')));
    },
  );
});

test('vLLM with thinking off: answer in the reasoning field and content null becomes the answer', async () => {
  await withUpstream(
    () => ({ reasoning: 'Paracetamol 500 mg.', content: null }),
    async (backend) => {
      const settings = { chatTemplateKwargs: { enable_thinking: false } };
      const result = await backend.generate({ ...ask, settings });
      assert.deepEqual([result.reasoning, result.text], ['', 'Paracetamol 500 mg.']);
      const parts = await collect(backend.stream({ ...ask, settings }));
      assert.deepEqual(collectReasoning(parts), { reasoning: '', answer: 'Paracetamol 500 mg.' });
    },
  );
});

test('settings are forwarded; vllm: sends structured_outputs, openai: response_format, guided form configurable', async () => {
  const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
  const settings = {
    temperature: 0.3,
    topP: 0.9,
    topK: 20,
    minP: 0.05,
    repetitionPenalty: 1.1,
    maxTokens: 64,
    stop: ['END'],
    seed: 7,
    chatTemplateKwargs: { enable_thinking: false },
    extraBody: { include_reasoning: true },
    responseFormat: { type: 'json_schema' as const, json_schema: { name: 'x', schema } },
  };
  for (const [scheme, structuredOutputs, expected] of [
    ['vllm', undefined, { structured_outputs: { json: schema } }],
    ['vllm', 'guided', { guided_json: schema }],
    ['openai', undefined, { response_format: settings.responseFormat }],
  ] as const) {
    await withUpstream(
      () => ({ content: '{"ok":true}' }),
      async (backend, upstream) => {
        await backend.generate({ ...ask, settings });
        const body = upstream.requests[0]!;
        assert.equal(body.model, 'scripted-model');
        assert.deepEqual(
          [body.temperature, body.top_p, body.top_k, body.min_p, body.repetition_penalty, body.max_tokens, body.stop, body.seed],
          [0.3, 0.9, 20, 0.05, 1.1, 64, ['END'], 7],
        );
        assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
        assert.equal(body.include_reasoning, true);
        for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${scheme} ${key}`);
        for (const key of ['structured_outputs', 'guided_json', 'response_format']) {
          if (!(key in expected)) assert.equal(key in body, false, `${scheme} must not send ${key}`);
        }
      },
      { scheme, ...(structuredOutputs ? { structuredOutputs } : {}) },
    );
  }
});

test('API key from the environment and explicit model name', async () => {
  const upstream = await startScriptedUpstream(() => ({ content: 'ok' }), { apiKey: 'secret', models: ['first', 'second'] });
  try {
    const listed = await createBackend(`openai:${upstream.baseURL}`, { env: { SAFEMED_UPSTREAM_API_KEY: 'secret' } });
    assert.equal(listed.modelId, 'first');
    assert.equal((await listed.generate(ask)).text, 'ok');
    const named = await createBackend(`openai:${upstream.url}`, { env: { OPENAI_API_KEY: 'secret' }, model: 'second' });
    await named.generate(ask);
    assert.equal(upstream.requests[1]?.model, 'second');
    await assert.rejects(createBackend(`openai:${upstream.baseURL}`, { env: {} }), (error) => error instanceof BackendError && error.status === 401 && !!error.fix);
  } finally {
    await upstream.close();
  }
});

test('429 with retry-after is retried after the announced wait, then succeeds', async () => {
  await withUpstream(
    ({ index }) => (index === 0 ? { fault: 'status', status: 429, retryAfterSeconds: 3 } : { content: 'fine' }),
    async (backend, upstream, sleeps) => {
      const parts = await collect(backend.stream(ask));
      assert.equal(collectReasoning(parts).answer, 'fine');
      assert.deepEqual(sleeps, [3000]);
      assert.equal(upstream.requests.length, 2);
    },
  );
});

test('a Retry-After longer than maxRetryAfterMs ends the call at once with the 429 and its Retry-After', async () => {
  await withUpstream(
    () => ({ fault: 'status', status: 429, retryAfterSeconds: 30 }),
    async (backend, upstream, sleeps) => {
      await assert.rejects(backend.generate(ask), (error) => error instanceof BackendError && error.status === 429 && error.context.retryAfterMs === 30_000);
      assert.equal(upstream.requests.length, 1, 'not retried');
      assert.deepEqual(sleeps, []);
    },
    { maxRetryAfterMs: 2_000 },
  );
  // within the bound it is still waited out and retried
  await withUpstream(
    ({ index }) => (index === 0 ? { fault: 'status', status: 429, retryAfterSeconds: 1 } : { content: 'fine' }),
    async (backend, upstream, sleeps) => {
      assert.equal((await backend.generate(ask)).text, 'fine');
      assert.deepEqual(sleeps, [1000]);
      assert.equal(upstream.requests.length, 2);
    },
    { maxRetryAfterMs: 2_000 },
  );
});

test('500 is retried with backoff, then reported with its status', async () => {
  await withUpstream(
    () => ({ fault: 'status', status: 500, message: 'boom' }),
    async (backend, upstream, sleeps) => {
      await assert.rejects(backend.generate(ask), (error) => error instanceof BackendError && error.status === 500 && error.retryable && /boom/.test(error.message));
      assert.equal(upstream.requests.length, 3);
      assert.deepEqual(sleeps, [500, 1000]);
    },
    { maxRetries: 2 },
  );
});

test('upstream 4xx is not retried and keeps its status', async () => {
  await withUpstream(
    () => ({ fault: 'status', status: 400, message: 'bad max_tokens' }),
    async (backend, upstream) => {
      await assert.rejects(backend.generate(ask), (error) => error instanceof BackendError && error.status === 400 && !error.retryable);
      assert.equal(upstream.requests.length, 1);
    },
  );
});

test('slow headers → TimeoutError', async () => {
  await withUpstream(
    () => ({ fault: 'slow-headers', delayMs: 2_000, reply: { content: 'late' } }),
    async (backend, upstream) => {
      await assert.rejects(collect(backend.stream(ask)), (error) => error instanceof TimeoutError && /150 ms/.test(error.message));
      assert.equal(upstream.requests.length, 1);
    },
    { timeoutMs: 150, maxRetries: 0 },
  );
});

test('disconnect before any byte (scripted upstream) is retried like a connection failure', async () => {
  await withUpstream(
    () => ({ fault: 'disconnect-mid-stream', afterChunks: 3, reply: { content: 'abcdefghijklmnop' } }),
    async (backend, upstream) => {
      await assert.rejects(collect(backend.stream(ask)), (error) => error instanceof BackendError && error.retryable);
      assert.equal(upstream.requests.length, 3, 'nothing reached the client, so the call was retried');
    },
    { maxRetries: 2 },
  );
});

test('disconnect mid-stream after bytes were streamed: error, NOT retried', async () => {
  let requests = 0;
  const open = new Set<import('node:http').ServerResponse>();
  const server = createHttpServer((request, response) => {
    if (request.url?.endsWith('/chat/completions')) {
      requests += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const delta = (content: string) =>
        `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
      response.write(delta('Hello'));
      response.write(delta(' there'));
      open.add(response);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const backend = await createBackend(`vllm:http://127.0.0.1:${port}/v1`, { model: 'm', env: {}, maxRetries: 3, sleep: async () => {} });
    const seen: StreamPart[] = [];
    await assert.rejects(
      (async () => {
        for await (const part of backend.stream(ask)) {
          seen.push(part);
          for (const response of open) response.socket?.destroy(); // the upstream dies after the first delta arrived
        }
      })(),
      (error) => error instanceof BackendError && error.code === 'upstream_disconnected' && !error.retryable,
    );
    assert.equal(collectReasoning(seen).answer.startsWith('Hello'), true);
    assert.ok(!seen.some((part) => part.type === 'finish'));
    assert.equal(requests, 1);
    await backend.close();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }
});

test('malformed SSE → clear BackendError', async () => {
  await withUpstream(
    () => ({ fault: 'malformed-sse' }),
    async (backend) => {
      await assert.rejects(collect(backend.stream(ask)), (error) => error instanceof BackendError && error.code === 'upstream_malformed' && /not JSON/.test(error.message));
    },
  );
});

test('abort signal stops a hanging upstream call', async () => {
  await withUpstream(
    () => ({ fault: 'hang' }),
    async (backend, upstream) => {
      const controller = new AbortController();
      const pending = backend.generate({ ...ask, signal: controller.signal });
      while (upstream.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      await assert.rejects(pending, (error) => error instanceof TimeoutError && /aborted/.test(error.message));
    },
  );
});

test('unreachable host → retryable 502-ish BackendError', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address() as { port: number };
      probe.close(() => { resolve(address.port); });
    });
  });
  const sleeps: number[] = [];
  await assert.rejects(
    createBackend(`vllm:http://127.0.0.1:${port}/v1`, { model: 'm', env: {}, maxRetries: 0 }).then((backend) => backend.generate(ask)),
    (error) => error instanceof BackendError && error.status === 502 && error.retryable && /ECONNREFUSED/.test(error.message),
  );
  await assert.rejects(
    createBackend(`vllm:http://127.0.0.1:${port}/v1`, { env: {}, maxRetries: 1, sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    }, random: () => 0.5 }),
    (error) => error instanceof BackendError && error.code === 'upstream_unreachable',
  );
  assert.deepEqual(sleeps, [500]);
});

test('bad base URL is a ConfigError', async () => {
  await assert.rejects(createBackend('openai:not a url'), (error) => error instanceof ConfigError && !!error.fix);
  await assert.rejects(createBackend('vllm:ftp://x'), ConfigError);
});
