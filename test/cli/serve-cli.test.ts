import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { runCli, spawnServe } from './serve-cli-helpers.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-serve-cli-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

test('safemed serve on an openai: upstream works with the openai SDK, requires the key, audits, and exits 0 on SIGTERM', async (t) => {
  const upstream = await startScriptedUpstream(() => ({ content: '<think>Check the dose.</think><answer>Take 500 mg.</answer>' }));
  t.after(() => upstream.close());
  const db = join(tempDir(t), 'deep', 'audit.db');
  const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db], { SAFEMED_API_KEY: 'secret-1,secret-2' });
  t.after(() => serve.child.kill('SIGKILL'));
  const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'secret-2', maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'dose?' }] });
  // The guard is on by default: it may append a disclaimer and reports its verdicts.
  assert.match(completion.choices[0]!.message.content ?? '', /^Take 500 mg\./);
  assert.ok((completion as unknown as { safemed?: { action: string } }).safemed?.action);
  assert.equal((completion.choices[0]!.message as unknown as Record<string, string>).reasoning_content, 'Check the dose.');
  // The model card's system prompt and temperature reach the upstream.
  assert.equal(upstream.requests[0]!.messages[0]!.role, 'system');
  assert.equal(upstream.requests[0]!.temperature, 0);
  const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: 'dose?' }], stream: true });
  let answer = '';
  for await (const chunk of stream) answer += chunk.choices[0]?.delta.content ?? '';
  assert.match(answer, /^Take 500 mg\./);
  const denied = await fetch(`${serve.url}/v1/models`);
  assert.equal(denied.status, 401);
  await denied.body?.cancel();

  serve.child.kill('SIGTERM');
  const exit = await serve.exited;
  assert.equal(exit.code, 0);
  assert.doesNotMatch(serve.stderr(), /NO API KEY/);
  assert.doesNotMatch(serve.stderr(), /Take 500 mg|dose\?/, 'logs must not contain prompt or response bodies');
  const audit = openAuditTrail({ path: db, mustExist: true });
  t.after(() => { audit.close(); });
  const records = [...audit.export()];
  assert.equal(records.length, 2);
  assert.deepEqual(records.map((record) => record.answer.startsWith('Take 500 mg.')), [true, true]);
  assert.ok(records[0]!.verdicts.length > 0, 'guard verdicts are audited');
  assert.deepEqual(records.map((record) => record.stream), [false, true]);
  assert.equal(audit.verify().ok, true);
});

test('kill -9 right after the responses arrive loses no audit record and leaves a valid chain', async (t) => {
  const upstream = await startScriptedUpstream(({ index }) => ({ content: `<think>r${index}</think><answer>a${index}</answer>` }));
  t.after(() => upstream.close());
  const db = join(tempDir(t), 'audit.db');
  const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db, '--log-level', 'warn']);
  t.after(() => serve.child.kill('SIGKILL'));
  const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const answers = await Promise.all(
    Array.from({ length: 6 }, async (_, index) => {
      if (index % 2 === 0) {
        const completion = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: `q${index}` }] });
        return completion.choices[0]!.message.content;
      }
      const stream = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: `q${index}` }], stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    }),
  );
  serve.child.kill('SIGKILL');
  const exit = await serve.exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.match(serve.stderr(), /NO API KEY/);
  assert.equal(answers.length, 6);
  const audit = openAuditTrail({ path: db, mustExist: true });
  t.after(() => { audit.close(); });
  const records = [...audit.export()];
  assert.equal(records.length, 6);
  assert.deepEqual(new Set(records.map((record) => record.answer)), new Set(answers));
  assert.equal(audit.verify().ok, true);
});

test('bad start-up configuration: one clear line with a fix and a non-zero exit', async (t) => {
  const folder = tempDir(t);
  const missing = await runCli(['serve', '--model', `llama:${join(folder, 'missing.gguf')}`, '--port', '0', '--no-audit']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^safemed: The GGUF file .*missing\.gguf does not exist\.\n {2}fix: /);

  const closed = await startScriptedUpstream(() => ({ content: 'x' }));
  const deadUrl = closed.baseURL;
  await closed.close();
  const unreachable = await runCli(['serve', '--model', `openai:${deadUrl}`, '--port', '0', '--no-audit']);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /Cannot reach the upstream at http:\/\/127\.0\.0\.1:\d+\/v1 \(GET \/models: ECONNREFUSED/);
  assert.match(unreachable.stderr, /fix: Start the upstream server/);

  const badPort = await runCli(['serve', '--model', 'openai:http://127.0.0.1:9/v1'], { SAFEMED_PORT: 'eighty' });
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /Invalid setting \$SAFEMED_PORT/);

  const noModel = await runCli(['serve'], { SAFEMED_MODEL: '' });
  assert.equal(noModel.code, 2);
  assert.match(noModel.stderr, /--model \/ \$SAFEMED_MODEL: a backend URI is required/);

  const unknownScheme = await runCli(['serve', '--model', 'foo:bar', '--no-audit']);
  assert.equal(unknownScheme.code, 2);
  assert.match(unknownScheme.stderr, /Unknown backend scheme "foo:"/);
});
