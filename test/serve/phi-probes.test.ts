/**
 * The PHI probe set (data/phi/probes.jsonl): every planted string, in every request field, role,
 * language and format — and echoed back by the model — never reaches the audit database file (WAL
 * included), the logs or /metrics of a server running the default audit path (audit worker, PHI
 * redaction with a fresh redactor per exchange).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { createBackend } from '../../src/backends/registry.js';
import { createLogger } from '../../src/core/logger.js';
import { createAuditWorker } from '../../src/serve/create-audit-worker.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';

interface Probe {
  id: string;
  language: string;
  format: string;
  placement: string;
  text: string;
  secrets: string[];
}

const probes = readFileSync(new URL('../../data/phi/probes.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Probe);

function requestFor(probe: Probe, stream: boolean): { body: Record<string, unknown>; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const question = { role: 'user', content: 'What should I do next?' };
  let messages: Array<Record<string, unknown>> = [question];
  const body: Record<string, unknown> = { model: 'safemed-r1', stream };
  if (['user', 'system', 'developer', 'assistant', 'tool'].includes(probe.placement)) {
    messages = probe.placement === 'user' ? [{ role: 'user', content: probe.text }] : [{ role: probe.placement, content: probe.text }, question];
  } else if (probe.placement === 'name') messages = [{ role: 'user', content: 'Hello, a question about aspirin.', name: probe.text }];
  else if (probe.placement === 'user_field') body.user = probe.text;
  else if (probe.placement === 'x_request_id') headers['x-request-id'] = probe.text;
  body.messages = messages;
  return { body, headers };
}

test('PHI probe set: no planted string reaches the audit DB file, its WAL, the logs or the metrics', async (t) => {
  assert.ok(probes.length >= 100, `${probes.length} probes`);
  const folder = mkdtempSync(join(tmpdir(), 'safemed-phi-probes-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = join(folder, 'audit.db');
  // The model repeats the request back (reasoning and answer), as models do.
  const upstream = await startScriptedUpstream(({ body }) => {
    const texts = (body.messages as Array<{ content: string }>).map((message) => message.content).join(' / ');
    return { content: `<think>The user wrote: ${texts}</think><answer>Regarding ${texts}: please see your doctor.</answer>` };
  });
  t.after(() => upstream.close());
  const backend = await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0 });
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const audit = await createAuditWorker({ path, redact: true });
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, logger, audit });
  const { url } = await server.listen();
  let metrics = '';
  try {
    for (let index = 0; index < probes.length; index += 4) {
      await Promise.all(
        probes.slice(index, index + 4).map(async (probe, offset) => {
          const { body, headers } = requestFor(probe, (index + offset) % 2 === 1);
          const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
          await response.text();
          assert.equal(response.status, 200, probe.id);
        }),
      );
    }
    metrics = await (await fetch(`${url}/metrics`)).text();
  } finally {
    await server.close();
    await audit.close();
    await backend.close();
  }
  const files = [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file));
  const reopened = openAuditTrail({ path, mustExist: true });
  const records = [...reopened.export()];
  assert.equal(reopened.verify().ok, true);
  reopened.close();
  assert.equal(records.length, probes.length);
  const logs = lines.join('\n');
  const leaks: string[] = [];
  for (const probe of probes) {
    for (const secret of probe.secrets) {
      const bytes = Buffer.from(secret, 'utf8');
      if (files.some((file) => file.includes(bytes))) leaks.push(`${probe.id}: "${secret}" in the database files`);
      if (logs.includes(secret)) leaks.push(`${probe.id}: "${secret}" in the logs`);
      if (metrics.includes(secret)) leaks.push(`${probe.id}: "${secret}" in the metrics`);
    }
  }
  const planted = probes.reduce((sum, probe) => sum + probe.secrets.length, 0);
  t.diagnostic(`${probes.length} probes, ${planted} planted strings, ${leaks.length} leaks`);
  assert.deepEqual(leaks, []);
  // Clinical content survives redaction.
  const exported = JSON.stringify(records);
  for (const word of ['ibuprofen', 'warfarin', 'metformin', 'HbA1c 7.2%', 'amoxicillin', '二甲双胍', 'CHF EXACERBATION', 'NPO AFTER MIDNIGHT', 'COPD, DNR', 'HIV AIDS', '今年65岁', '有糖尿病', '10:02:11']) {
    assert.ok(exported.includes(word), word);
  }
});
