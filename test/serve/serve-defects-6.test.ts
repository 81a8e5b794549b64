/**
 * Defects found in probing round 6 (helper 83) in the request path, fixed by the lead: the official OpenAI SDK
 * no longer re-sends requests that cannot succeed, forced tool calls and log probabilities are refused instead of
 * silently ignored, an assistant turn's refusal part is read, `GET /v1/models/{id}` answers, and the start-up check
 * never prints an upstream URL's password. Real sockets on 127.0.0.1:0; each test fails on the code before its fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createBackend } from '../../src/backends/registry.js';
import { BackendError } from '../../src/core/errors.js';
import { checkBackendTarget } from '../../src/serve/check-upstream.js';
import { toErrorResponse } from '../../src/serve/error-response.js';
import { createScriptedBackend } from './scripted-backend.js';
import { postChat, startTestServer } from './start-test-server.js';
import { HAS_OPENSSL, startSelfSignedServer } from '../support/self-signed-server.js';

test('the OpenAI SDK does not re-run an answer cut at --max-answer-size or the gateway\'s own --timeout (x-should-retry: false)', async (t) => {
  let calls = 0;
  const tooLong = createScriptedBackend(() => {
    calls += 1;
    return { text: 'x'.repeat(5000) };
  });
  const { url } = await startTestServer(t, { backend: tooLong, maxAnswerChars: 1000 });
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 2 });
  await assert.rejects(client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
    assert.equal((error as { status?: number }).status, 502);
    return true;
  });
  assert.equal(calls, 1, 'one generation, not three');

  let slowCalls = 0;
  const hanging = createScriptedBackend(() => {
    slowCalls += 1;
    return { hang: true };
  });
  const slow = await startTestServer(t, { backend: hanging, requestTimeoutMs: 200 });
  const slowClient = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'unused', maxRetries: 2 });
  await assert.rejects(slowClient.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
    assert.equal((error as { status?: number }).status, 504);
    return true;
  });
  assert.equal(slowCalls, 1, 'one wait for the gateway timeout, not three');
});

test('tool_choice that forces a tool and logprobs are a 400 naming the parameter; tools with "auto"/"none" are still ignored', async (t) => {
  const { url } = await startTestServer(t);
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
  const messages = [{ role: 'user', content: 'hi' }];
  for (const toolChoice of ['required', { type: 'function', function: { name: 'f' } }]) {
    const answer = await postChat(url, { messages, tools, tool_choice: toolChoice });
    assert.equal(answer.status, 400);
    const error = answer.json.error as { param: string; code: string; message: string };
    assert.equal(error.param, 'tool_choice');
    assert.equal(error.code, 'unsupported_parameter');
    assert.match(error.message, /does not call tools/);
  }
  for (const toolChoice of ['auto', 'none', undefined]) assert.equal((await postChat(url, { messages, tools, tool_choice: toolChoice })).status, 200);
  const logprobs = await postChat(url, { messages, logprobs: true });
  assert.equal(logprobs.status, 400);
  assert.equal((logprobs.json.error as { param: string }).param, 'logprobs');
  const top = await postChat(url, { messages, top_logprobs: 3 });
  assert.equal(top.status, 400);
  assert.equal((top.json.error as { param: string }).param, 'top_logprobs');
  assert.equal((await postChat(url, { messages, logprobs: false, top_logprobs: 0 })).status, 200);
});

test("an assistant turn's refusal part (a replayed refused structured answer) is read as its text", async (t) => {
  const seen: string[] = [];
  const backend = createScriptedBackend((request) => {
    seen.push(request.messages.map((message) => message.content).join(' | '));
    return { text: 'An answer.' };
  });
  const { url } = await startTestServer(t, { backend });
  const answer = await postChat(url, {
    messages: [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] },
      { role: 'user', content: 'ok, what is a normal resting heart rate?' },
    ],
  });
  assert.equal(answer.status, 200);
  assert.ok(seen.some((text) => text.includes('I cannot help with that.')));
  const fromUser = await postChat(url, { messages: [{ role: 'user', content: [{ type: 'refusal', refusal: 'x' }] }] });
  assert.equal(fromUser.status, 400, 'a refusal part is an assistant-only part');
});

test('GET /v1/models/{id}: the served model, a 404 model_not_found for another id, behind the key, one metrics label', async (t) => {
  const { url } = await startTestServer(t, { servedModelName: 'org/safemed-r1', apiKeys: ['k'] });
  const auth = { authorization: 'Bearer k' };
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
  const model = await client.models.retrieve('org/safemed-r1');
  assert.equal(model.id, 'org/safemed-r1');
  const encoded = await fetch(`${url}/v1/models/org%2Fsafemed-r1`, { headers: auth });
  assert.equal(encoded.status, 200);
  const other = await fetch(`${url}/v1/models/gpt-4o`, { headers: auth });
  assert.equal(other.status, 404);
  const body = (await other.json()) as { error: { code: string; param: string } };
  assert.equal(body.error.code, 'model_not_found');
  assert.equal((await fetch(`${url}/v1/models/org%2Fsafemed-r1`)).status, 401);
  for (let index = 0; index < 5; index += 1) await fetch(`${url}/v1/models/probe-${String(index)}`, { headers: auth });
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.doesNotMatch(metrics, /probe-\d/);
  assert.match(metrics, /route="\/v1\/models\/\{id\}"/);
});

test("the start-up check never shows an upstream URL's password", async (t) => {
  const refusing = createServer((request, response) => {
    response.writeHead(401).end();
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  t.after(() => refusing.close());
  const port = (refusing.address() as AddressInfo).port;
  for (const target of [`openai:http://alice:s3cret@127.0.0.1:${String(port)}/v1`, 'openai:http://alice:s3cret@127.0.0.1:1/v1']) {
    await assert.rejects(checkBackendTarget(target, { timeoutMs: 2000 }), (error: unknown) => {
      const shown = `${(error as Error).message} ${JSON.stringify((error as { context?: unknown }).context ?? {})}`;
      assert.doesNotMatch(shown, /s3cret/);
      return true;
    });
  }
});

test("an upstream 429 asking for more than a minute is passed on with x-should-retry: false (the SDK would sleep it inside create())", () => {
  const rateLimited = (retryAfterMs: number) => toErrorResponse(new BackendError('rate limited', { status: 429, code: 'upstream_error', context: { retryAfterMs } }));
  const short = rateLimited(5000);
  assert.equal(short.status, 429);
  assert.deepEqual(short.headers, { 'retry-after': '5' });
  const long = rateLimited(3_600_000);
  assert.equal(long.status, 429);
  assert.deepEqual(long.headers, { 'retry-after': '3600', 'x-should-retry': 'false' });
});

test('the start-up check says an upstream certificate is untrusted (not "Cannot reach … start the upstream")', { skip: !HAS_OPENSSL }, async (t) => {
  const port = await startSelfSignedServer(t);
  await assert.rejects(checkBackendTarget(`openai:https://localhost:${String(port)}/v1`, { timeoutMs: 5000 }), (error: unknown) => {
    assert.ok(error instanceof BackendError);
    assert.equal(error.code, 'upstream_certificate');
    assert.doesNotMatch(error.message, /Cannot reach/);
    assert.match(error.fix ?? '', /NODE_EXTRA_CA_CERTS/);
    return true;
  });
});

test('the start-up check names a proxy variable it does not use when the upstream cannot be reached', async () => {
  const saved = process.env['HTTPS_PROXY'];
  process.env['HTTPS_PROXY'] = 'http://proxy.example:3128';
  try {
    await assert.rejects(checkBackendTarget('openai:http://127.0.0.1:1/v1', { timeoutMs: 2000 }), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.match(error.fix ?? '', /\$HTTPS_PROXY is set, but SafeMed connects to the upstream directly/);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env['HTTPS_PROXY'];
    else process.env['HTTPS_PROXY'] = saved;
  }
});

test("an upstream's context-length 400 (vLLM, SGLang, llama.cpp's server, OpenAI) reaches the client as 400 context_length_exceeded, without the upstream's words", async (t) => {
  const bodies = [
    { object: 'error', message: "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens (2000 in the messages, 100 in the completion). Internal host gpu-7.corp", type: 'BadRequestError', param: null, code: 400 },
    { error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: 5000, n_ctx: 4096 } },
    { error: { message: "The input (5000 tokens) is longer than the model's context length (4096 tokens).", type: 'BadRequestError', code: 400 } },
    { error: { message: 'Please reduce the length of the messages.', type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } },
  ];
  let next = 0;
  const upstream = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url?.endsWith('/models')) {
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
      return;
    }
    request.resume();
    response.statusCode = 400;
    response.end(JSON.stringify(bodies[next++ % bodies.length]));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  t.after(() => { upstream.closeAllConnections(); upstream.close(); });
  const base = `http://127.0.0.1:${String((upstream.address() as AddressInfo).port)}/v1`;
  const { url } = await startTestServer(t, { backend: await createBackend(`openai:${base}`, { maxRetries: 0 }) });
  const expected = ['its context holds 2048 tokens', '', 'its context holds 4096 tokens', ''];
  for (const holds of expected) {
    const answer = await postChat(url, { messages: [{ role: 'user', content: 'a long conversation' }] });
    assert.equal(answer.status, 400);
    const error = answer.json.error as { code: string; param: string; message: string };
    assert.equal(error.code, 'context_length_exceeded');
    assert.equal(error.param, 'messages');
    assert.match(error.message, /^The conversation does not fit the model/);
    if (holds !== '') assert.ok(error.message.includes(holds), error.message);
    assert.doesNotMatch(error.message, /gpu-7|try increasing|Please reduce/);
  }
  // Another upstream 400 keeps the generic message.
  bodies.length = 0;
  bodies.push({ error: { message: 'stop: at most 4 sequences', type: 'invalid_request_error', code: 400 } });
  next = 0;
  const other = await postChat(url, { messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(other.status, 400);
  assert.notEqual((other.json.error as { code: string }).code, 'context_length_exceeded');
});

test("an upstream 404 (a wrong --upstream-model or base URL) does not blame the client's model name", () => {
  const mapped = toErrorResponse(new BackendError('Upstream http://x/v1 answered 404: The model `typo` does not exist.', { status: 404, code: 'upstream_error', context: { upstreamCode: 'model_not_found' } }));
  assert.equal(mapped.status, 404);
  assert.equal(mapped.body.error.code, 'upstream_model_not_found');
  assert.match(mapped.body.error.message, /the operator must check --model \/ --upstream-model/);
});
