import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, SAFEMED_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

test('model make-tiny is byte-identical for one seed and different for another; model info reads it', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'safemed-model-cli-'));
  const [first, second, other] = ['a.gguf', 'b.gguf', 'c.gguf'].map((name) => join(directory, name)) as [string, string, string];
  const results = await Promise.all([
    runCli(['model', 'make-tiny', first, '--seed', '7']),
    runCli(['model', 'make-tiny', second, '--seed', '7']),
    runCli(['model', 'make-tiny', other, '--seed', '8']),
  ]);
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.match(results[0].stdout, /wrote .*a\.gguf \(seed 7\)/);
  const [bytesA, bytesB, bytesC] = await Promise.all([readFile(first), readFile(second), readFile(other)]);
  assert.ok(bytesA.equals(bytesB), 'same seed → same bytes');
  assert.ok(!bytesA.equals(bytesC), 'different seed → different bytes');
  assert.equal(bytesA.subarray(0, 4).toString('latin1'), 'GGUF');

  const info = await runCli(['model', 'info', first]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /architecture\s+llama/);
  assert.match(info.stdout, /context length\s+4096/);
  assert.match(info.stdout, /layers\s+2/);
  assert.match(info.stdout, /vocabulary size\s+289/);
  assert.match(info.stdout, /chat template\s+yes/);
  assert.match(info.stdout, new RegExp(`file size\\s+.*\\(${(await stat(first)).size} bytes\\)`));

  const json = await runCli(['model', 'info', first, '--json']);
  assert.equal(json.code, 0);
  const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(parsed.architecture, 'llama');
  assert.equal(parsed.blockCount, 2);
  assert.equal(parsed.vocabularySize, 289);
  assert.equal(parsed.hasChatTemplate, true);
  assert.equal(parsed.fileSizeBytes, bytesA.length);
});

test('model info on a malformed file: one line plus fix, exit 2, no stack trace', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'safemed-model-cli-'));
  const path = join(directory, 'broken.gguf');
  await writeFile(path, 'GGUF but then garbage that is not a header at all');
  const result = await runCli(['model', 'info', path]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^safemed: .*broken\.gguf/m);
  assert.match(result.stderr, /fix: /);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('model make-tiny rejects a bad seed', async () => {
  const result = await runCli(['model', 'make-tiny', join(tmpdir(), 'never.gguf'), '--seed', 'abc']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--seed must be an integer/);
});
