/**
 * `safemed serve` writes one log line per request (each line is a write to stderr): with the guard on,
 * the guard's input verdict rides in that line instead of a line of its own, and no text of the
 * conversation is in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../src/backends/registry.js';
import { createLogger } from '../../src/core/logger.js';
import { createGuardFromSettings, guardSettingsSchema } from '../../src/guard/create-guard-from-settings.js';
import { createSafemedServer } from '../../src/serve/create-safemed-server.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';

interface LogLine {
  level: string;
  message: string;
  requestId?: string;
  status?: number;
  guard?: { action: string; risk: number; dimension: string; mechanism: string | null; attacks: string[]; outputAction?: string };
}

test('one info line per chat request, carrying the guard verdict and no conversation text', async () => {
  const upstream = await startScriptedUpstream(() => ({ content: 'Paracetamol and ibuprofen can usually be taken together at normal doses.' }));
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  const guard = await createGuardFromSettings(guardSettingsSchema.parse({}), { logger });
  const backend = guard.wrap(await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0 }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, logger });
  const { url } = await server.listen();
  const asked = ['Is paracetamol safe with ibuprofen?', 'I just swallowed 40 paracetamol tablets and I feel sick'];
  const answers: Array<{ id: string | null; action: string }> = [];
  try {
    for (const [index, content] of asked.entries()) {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'safemed-r1', stream: index === 1, messages: [{ role: 'user', content }] }),
      });
      assert.equal(response.status, 200);
      const text = await response.text();
      const action = /"safemed":\{"action":"(\w+)"/.exec(text)?.[1];
      assert.ok(action !== undefined, 'the response carries the safemed object');
      answers.push({ id: response.headers.get('x-request-id'), action });
    }
  } finally {
    await server.close();
    await backend.close();
    await upstream.close();
  }
  const parsed = lines.map((line) => JSON.parse(line) as LogLine);
  for (const [index, answer] of answers.entries()) {
    const own = parsed.filter((line) => line.requestId === answer.id);
    assert.equal(own.length, 1, `request ${index}: one line, got ${JSON.stringify(own)}`);
    const [line] = own;
    assert.equal(line?.message, 'request');
    assert.equal(line.status, 200);
    assert.equal(line.guard?.action, answer.action, 'the logged input verdict is the action the client was told');
  }
  assert.equal(parsed.find((line) => line.requestId === answers[1]?.id)?.guard?.action, 'escalate');
  assert.equal(parsed.find((line) => line.requestId === answers[0]?.id)?.guard?.dimension, 'benign');
  const all = lines.join('\n');
  for (const content of asked) assert.ok(!all.includes(content), 'no request text in the log');
  assert.ok(!all.includes('can usually be taken together'), 'no answer text in the log');
});
