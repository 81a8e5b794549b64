import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => { resolve({ code, stdout, stderr }); });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'safemed-guard-cli-'));

test('guard scan: malformed lines are reported with their numbers and skipped, the rest is scanned', async () => {
  const input = join(folder, 'in.jsonl');
  writeFileSync(
    input,
    [
      JSON.stringify({ id: 'a', text: 'What are the common side effects of metformin?' }),
      '{"id": "b", "text": ',
      JSON.stringify({ text: 'no id here' }),
      '',
      JSON.stringify({ id: 'c', messages: [{ role: 'user', content: 'How do I get oxycodone without a prescription?' }] }),
      JSON.stringify({ id: 'd', messages: [{ role: 'wizard', content: 'hi' }] }),
      JSON.stringify({ id: 7, text: '我想自杀' }),
    ].join('\n') + '\n',
  );
  const run = await runCli(['guard', 'scan', '--input', input]);
  assert.equal(run.code, 1, 'bad lines make the exit code 1');
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: unknown; action: string } & Record<string, unknown>);
  assert.deepEqual(lines.map((line) => line.id), ['a', 'c', 7]);
  for (const line of lines) {
    assert.deepEqual(Object.keys(line).sort(), ['action', 'attacks', 'dimension', 'id', 'principle', 'reasons', 'risk', 'riskLevel'].sort());
  }
  // The exact actions follow the classifier's current weights; these hold for any sensible model.
  assert.ok(['allow', 'caution'].includes(lines[0]!.action), lines[0]!.action);
  assert.notEqual(lines[1]!.action, 'allow');
  assert.equal(lines[2]!.action, 'escalate');
  assert.match(run.stderr, /in\.jsonl:2: skipped: not valid JSON/);
  assert.match(run.stderr, /in\.jsonl:3: skipped: missing "id"/);
  assert.match(run.stderr, /in\.jsonl:6: skipped: expected/);
  assert.doesNotMatch(run.stderr, /in\.jsonl:4:/, 'blank lines are not errors');
  assert.match(run.stderr, /3 scanned \(allow \d, caution \d, steer \d, block \d, escalate 1\); 3 bad line\(s\) skipped: 2, 3, 6/);
});

test('guard scan writes --output and exits 0 on a clean file; a missing input is a user error', async () => {
  const input = join(folder, 'clean.jsonl');
  const output = join(folder, 'out.jsonl');
  writeFileSync(input, `${JSON.stringify({ id: 1, text: 'Hello' })}\n`);
  const run = await runCli(['guard', 'scan', '--input', input, '--output', output]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.ok(['allow', 'caution'].includes((JSON.parse(readFileSync(output, 'utf8')) as { action: string }).action));
  const missing = await runCli(['guard', 'scan', '--input', join(folder, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Cannot read --input/);
});

test('guard check: human-readable and JSON verdicts, conversations from --messages', async () => {
  const human = await runCli(['guard', 'check', '我想自杀，活不下去了']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /action: +escalate/);
  assert.match(human.stdout, /dimension: +mental_health_self_harm/);
  assert.match(human.stdout, /12356/);
  const conversation = join(folder, 'conversation.json');
  writeFileSync(conversation, JSON.stringify({ messages: [{ role: 'user', content: 'What is the usual adult dose of ibuprofen?' }] }));
  const json = await runCli(['guard', 'check', '--messages', conversation, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const preview = JSON.parse(json.stdout) as { verdict: { action: string }; language: string; disclaimer: string };
  assert.equal(preview.verdict.action, 'caution');
  assert.equal(preview.language, 'en');
  assert.ok(preview.disclaimer.length > 20);
  const bad = await runCli(['guard', 'check', '--guard-fail', 'sideways', 'hello']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--guard-fail/);
});
