import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend, verdict } from './scripted-backend.js';

function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(match, `unparseable metrics line: ${line}`);
    values.set(match[1]!, Number(match[2]));
  }
  return values;
}

test('metrics count requests by route and status, latency, tokens, errors, in-flight and guard decisions', async (t) => {
  const backend = createScriptedBackend((request) =>
    request.messages.at(-1)?.content === 'bad'
      ? { error: new Error('boom') }
      : { text: 'fine', usage: { promptTokens: 11, completionTokens: 4 }, verdicts: [verdict({ action: 'block', stage: 'input' }), verdict({ action: 'allow', stage: 'output' })] },
  );
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0 });
  const { url } = await server.listen();
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'a' }] });
  const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'a' }], stream: true });
  for await (const _chunk of stream);
  await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'bad' }] }).catch(() => {});
  await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'a' }] }).catch(() => {});
  const response = await fetch(`${url}/metrics`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const metrics = parseMetrics(await response.text());
  assert.equal(metrics.get('safemed_http_requests_total{route="/v1/chat/completions",status="200"}'), 2);
  assert.equal(metrics.get('safemed_http_requests_total{route="/v1/chat/completions",status="500"}'), 1);
  assert.equal(metrics.get('safemed_http_requests_total{route="/v1/chat/completions",status="404"}'), 1);
  assert.equal(metrics.get('safemed_http_request_duration_seconds_count{route="/v1/chat/completions"}'), 4);
  assert.equal(metrics.get('safemed_http_request_duration_seconds_bucket{route="/v1/chat/completions",le="+Inf"}'), 4);
  assert.equal(metrics.get('safemed_prompt_tokens_total'), 22);
  assert.equal(metrics.get('safemed_completion_tokens_total'), 8);
  assert.equal(metrics.get('safemed_errors_total{type="server_error"}'), 1);
  assert.equal(metrics.get('safemed_errors_total{type="invalid_request_error"}'), 1);
  assert.equal(metrics.get('safemed_guard_decisions_total{action="block",stage="input"}'), 2);
  assert.equal(metrics.get('safemed_guard_decisions_total{action="allow",stage="output"}'), 2);
  assert.equal(metrics.get('safemed_requests_in_flight'), 1, 'the /metrics request itself is in flight');
});

test('graceful shutdown lets an in-flight stream finish, refuses new connections, and the stream is audited', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-shutdown-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const backend = createScriptedBackend(() => ({ reasoning: 'slow thought', text: 'slow answer', gate: () => released, verdicts: [verdict()] }));
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => { audit.close(); });
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, audit, shutdownGraceMs: 5000 });
  const { url } = await server.listen();
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  const started = once(backend.events, 'request');
  const collected = (async () => {
    const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'q' }], stream: true });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
    }
    return { text, finish };
  })();
  await started;
  const closing = server.close();
  await assert.rejects(fetch(`${url}/health`), 'a closing server accepts no new connections');
  release();
  const result = await collected;
  await closing;
  assert.deepEqual(result, { text: 'slow answer', finish: 'stop' });
  const [record] = [...audit.export()];
  assert.equal(record?.answer, 'slow answer');
  assert.equal(record.reasoning, 'slow thought');
  assert.equal(record.verdicts[0]?.action, 'caution');
  assert.equal(record.status, 200);
  assert.ok(record.firstTokenAt);
});

test('shutdown past the grace period aborts the backend call', async () => {
  const backend = createScriptedBackend(() => ({ hang: true }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, shutdownGraceMs: 20 });
  const { url } = await server.listen();
  const started = once(backend.events, 'request');
  const pending = fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'q' }] }) });
  await started;
  const aborted = once(backend.events, 'aborted');
  await server.close();
  await aborted;
  const response = await pending;
  assert.equal(response.status, 504);
});

test('server audit: failures are recorded with their status, the server redact is applied, and a 2 MiB body is a clean 413', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-server-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const backend = createScriptedBackend((request) =>
    request.messages.at(-1)?.content.includes('fail') ? { error: new Error('boom') } : { text: 'Dear Alice, rest.', reasoning: 'Alice is tired' },
  );
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => { audit.close(); });
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, audit, redact: (text) => text.replaceAll('Alice', '[NAME]') });
  const { url } = await server.listen();
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'I am Alice' }],
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- clients still send `user`; the audit trail must redact it
    user: 'Alice@example.org',
  });
  await assert.rejects(client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'please fail' }] }));
  const big = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2 * 1024 * 1024) });
  assert.equal(big.status, 413);
  await big.body?.cancel();
  const records = [...audit.export()];
  assert.equal(records.length, 2);
  assert.equal(records[0]!.answer, 'Dear [NAME], rest.');
  assert.equal(records[0]!.reasoning, '[NAME] is tired');
  assert.equal(records[0]!.messages[0]!.content, 'I am [NAME]');
  assert.equal(records[0]!.user, '[USER]', 'the user field is an identity: replaced whole when redaction is on');
  assert.equal(records[1]!.status, 500);
  assert.ok(records[1]!.error);
  assert.equal(audit.verify().ok, true);
});

test('concurrent requests are group-committed: every exchange audited once, chain valid', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-batch-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const backend = createScriptedBackend((request) => ({ text: `answer to ${request.messages.at(-1)?.content}` }));
  const audit = openAuditTrail({ path: join(folder, 'audit.db') });
  t.after(() => { audit.close(); });
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, audit });
  const { url } = await server.listen();
  t.after(() => server.close());
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'x', maxRetries: 0 });
  await Promise.all(
    Array.from({ length: 24 }, (_, index) =>
      client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: `q${index}` }], stream: index % 2 === 0 }),
    ).map(async (pending) => {
      const result = await pending;
      if (Symbol.asyncIterator in result) for await (const _chunk of result);
    }),
  );
  const answers = [...audit.export()].map((record) => record.answer).sort();
  assert.deepEqual(answers, Array.from({ length: 24 }, (_, index) => `answer to q${index}`).sort());
  assert.equal(audit.verify().ok, true);
});
