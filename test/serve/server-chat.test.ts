import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend, verdict } from './scripted-backend.js';

async function start(options: Partial<Parameters<typeof createSafemedServer>[0]> = {}) {
  const backend = createScriptedBackend(() => ({ reasoning: 'Think about dosing.', text: 'Ask your pharmacist.', verdicts: [verdict()] }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, ...options });
  const { url } = await server.listen();
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return { backend, server, url, client };
}

test('non-stream: the openai SDK gets reasoning_content, the answer, usage and the safemed object', async (t) => {
  const { backend, server, client } = await start();
  t.after(() => server.close());
  const completion = await client.chat.completions.create({
    model: 'safemed-r1',
    messages: [
      { role: 'system', content: 'Be careful.' },
      { role: 'user', content: [{ type: 'text', text: 'How much' }, { type: 'text', text: 'paracetamol?' }] },
    ],
    temperature: 0.3,
    top_p: 0.9,
    max_completion_tokens: 77,
    stop: 'END',
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated by OpenAI, still a request field SafeMed passes on (vLLM, llama.cpp)
    seed: 5,
    response_format: { type: 'json_object' },
    // vLLM extras
    ...({ top_k: 20, min_p: 0.05, repetition_penalty: 1.1, chat_template_kwargs: { enable_thinking: false } } as object),
  });
  const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
  assert.equal(message.content, 'Ask your pharmacist.');
  assert.equal(message.reasoning_content, 'Think about dosing.');
  assert.equal(completion.choices[0]!.finish_reason, 'stop');
  assert.equal(completion.model, 'safemed-r1');
  assert.deepEqual(completion.usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  const safemed = (completion as unknown as { safemed: Record<string, unknown> }).safemed;
  assert.equal(safemed.action, 'caution');
  assert.equal(safemed.risk_level, 'medium');
  assert.equal(safemed.dimension, 'medication_safety');
  assert.equal(safemed.disclaimer_added, true);
  const request = backend.requests[0]!;
  assert.deepEqual(request.messages, [
    { role: 'system', content: 'Be careful.' },
    { role: 'user', content: 'How much\nparacetamol?' },
  ]);
  assert.deepEqual(request.settings, {
    temperature: 0.3,
    topP: 0.9,
    topK: 20,
    minP: 0.05,
    repetitionPenalty: 1.1,
    maxTokens: 77,
    stop: ['END'],
    seed: 5,
    responseFormat: { type: 'json_object' },
    chatTemplateKwargs: { enable_thinking: false },
  });
  assert.ok(request.signal instanceof AbortSignal);
});

test('stream: deltas carry reasoning_content then content; safemed rides on the finish chunk; usage when asked', async (t) => {
  const { server, client } = await start();
  t.after(() => server.close());
  const stream = await client.chat.completions.create({
    model: 'safemed-r1',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let reasoning = '';
  let content = '';
  let finishChunk: Record<string, unknown> | undefined;
  let usage: unknown;
  let firstRole: string | undefined;
  for await (const chunk of stream) {
    if (firstRole === undefined && chunk.choices[0]) firstRole = chunk.choices[0].delta.role ?? 'none';
    const delta = chunk.choices[0]?.delta as Record<string, string> | undefined;
    if (delta?.reasoning_content) reasoning += delta.reasoning_content;
    if (delta?.content) content += delta.content;
    if (chunk.choices[0]?.finish_reason) finishChunk = chunk as unknown as Record<string, unknown>;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(firstRole, 'assistant', 'the first chunk carries the role');
  assert.equal(reasoning, 'Think about dosing.');
  assert.equal(content, 'Ask your pharmacist.');
  assert.equal((finishChunk?.safemed as Record<string, unknown>).action, 'caution');
  assert.deepEqual(usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
});

test('reasoningField "reasoning" renames the field in both modes; no safemed object without verdicts', async (t) => {
  const backend = createScriptedBackend(() => ({ reasoning: 'r', text: 'a' }));
  const { server, client } = await start({ backend, reasoningField: 'reasoning' });
  t.after(() => server.close());
  const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hi' }] });
  const message = completion.choices[0]!.message as unknown as Record<string, unknown>;
  assert.equal(message.reasoning, 'r');
  assert.equal('reasoning_content' in message, false);
  assert.equal('safemed' in completion, false);
  const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let reasoning = '';
  for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as Record<string, string> | undefined)?.reasoning ?? '';
  assert.equal(reasoning, 'r');
});

test('request id: the server always uses its own id; a client x-request-id is only a separate audit field', async (t) => {
  const { server, url } = await start();
  t.after(() => server.close());
  const offered = await fetch(`${url}/health`, { headers: { 'x-request-id': 'abc-123' } });
  const ours = offered.headers.get('x-request-id') ?? '';
  assert.match(ours, /^req_[0-9a-f]{24}$/, 'a client id is never reused as the server id');
  const again = await fetch(`${url}/health`, { headers: { 'x-request-id': 'abc-123' } });
  assert.notEqual(again.headers.get('x-request-id'), ours, 'duplicates are impossible');
  const replaced = await fetch(`${url}/v1/models`, { headers: { 'x-request-id': 'bad id with spaces\u00e9' } });
  assert.match(replaced.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{24}$/);
  const missing = await fetch(`${url}/nope`);
  assert.match(missing.headers.get('x-request-id') ?? '', /^req_/);
  await missing.body?.cancel();
  await replaced.body?.cancel();
});

test('/v1/models lists the served name; /health is 200', async (t) => {
  const { server, client, url } = await start({ servedModelName: 'my-med' });
  t.after(() => server.close());
  const models = await client.models.list();
  assert.deepEqual(models.data.map((model) => model.id), ['my-med']);
  assert.equal((await fetch(`${url}/health`)).status, 200);
});

test('API keys guard /v1/* only; a listed key works', async (t) => {
  const { server, url } = await start({ apiKeys: ['k1', 'k2'] });
  t.after(() => server.close());
  const denied = await fetch(`${url}/v1/models`);
  assert.equal(denied.status, 401);
  const body = (await denied.json()) as { error: { type: string; code: string } };
  assert.equal(body.error.code, 'invalid_api_key');
  assert.equal((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer k2' } })).status, 200);
  assert.equal((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer k3' } })).status, 401);
  assert.equal((await fetch(`${url}/health`)).status, 200);
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k1', maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(completion.choices[0]!.message.content, 'Ask your pharmacist.');
});
