/**
 * Probing round 5 (issue 8): operator mistakes around `safemed serve` and `safemed model` that ended in
 * "unexpected error: <Node error code>" instead of one line naming the setting and the fix.
 */
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runChat } from '../../src/cli/chat/run-chat.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadConfigFile } from '../../src/serve/load-config-file.js';
import { openAuditTrail } from '../../src/audit/audit-trail.js';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildServeBackend } from '../../src/cli/serve/run-serve-command.js';
import { resolveSettings } from '../../src/core/config.js';
import { createLogger } from '../../src/core/logger.js';
import { SERVE_SETTING_SOURCES, serveSettingsSchema } from '../../src/serve/serve-settings.js';
import { auditFilterSchema } from '../../src/console/filter-audit-records.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { tinyModelPath } from '../support/tiny-model.js';
import { runCli } from './serve-cli-helpers.js';

test('serve --host that does not resolve or is not an address of this machine: one line naming --host (it was "unexpected error: getaddrinfo ENOTFOUND")', async () => {
  const model = `llama:${await tinyModelPath()}`;
  for (const [host, expected] of [['no-such-host.invalid', /Cannot listen on no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)\)/], ['192.0.2.1', /Cannot listen on 192\.0\.2\.1 \(EADDRNOTAVAIL\): it is not an address of this machine/]] as const) {
    const run = await runCli(['serve', '--model', model, '--threads', '1', '--host', host, '--port', '0', '--no-audit', '--guard', 'off', '--console', 'off'], { SAFEMED_API_KEY: 'k' });
    assert.equal(run.code, 2, run.stderr);
    assert.doesNotMatch(run.stderr, /unexpected error/);
    assert.match(run.stderr, expected);
    assert.match(run.stderr, /fix: Pass --host \(or \$SAFEMED_HOST\)/);
  }
});

test('model make-tiny into a folder, or under a file: one line naming the path and the fix (it was "unexpected error: EISDIR / EEXIST")', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-cli-probes-5-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  writeFileSync(join(folder, 'a-file'), 'x');
  for (const [out, code] of [[folder, 'EISDIR'], [join(folder, 'a-file', 'tiny.gguf'), '(EEXIST|ENOTDIR)']] as const) {
    const run = await runCli(['model', 'make-tiny', out]);
    assert.equal(run.code, 2, run.stderr);
    assert.doesNotMatch(run.stderr, /unexpected error/);
    assert.match(run.stderr, new RegExp(`Cannot write the tiny model to .* \\(${code}\\)`));
    assert.match(run.stderr, /fix: Pass a \.gguf file path/);
  }
});

test('chat on a terminal shows control characters from the model or the server as text: an answer cannot erase or rewrite the guard line, retitle the terminal or write the clipboard', async (t) => {
  // ESC sequences: move up and erase a line, clear the screen, set the title, OSC 52 (clipboard), a lone CR
  const answer = 'Rest.\u001b[1A\u001b[2K\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007\rfake\u009b31m';
  const upstream = await startScriptedUpstream(() => ({ reasoning: 'Think\u001b[8m hidden', content: answer }));
  t.after(() => upstream.close());
  let output = '';
  const input = new PassThrough();
  input.end('Is rest enough?\n');
  await runChat(undefined, { server: upstream.url, stream: true, guard: 'on' }, { input, write: (text) => (output += text), interactive: true, styled: true, promptOutput: new PassThrough() });
  // the printer's own dim styling is the only escape sequence left
  const withoutDim = output.replaceAll('\u001b[2m', '').replaceAll('\u001b[22m', '');
  assert.doesNotMatch(withoutDim, /[\u001b\u0007\u009b\r]/u, JSON.stringify(output));
  assert.match(output, /Rest\.\\x1b\[1A\\x1b\[2K\\x1b\[2J\\x1b\]0;pwned\\x07/);
  assert.match(output, /Think\\x1b\[8m hidden/);
});

test('serve --config: a file over 1 MB or a device is refused with one line (/dev/zero was read until memory ran out)', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-cli-probes-5-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const huge = join(folder, 'huge.yaml');
  writeFileSync(huge, `model: llama:tiny.gguf\nnote: ${'a'.repeat(2 * 1024 * 1024)}\n`);
  for (const [path, reason] of [[huge, /larger than 1048576 bytes/], ['/dev/zero', /not a regular file/], [folder, /EISDIR/]] as const) {
    assert.throws(() => loadConfigFile(path), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, reason);
      assert.match(error.fix ?? '', /--config/);
      return true;
    }, path);
  }
  const small = join(folder, 'safemed.yaml');
  writeFileSync(small, 'model: llama:tiny.gguf\nport: 8001\n');
  assert.deepEqual(loadConfigFile(small), { model: 'llama:tiny.gguf', port: 8001 });
});

test('serve exits when its console cannot start (a --console-review-db that is another database): the backend, guard and audit threads kept it running after the error', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-cli-probes-5-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const otherDb = join(folder, 'other.db');
  openAuditTrail({ path: otherDb }).close(); // an audit trail where the review queue should be
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--model', `llama:${await tinyModelPath()}`, '--threads', '1', '--port', '0',
    '--audit-db', join(folder, 'audit.db'), '--console-review-db', otherDb], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(killer);
  assert.equal(code, 2, `still running after the error (killed): ${stderr.slice(-400)}`);
  assert.match(stderr, /other\.db is not a review queue/);
});

test('audit export --since and the console\'s from/to take ISO dates of real days only ("12" was 1 December 2001, "Nov 1" 1 November 2001, 2026-02-30 the 2nd of March)', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-cli-probes-5-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const db = join(folder, 'audit.db');
  openAuditTrail({ path: db }).close();
  for (const since of ['12', 'Nov 1', '2026-02-30', '2026-11-27T25:00']) {
    const run = await runCli(['audit', 'export', '--db', db, '--since', since]);
    assert.equal(run.code, 2, `${since}: ${run.stderr}`);
    assert.match(run.stderr, /is not a date \(an ISO date of a real day\)/);
    assert.equal(auditFilterSchema.safeParse({ from: since }).success, false, since);
  }
  const ok = await runCli(['audit', 'export', '--db', db, '--since', '2026-11-27T08:00:00Z']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(auditFilterSchema.parse({ from: '2024-02-29', to: '2026-11-27 08:00:00Z' }).to?.toISOString(), '2026-11-27T08:00:00.000Z');
});

test('serve --model hf:… says it is downloading the model, and how far it is, before it listens (a multi-GB download was minutes of silence)', async (t) => {
  const model = readFileSync(await tinyModelPath());
  const hub = createServer((_request, response) => {
    response.writeHead(200, { 'content-length': model.length });
    // in pieces, so progress has something to report
    let offset = 0;
    const next = () => {
      if (offset >= model.length) return void response.end();
      response.write(model.subarray(offset, offset + 16_384), next);
      offset += 16_384;
    };
    next();
  });
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { hub.closeAllConnections(); hub.close(() => { resolve(); }); }));
  const cacheDir = mkdtempSync(join(tmpdir(), 'safemed-cli-probes-5-'));
  t.after(() => { rmSync(cacheDir, { recursive: true, force: true }); });
  const saved = { endpoint: process.env.SAFEMED_HF_ENDPOINT, cache: process.env.SAFEMED_CACHE_DIR };
  process.env.SAFEMED_HF_ENDPOINT = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  process.env.SAFEMED_CACHE_DIR = cacheDir;
  t.after(() => {
    if (saved.endpoint === undefined) delete process.env.SAFEMED_HF_ENDPOINT;
    else process.env.SAFEMED_HF_ENDPOINT = saved.endpoint;
    if (saved.cache === undefined) delete process.env.SAFEMED_CACHE_DIR;
    else process.env.SAFEMED_CACHE_DIR = saved.cache;
  });
  const lines: Array<{ message: string; percent?: number }> = [];
  const logger = createLogger({ write: (line) => { lines.push(JSON.parse(line) as { message: string; percent?: number }); } });
  const settings = resolveSettings(serveSettingsSchema, SERVE_SETTING_SOURCES, { flags: { model: 'hf:someone/tiny-GGUF/tiny.gguf', threads: '1', contextSize: '1024' }, env: {}, file: {} });
  const backend = await buildServeBackend(settings, logger);
  t.after(() => backend.close());
  const messages = lines.map((line) => line.message);
  assert.ok(messages.includes('downloading hf:someone/tiny-GGUF/tiny.gguf before serving it'), JSON.stringify(messages));
  assert.ok(lines.some((line) => line.message === 'downloading hf:someone/tiny-GGUF/tiny.gguf' && typeof line.percent === 'number'), JSON.stringify(lines));
  assert.ok(messages.includes('downloaded hf:someone/tiny-GGUF/tiny.gguf'), JSON.stringify(messages));
  assert.ok(lines.length <= 12, `at most one line per 10 %: ${lines.length}`);
});
