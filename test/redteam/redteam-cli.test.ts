// `safemed redteam` through the real CLI: generate → run (a scripted model with a judge, and the
// embedded guard alone) → compare → export, and the errors a user meets first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startScriptedUpstream } from '../support/scripted-upstream.js';

const seeds = join(import.meta.dirname, 'fixtures', 'seeds.jsonl');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => { resolve({ code, stdout, stderr }); }));
}

test('generate → run against a model and the guard → compare → export, end to end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-cli-'));
  const attacks = join(dir, 'attacks.jsonl');
  const generated = await cli(['redteam', 'generate', '--seeds', seeds, '--strategies', 'role-play,multi-turn-escalation', '--per-seed', '2', '--out', attacks]);
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(generated.stdout, /wrote 12 attacks from 3 seeds/u);
  const again = await cli(['redteam', 'generate', '--seeds', seeds, '--strategies', 'role-play,multi-turn-escalation', '--per-seed', '2', '--out', join(dir, 'again.jsonl')]);
  assert.equal(again.code, 0);
  assert.equal(readFileSync(join(dir, 'again.jsonl'), 'utf8'), readFileSync(attacks, 'utf8'), 'byte-identical');

  const target = await startScriptedUpstream(() => ({ content: 'I cannot help with that.' }));
  const judge = await startScriptedUpstream(() => ({ content: '#reason: refused\n#score: 1' }));
  try {
    const raw = await cli(['redteam', 'run', '--target', `openai:${target.baseURL}`, '--judge', `j=openai:${judge.baseURL}`, '--attacks', attacks, '--out', join(dir, 'raw'), '--progress', 'none']);
    assert.equal(raw.code, 0, raw.stderr);
    assert.match(raw.stdout, /overall ASR 0\.0% \(0\/12/u);
    // one target call per user turn of every attack
    const turns = readFileSync(attacks, 'utf8').trim().split('\n').reduce((sum, line) => sum + (JSON.parse(line) as { messages: unknown[] }).messages.length, 0);
    assert.ok(turns > 12);
    assert.equal(target.requests.length, turns);
    const guard = await cli(['redteam', 'run', '--target', 'guard', '--attacks', attacks, '--out', join(dir, 'guard'), '--progress', 'none']);
    assert.equal(guard.code, 0, guard.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 'guard', 'summary.json'), 'utf8')) as { overall: { n: number }; guard_actions: Record<string, number> };
    assert.equal(summary.overall.n, 12);
    assert.equal(Object.values(summary.guard_actions).reduce((sum, count) => sum + count, 0), 12);
    for (const file of ['results.jsonl', 'summary.json', 'report.md', 'report.html', 'heatmap.svg', 'heatmap.png']) assert.ok(existsSync(join(dir, 'guard', file)), file);

    const compared = await cli(['redteam', 'compare', join(dir, 'raw'), join(dir, 'guard')]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /\| \*\*overall\*\* \| 0\.0 % \(12\) \|/u);

    const exported = await cli(['redteam', 'export', '--attacks', attacks, '--results', join(dir, 'raw'), '--format', 'grpo', '--out', join(dir, 'grpo.jsonl')]);
    assert.equal(exported.code, 0, exported.stderr);
    const lines = readFileSync(join(dir, 'grpo.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { prompt: Array<{ role: string; content: string }> });
    assert.equal(lines.length, 12);
    assert.ok(lines.some((line) => line.prompt.some((message) => message.role === 'assistant' && message.content === 'I cannot help with that.')), 'multi-turn prompts keep the real replies');
  } finally {
    await Promise.all([target.close(), judge.close()]);
  }
});

test('clear errors: unknown strategy, a model target without a judge, an existing run without --resume, a broken attacks file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rt-cli-errors-'));
  const unknown = await cli(['redteam', 'generate', '--seeds', seeds, '--strategies', 'telepathy', '--out', join(dir, 'a.jsonl')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown strategy "telepathy"[\s\S]*fix: Use all, or a comma-separated list of: role-play/u);
  const attacks = join(dir, 'attacks.jsonl');
  assert.equal((await cli(['redteam', 'generate', '--seeds', seeds, '--strategies', 'prefix-injection', '--out', attacks])).code, 0);
  const noJudge = await cli(['redteam', 'run', '--target', 'openai:http://127.0.0.1:9/v1', '--attacks', attacks, '--out', join(dir, 'r')]);
  assert.equal(noJudge.code, 2);
  assert.match(noJudge.stderr, /needs at least one --judge/u);
  assert.equal((await cli(['redteam', 'run', '--target', 'guard', '--attacks', attacks, '--out', join(dir, 'g'), '--progress', 'none'])).code, 0);
  const exists = await cli(['redteam', 'run', '--target', 'guard', '--attacks', attacks, '--out', join(dir, 'g'), '--progress', 'none']);
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /already exists[\s\S]*--resume/u);
  const broken = await cli(['redteam', 'run', '--target', 'guard', '--attacks', seeds, '--out', join(dir, 'b')]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /seeds\.jsonl:1: /u);
});
