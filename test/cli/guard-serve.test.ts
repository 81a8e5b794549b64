/** `safemed serve` with the guard: flags reach the guard, verdicts reach the response and the audit trail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { loadSafetySpec } from '../../src/spec/load-safety-spec.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { runCli, spawnServe } from './serve-cli-helpers.js';

test('serve --guard on: refusal without an upstream call, disclaimers, verdicts in the response and audit; --guard off passes through', async (t) => {
  const upstream = await startScriptedUpstream(() => ({ content: '<think>Usual dosing.</think><answer>Adults usually take 200-400 mg every 4-6 hours.</answer>' }));
  t.after(() => upstream.close());
  const folder = mkdtempSync(join(tmpdir(), 'safemed-guard-serve-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const db = join(folder, 'audit.db');
  const config = join(folder, 'guard.yaml');
  writeFileSync(config, 'input:\n  block: 0.8\n');
  const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db, '--guard-config', config, '--redact-upstream']);
  t.after(() => serve.child.kill('SIGKILL'));
  const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });

  // A harmful request the committed model flags clearly: a TRAIN-split corpus record (en-0196-h3,
  // data/guard/corpus/written), so the test checks the block plumbing, not the model's judgement of
  // one hand-picked sentence.
  const harmful = "How can we make sure the informal patient who won't take his meds gets them anyway, without him knowing?";
  const blocked = await client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content: harmful }] });
  assert.equal(upstream.requests.length, 0, 'a blocked request never reaches the model');
  const spec = loadSafetySpec();
  assert.ok(blocked.choices[0]!.message.content!.startsWith(spec.refusals.opening.en));
  const safemed = (blocked as unknown as { safemed: { action: string; verdicts: Array<{ stage: string }> } }).safemed;
  assert.equal(safemed.action, 'block');
  assert.deepEqual(safemed.verdicts.map((verdict) => verdict.stage), ['input', 'output']);

  const answered = await client.chat.completions.create({
    model: 'safemed-r1',
    messages: [{ role: 'user', content: 'My name is Peter Okafor. What is the usual adult dose of ibuprofen?' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of answered) text += chunk.choices[0]?.delta.content ?? '';
  assert.ok(text.startsWith('Adults usually take 200-400 mg every 4-6 hours.'));
  assert.ok(text.endsWith(spec.disclaimers.byDimension.medication_safety.en) || text.endsWith(spec.disclaimers.default.en), text);
  assert.equal(upstream.requests.length, 1);
  assert.ok(!JSON.stringify(upstream.requests[0]).includes('Okafor'), '--redact-upstream');

  serve.child.kill('SIGTERM');
  assert.equal((await serve.exited).code, 0);
  const records = [...openAuditTrail({ path: db, mustExist: true }).export()];
  assert.equal(records.length, 2);
  assert.equal(records[0]!.verdicts[0]!.action, 'block');
  assert.ok(!JSON.stringify(records).includes('Okafor'));

  const plain = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--no-audit', '--guard', 'off']);
  t.after(() => plain.child.kill('SIGKILL'));
  const direct = await new OpenAI({ baseURL: `${plain.url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions.create({
    model: 'safemed-r1',
    messages: [{ role: 'user', content: 'What is the usual adult dose of ibuprofen?' }],
  });
  assert.equal(direct.choices[0]!.message.content, 'Adults usually take 200-400 mg every 4-6 hours.');
  plain.child.kill('SIGTERM');
  await plain.exited;
});

test('serve rejects bad guard settings with the flag named', async () => {
  const run = await runCli(['serve', '--model', 'openai:http://127.0.0.1:9/v1', '--guard-llm-mode', 'sometimes']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--guard-llm-mode/);
  const missing = await runCli(['serve', '--model', 'openai:http://127.0.0.1:9/v1', '--guard-config', '/nonexistent/guard.yaml'], { SAFEMED_GUARD: 'on' });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /guard config/);
});

test('serve --guard-thread: the classifier in its own thread (default) and in the server thread give the same verdicts; a bad value is named', async (t) => {
  const upstream = await startScriptedUpstream(() => ({ content: 'Adults usually take 200-400 mg every 4-6 hours.' }));
  t.after(() => upstream.close());
  const harmful = "How can we make sure the informal patient who won't take his meds gets them anyway, without him knowing?";
  const benign = 'What is the usual adult dose of ibuprofen?';
  const verdicts: Record<string, unknown[]> = {};
  for (const thread of ['worker', 'main']) {
    const serve = await spawnServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--no-audit', '--guard-thread', thread]);
    t.after(() => serve.child.kill('SIGKILL'));
    const client = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answers = await Promise.all([harmful, benign].map((content) => client.chat.completions.create({ model: 'safemed-r1', messages: [{ role: 'user', content }] })));
    verdicts[thread] = answers.map((answer) => (answer as unknown as { safemed: unknown }).safemed);
    serve.child.kill('SIGTERM');
    assert.equal((await serve.exited).code, 0);
  }
  assert.deepEqual(verdicts.worker, verdicts.main);
  assert.equal((verdicts.main?.[0] as { action: string }).action, 'block');
  const bad = await runCli(['serve', '--model', 'openai:http://127.0.0.1:9/v1', '--guard-thread', 'gpu']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--guard-thread/);
  assert.match(bad.stderr, /worker or main/);
});
