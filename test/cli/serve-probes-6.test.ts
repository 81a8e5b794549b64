/**
 * Issue 8, sixth probing round: `safemed serve` and `audit export` as an unlucky operator runs them (a log
 * on a full disk, an export written over the trail). Each test fails on the code before its fix. The real
 * CLI in a child process, on 127.0.0.1 in front of a scripted upstream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { runCli } from './serve-cli-helpers.js';

type After = { after(fn: () => unknown): void };

function temporaryFolder(t: After): string {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-serve-probes-6-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  return folder;
}

/** Spawns `safemed serve` with its stderr on `stderrFd`; resolves with the URL once stdout says it listens. */
async function spawnServeWithStderr(t: After, args: string[], stderrFd: number | 'pipe') {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { stdio: ['ignore', 'pipe', stderrFd] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(({ code }) => { reject(new Error(`serve exited (${code}) before listening`)); });
  });
  return { child, url, exited, stderr: () => stderr };
}

async function ask(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'What is a normal resting heart rate?' }] }),
  });
  await response.text();
  return response.status;
}

test('serve keeps serving when its log cannot be written (stderr on a full disk): it died at its first log line (probing round 6)', { skip: !existsSync('/dev/full') }, async (t) => {
  const upstream = await startScriptedUpstream(() => ({ content: 'About 60 to 100 beats a minute.' }));
  t.after(() => upstream.close());
  const full = openSync('/dev/full', 'w'); // every write: ENOSPC
  t.after(() => { closeSync(full); });
  const db = join(temporaryFolder(t), 'audit.db');
  const serve = await spawnServeWithStderr(t, ['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', db, '--guard', 'off'], full);
  // the old server had already exited with 1 here, at the "listening" log line
  for (let index = 0; index < 3; index += 1) assert.equal(await ask(serve.url), 200);
  assert.equal(serve.child.exitCode, null, 'the server exited');
  serve.child.kill('SIGTERM');
  assert.deepEqual(await serve.exited, { code: 0, signal: null });
});

test('audit export refuses an --output that is the audit database itself or another SQLite database (it emptied the trail) (probing round 6)', async (t) => {
  const folder = temporaryFolder(t);
  const db = join(folder, 'audit.db');
  const at = new Date(Date.UTC(2026, 10, 1));
  const trail = openAuditTrail({ path: db });
  trail.appendMany([{
    requestId: 'req_000000000000000000000001', receivedAt: at, firstTokenAt: at, finishedAt: at, model: 'tiny', servedModelName: 'safemed-r1',
    stream: false, user: null, messages: [{ role: 'user', content: 'Hi' }], reasoning: '', answer: 'Hello.', finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [], status: 200, error: null,
  }]);
  trail.close();
  symlinkSync(db, join(folder, 'link.db'));
  copyFileSync(db, join(folder, 'other.db'));
  for (const output of [db, join(folder, 'link.db')]) {
    const refused = await runCli(['audit', 'export', '--db', db, '--output', output]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /is the audit database itself .*: the export would erase the trail it reads\./);
  }
  const other = await runCli(['audit', 'export', '--db', db, '--output', join(folder, 'other.db')]);
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, /is an SQLite database; the export would overwrite it/);
  const verified = await runCli(['audit', 'verify', '--db', db]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /^OK: 1 records, chain intact/);
  const exported = await runCli(['audit', 'export', '--db', db, '--output', join(folder, 'audit.jsonl')]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(readFileSync(join(folder, 'audit.jsonl'), 'utf8').trim().split('\n').length, 1);
});

test('model make-tiny replaces an earlier tiny model but not any other file (it wrote over an audit database or a real model) (probing round 6)', async (t) => {
  const folder = temporaryFolder(t);
  const other = join(folder, 'audit.db');
  writeFileSync(other, 'SQLite format 3\u0000 and the rest of a database');
  const refused = await runCli(['model', 'make-tiny', other]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /exists and is not a GGUF file; make-tiny will not write over it\./);
  assert.match(readFileSync(other, 'latin1'), /^SQLite format 3/);
  const real = join(folder, 'real.gguf');
  writeFileSync(real, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(9 * 1024 * 1024)]));
  const big = await runCli(['model', 'make-tiny', real]);
  assert.equal(big.code, 2, big.stderr);
  assert.match(big.stderr, /is a 9\.00 MiB GGUF model, not a tiny one/);
  const tiny = join(folder, 'tiny.gguf');
  for (const seed of ['1', '2']) assert.equal((await runCli(['model', 'make-tiny', tiny, '--seed', seed])).code, 0);
});

test('files the user may not read and ports below 1024 are named as permission problems with the fix (probing round 6)', { skip: process.platform !== 'linux' }, async (t) => {
  const folder = temporaryFolder(t);
  chmodSync(folder, 0o755);
  const model = join(folder, 'model.gguf');
  const config = join(folder, 'safemed.yaml');
  writeFileSync(model, 'GGUF not really');
  writeFileSync(config, 'port: 0\n');
  chmodSync(model, 0o000);
  chmodSync(config, 0o000);
  // as root the files would be readable: run the CLI as nobody then
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const run = async (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { ...asUser, env: { ...process.env, HOME: folder } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stderr };
  };
  // it was "unexpected error: EACCES: permission denied, open …"
  const info = await run(['model', 'info', model]);
  assert.equal(info.code, 2, info.stderr);
  assert.match(info.stderr, /Cannot read the model file .*model\.gguf \(permission denied\)\.\n {2}fix: Make it readable by the user safemed runs as/);
  const served = await run(['serve', '--model', `llama:${model}`, '--port', '0', '--no-audit', '--guard', 'off']);
  assert.equal(served.code, 2, served.stderr);
  assert.match(served.stderr, /permission denied/);
  // it said "Pass --config <path to an existing YAML file>" for a file that exists
  const configured = await run(['serve', '--model', `llama:${model}`, '--config', config]);
  assert.equal(configured.code, 2, configured.stderr);
  assert.match(configured.stderr, /EACCES\.\n {2}fix: Make it readable by the user serve runs as/);
  // a port below 1024 without the privilege: it said "Pick another --port, or stop the process using it"
  const upstream = await startScriptedUpstream(() => ({ content: 'ok' }));
  t.after(() => upstream.close());
  const low = await run(['serve', '--model', `openai:${upstream.baseURL}`, '--port', '1', '--no-audit', '--guard', 'off', '--console', 'off']);
  assert.equal(low.code, 2, low.stderr);
  assert.match(low.stderr, /Cannot listen on 127\.0\.0\.1:1 \(EACCES: permission denied\)\.\n {2}fix: Ports below 1024 need root or CAP_NET_BIND_SERVICE/);
});
