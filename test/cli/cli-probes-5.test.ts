/**
 * Probing round 5 (issue 8): operator mistakes around `safemed serve` and `safemed model` that ended in
 * "unexpected error: <Node error code>" instead of one line naming the setting and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
