import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { createBackend } from '../../src/backends/registry.js';
import { withModelCardDefaults } from '../../src/backends/with-model-card-defaults.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { tinyModelPath } from '../support/tiny-model.js';

test('openai: backend → scripted upstream, through safemed serve, with the openai SDK (stream and non-stream)', async (t) => {
  const upstream = await startScriptedUpstream((request) => {
    const last = request.body.messages.at(-1)?.content;
    if (last === 'fail') return { fault: 'status', status: 500 };
    if (last === 'hang') return { fault: 'hang' };
    return { reasoning: 'Upstream reasoning.', content: 'Upstream answer.', usage: { prompt_tokens: 12, completion_tokens: 6 } };
  });
  t.after(() => upstream.close());
  const backend = withModelCardDefaults(await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0, timeoutMs: 2000 }));
  t.after(() => backend.close());
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, requestTimeoutMs: 300 });
  const { url } = await server.listen();
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });

  const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'q' }],
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- clients still send the legacy seed and max_tokens; the server must forward them
    seed: 3,
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- (as above)
    max_tokens: 50,
  });
  assert.equal(completion.choices[0]!.message.content, 'Upstream answer.');
  assert.equal((completion.choices[0]!.message as unknown as Record<string, string>).reasoning_content, 'Upstream reasoning.');
  assert.equal(completion.usage?.total_tokens, 18);
  assert.equal(upstream.requests[0]!.seed, 3);
  assert.equal(upstream.requests[0]!.max_tokens ?? upstream.requests[0]!.max_completion_tokens, 50);

  const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'q' }], stream: true, stream_options: { include_usage: true } });
  let reasoning = '';
  let content = '';
  let total = 0;
  for await (const chunk of stream) {
    reasoning += (chunk.choices[0]?.delta as Record<string, string> | undefined)?.reasoning_content ?? '';
    content += chunk.choices[0]?.delta.content ?? '';
    total = chunk.usage?.total_tokens ?? total;
  }
  assert.equal(reasoning, 'Upstream reasoning.');
  assert.equal(content, 'Upstream answer.');
  assert.equal(total, 18);

  await assert.rejects(client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'fail' }] }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 502);
    return true;
  });
  await assert.rejects(client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hang' }] }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.status, 504);
    return true;
  });
});

test('llama: tiny GGUF through safemed serve with the openai SDK (stream and non-stream)', async (t) => {
  const path = await tinyModelPath();
  const backend = withModelCardDefaults(await createBackend(`llama:${path}`, { threads: 1, contextSize: 1024 }));
  t.after(() => backend.close());
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0 });
  const { url } = await server.listen();
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hello' }],
    max_completion_tokens: 12,
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated by OpenAI, still honoured by llama.cpp: it keeps this run deterministic
    seed: 1,
  });
  const usage = completion.usage!;
  assert.ok(usage.prompt_tokens > 0);
  assert.ok(usage.completion_tokens > 0 && usage.completion_tokens <= 12);
  assert.ok(['stop', 'length'].includes(completion.choices[0]!.finish_reason));

  const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hello' }], max_completion_tokens: 12, stream: true, stream_options: { include_usage: true } });
  let chunks = 0;
  let finish: string | null = null;
  let completionTokens = 0;
  for await (const chunk of stream) {
    chunks += 1;
    finish = chunk.choices[0]?.finish_reason ?? finish;
    completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
  }
  assert.ok(chunks >= 3, `got ${chunks} chunks`);
  assert.ok(finish === 'stop' || finish === 'length');
  assert.ok(completionTokens > 0 && completionTokens <= 12);
});
