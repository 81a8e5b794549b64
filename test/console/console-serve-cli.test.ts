/**
 * `safemed serve` mounts the console: on by default on loopback (the URL is printed), off with a log
 * line saying why when it listens beyond loopback without API keys, off with --console off.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServe, type SpawnedServe } from '../cli/serve-cli-helpers.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';

/** Resolves when the process has printed text matching the pattern on stdout or stderr. */
function printed(serve: SpawnedServe, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    // Everything printed so far counts: the line may have come in the same chunk as the listening line.
    const check = () => {
      const match = pattern.exec(serve.stdout() + serve.stderr());
      if (match) resolve(match[0]);
    };
    serve.child.stdout.on('data', check);
    serve.child.stderr.on('data', check);
    check();
    void serve.exited.then(() => {
      reject(new Error(`exited before printing ${String(pattern)}:\n${serve.stdout()}${serve.stderr()}`));
    });
  });
}

async function stop(serve: SpawnedServe): Promise<void> {
  serve.child.kill('SIGTERM');
  await serve.exited;
}

test('serve: the console is on for loopback, off beyond loopback without keys (and says why), off with --console off', async (t) => {
  const upstream = await startScriptedUpstream(() => ({ content: 'ok' }));
  t.after(() => upstream.close());
  const auditDb = join(mkdtempSync(join(tmpdir(), 'safemed-console-cli-')), 'audit.db');
  const common = ['--model', `openai:${upstream.baseURL}`, '--port', '0', '--guard', 'off', '--audit-db', auditDb];

  const loopback = await spawnServe([...common, '--host', '127.0.0.1', '--api-key', 'k1']);
  try {
    const line = await printed(loopback, /web console at (http:\/\/\S+)\/console\//);
    assert.match(line, /127\.0\.0\.1/);
    assert.equal((await fetch(`${loopback.url}/console/api/session`)).status, 401);
    const session = await fetch(`${loopback.url}/console/api/session`, { headers: { authorization: 'Bearer k1' } });
    assert.equal(session.status, 200);
    assert.deepEqual(((await session.json()) as { features: unknown }).features, { audit: true, reports: false, review: false });
    // The console reads the trail the server's audit worker writes.
    const chat = await fetch(`${loopback.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(chat.status, 200);
    const audit = (await (await fetch(`${loopback.url}/console/api/audit`, { headers: { authorization: 'Bearer k1' } })).json()) as { total: number; records: Array<{ preview: string }> };
    assert.equal(audit.total, 1);
    assert.equal(audit.records[0]?.preview, 'hello');
    const verify = (await (await fetch(`${loopback.url}/console/api/audit/verify`, { method: 'POST', headers: { authorization: 'Bearer k1' } })).json()) as { ok: boolean };
    assert.equal(verify.ok, true);
  } finally {
    await stop(loopback);
  }

  const open = await spawnServe([...common, '--host', '0.0.0.0']);
  try {
    await printed(open, /console off: the server listens beyond loopback \(0\.0\.0\.0\) without API keys/);
    const port = new URL(open.url).port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/console/`)).status, 404, 'not mounted');
    assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
  } finally {
    await stop(open);
  }

  const off = await spawnServe([...common, '--host', '127.0.0.1', '--console', 'off']);
  try {
    await printed(off, /console off: turned off with --console off/);
    assert.equal((await fetch(`${off.url}/console/api/session`)).status, 404);
  } finally {
    await stop(off);
  }
});
