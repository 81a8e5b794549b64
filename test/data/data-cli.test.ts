// `safemed data` through the real CLI against scripted teacher and judges on 127.0.0.1: exam file →
// cot → qc (expert queue) → review → dedup → decontam → mix → export (read back), a SIGKILL
// mid-run with --resume, and the errors a user meets first.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBackExport } from '../../src/data/export/index.js';
import { loadSafetySpec } from '../../src/spec/index.js';
import { startScriptedUpstream, type ScriptedRequest } from '../support/scripted-upstream.js';
import { judgeReply, lastUser, temporaryFolder, writeExamFile } from './data-helpers.js';

function cli(args: string[]): { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>; kill: () => void } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: new Promise((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  }), kill: () => {
    child.kill('SIGKILL');
  } };
}

const run = (args: string[]) => cli(args).done;
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const IDS = loadSafetySpec().rubrics.cotCriteria.map((criterion) => criterion.id);

function teacherReply(request: ScriptedRequest) {
  const key = /\[key ([A-D])\]/.exec(lastUser(request))?.[1] ?? 'A';
  return { content: `<think>Recall the facts; option ${key} fits best.</think><answer>The answer is ${key}</answer>` };
}

test('exam file → cot → qc → review → dedup → decontam → mix → LLaMA-Factory and verl exports, end to end', async () => {
  const dir = temporaryFolder('cli');
  const exam = writeExamFile(dir, [
    { id: '1', question: 'A patient with acute chest pain radiating to the left arm and sweating presents to the clinic today [key B]', answer: 'B' },
    { id: '2', question: 'Which vitamin deficiency causes scurvy with bleeding gums and poor wound healing in sailors [key C]', answer: 'C' },
    { id: '3', question: 'A child with barking cough and inspiratory stridor at night most likely has which condition [key A]', answer: 'A' },
    { id: '4', question: 'POOR-ITEM the most common cause of community acquired pneumonia in healthy adults is which organism [key D]', answer: 'D' },
  ]);
  const teacher = await startScriptedUpstream(teacherReply);
  const judgeFor = (low: number) => startScriptedUpstream((request) => ({ content: judgeReply(IDS, lastUser(request).includes('POOR-ITEM') ? low : 5) }));
  const judgeA = await judgeFor(1);
  const judgeB = await judgeFor(2);
  try {
    const cot = await run(['data', 'cot', '--input', `exam:${exam}`, '--teacher', `openai:${teacher.baseURL}`, '--out', join(dir, 'cot.jsonl'), '--progress', 'none']);
    assert.equal(cot.code, 0, cot.stderr);
    assert.match(cot.stdout, /wrote 4 CoT items .*: 4 verified, 0 unverified/u);

    const qc = await run(['data', 'qc', '--input', join(dir, 'cot.jsonl'), '--judge', `a=openai:${judgeA.baseURL}`, '--judge', `b=openai:${judgeB.baseURL}`, '--queue', join(dir, 'review.db'), '--out', join(dir, 'qc.jsonl'), '--progress', 'none']);
    assert.equal(qc.code, 0, qc.stderr);
    assert.match(qc.stdout, /4 items, 3 accepted, 1 to the expert queue/u);
    assert.match(qc.stdout, /strikes histogram: 0:3 {2}1:0 {2}2:0 {2}3:0 {2}4:0 {2}5\+:1/u);
    const summary = JSON.parse(readFileSync(join(dir, 'qc.summary.json'), 'utf8')) as { pass_rate: Record<string, { rate: number }> };
    assert.equal(summary.pass_rate.medical_correctness?.rate, 6 / 8);

    const list = await run(['data', 'review', 'list', '--db', join(dir, 'review.db'), '--status', 'pending']);
    assert.match(list.stdout, /exam\/4\tpending\t10 strikes/u);
    const show = await run(['data', 'review', 'show', '--db', join(dir, 'review.db'), 'exam/4']);
    assert.match(show.stdout, /a · medical_correctness 1: scripted reason/u);
    const noReviewer = await run(['data', 'review', 'accept', '--db', join(dir, 'review.db'), 'exam/4']);
    assert.equal(noReviewer.code, 2);
    assert.match(noReviewer.stderr, /--reviewer/u);
    writeFileSync(join(dir, 'fixed.txt'), 'Pneumococcus is the commonest cause; reasoned step by step.');
    const edit = await run(['data', 'review', 'edit', '--db', join(dir, 'review.db'), '--reviewer', 'dr-zhang', '--set', `reasoning=@${join(dir, 'fixed.txt')}`, 'exam/4']);
    assert.equal(edit.code, 0, edit.stderr);
    const verify = await run(['data', 'review', 'verify', '--db', join(dir, 'review.db')]);
    assert.match(verify.stdout, /^ok: 2 log entries verified/u);
    const exported = await run(['data', 'review', 'export', '--db', join(dir, 'review.db'), '--out', join(dir, 'validated.jsonl')]);
    assert.match(exported.stdout, /exported 1 validated item/u);
    assert.equal(lines(join(dir, 'validated.jsonl'))[0]?.reasoning, 'Pneumococcus is the commonest cause; reasoned step by step.');

    writeFileSync(join(dir, 'all.jsonl'), readFileSync(join(dir, 'qc.jsonl'), 'utf8') + readFileSync(join(dir, 'validated.jsonl'), 'utf8') + (readFileSync(join(dir, 'qc.jsonl'), 'utf8').split('\n')[0] ?? '') + '\n');
    const dedup = await run(['data', 'dedup', '--input', join(dir, 'all.jsonl'), '--out', join(dir, 'dedup.jsonl'), '--removed', join(dir, 'dups.jsonl')]);
    assert.equal(dedup.code, 0, dedup.stderr);
    assert.match(dedup.stdout, /kept 4 of 5 items .*removed 1 exact and 0 near/u);

    mkdirSync(join(dir, 'bench'));
    writeFileSync(join(dir, 'bench', 'b.jsonl'), JSON.stringify({ realidx: 'b-9', question: 'Which vitamin deficiency causes scurvy with bleeding gums and poor wound healing in sailors', options: { A: 'A', B: 'B1', C: 'C', D: 'D' }, answer_idx: 'C', answer: 'C' }) + '\n');
    const decontam = await run(['data', 'decontam', '--input', join(dir, 'dedup.jsonl'), '--bench', join(dir, 'bench'), '--out', join(dir, 'clean.jsonl')]);
    assert.equal(decontam.code, 0, decontam.stderr);
    assert.match(decontam.stdout, /kept 3 of 4 items/u);
    const report = JSON.parse(readFileSync(join(dir, 'clean.contamination.json'), 'utf8')) as { contaminated: Array<{ id: string; matches: Array<{ item_id: string }> }> };
    assert.deepEqual(report.contaminated.map((entry) => [entry.id, entry.matches[0]?.item_id]), [['exam/2', 'b-9']]);

    writeFileSync(join(dir, 'guard.jsonl'), ['h1', 'h2', 'b1', 'b2'].map((id) => JSON.stringify({ id, text: `prompt ${id}`, label: id.startsWith('h') ? 'harmful' : 'benign', dimension: 'medication_safety', language: 'en' })).join('\n') + '\n');
    const mix = await run(['data', 'mix', '--source', `knowledge=${join(dir, 'clean.jsonl')}`, '--source', `guard=${join(dir, 'guard.jsonl')}`, '--ratio', 'knowledge=0.6,guard=0.4', '--seed', '3', '--out', join(dir, 'mix.jsonl')]);
    assert.equal(mix.code, 0, mix.stderr);
    assert.match(mix.stdout, /wrote 5 records/u);
    const again = await run(['data', 'mix', '--source', `knowledge=${join(dir, 'clean.jsonl')}`, '--source', `guard=${join(dir, 'guard.jsonl')}`, '--ratio', 'knowledge=0.6,guard=0.4', '--seed', '3', '--out', join(dir, 'mix2.jsonl')]);
    assert.equal(again.code, 0);
    assert.equal(readFileSync(join(dir, 'mix.jsonl'), 'utf8'), readFileSync(join(dir, 'mix2.jsonl'), 'utf8'), 'same seed, same mix');

    const sft = await run(['data', 'export', '--input', join(dir, 'clean.jsonl'), '--format', 'llamafactory-sharegpt', '--out', join(dir, 'lf')]);
    assert.equal(sft.code, 0, sft.stderr);
    const rows = await readBackExport(join(dir, 'lf', 'safemed_sft.jsonl'), 'llamafactory-sharegpt');
    assert.equal(rows.length, 3);
    assert.match(JSON.stringify(rows[0]), /<think>\\n.*<\/think>\\n<answer>\\nThe answer is/u);
    assert.ok(existsSync(join(dir, 'lf', 'dataset_info.json')));
    const grpo = await run(['data', 'export', '--input', join(dir, 'mix.jsonl'), '--format', 'verl', '--stage', 'grpo', '--out', join(dir, 'verl')]);
    assert.equal(grpo.code, 0, grpo.stderr);
    assert.equal((await readBackExport(join(dir, 'verl', 'safemed_grpo.parquet'), 'verl')).length, 5);
  } finally {
    await Promise.all([teacher.close(), judgeA.close(), judgeB.close()]);
  }
});

test('cot killed with SIGKILL mid-run: --resume redoes nothing already done and loses nothing', async () => {
  const dir = temporaryFolder('cli-kill');
  const rows = Array.from({ length: 14 }, (_, index) => ({ id: String(index), question: `question number ${index} about clinical reasoning [key B]`, answer: 'B' }));
  const exam = writeExamFile(dir, rows);
  let stuck: () => void = () => undefined;
  const bothLanesStuck = new Promise<void>((resolve) => (stuck = resolve));
  // 6 answers, then every request hangs; with 2 lanes, the 8th request means items 1–6 are logged.
  const hanging = await startScriptedUpstream((request) => {
    if (request.index === 7) stuck();
    return request.index < 6 ? teacherReply(request) : { fault: 'hang' };
  });
  const out = join(dir, 'cot.jsonl');
  const first = cli(['data', 'cot', '--input', `exam:${exam}`, '--teacher', `openai:${hanging.baseURL}`, '--out', out, '--concurrency', '2', '--progress', 'none']);
  await bothLanesStuck;
  first.kill();
  const killed = await first.done;
  await hanging.close();
  assert.equal(killed.signal, 'SIGKILL');
  assert.equal(existsSync(out), false, 'the output is only written at the end');
  assert.equal(readFileSync(`${out}.log.jsonl`, 'utf8').trim().split('\n').length, 6);

  const teacher = await startScriptedUpstream(teacherReply);
  try {
    const refused = await run(['data', 'cot', '--input', `exam:${exam}`, '--teacher', `openai:${teacher.baseURL}`, '--out', out, '--concurrency', '2', '--progress', 'none']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists[\s\S]*--resume/u);
    const resumed = await run(['data', 'cot', '--input', `exam:${exam}`, '--teacher', `openai:${teacher.baseURL}`, '--out', out, '--concurrency', '2', '--progress', 'none', '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /wrote 14 CoT items .* 8 new, 6 from the resume log/u);
    assert.equal(teacher.requests.length, 8, 'only the unfinished items are asked');
    assert.deepEqual(lines(out).map((record) => record.id), rows.map((row) => `exam/${row.id}`));
  } finally {
    await teacher.close();
  }
});

test('clear errors: a malformed input line names file:line and the fix; an unknown dimension lists the known ones', async () => {
  const dir = temporaryFolder('cli-errors');
  writeFileSync(join(dir, 'bad.jsonl'), '{"id":"a","text":"fine"}\n{not json\n');
  const bad = await run(['data', 'dedup', '--input', join(dir, 'bad.jsonl'), '--out', join(dir, 'out.jsonl')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.jsonl:2: not valid JSON/u);
  assert.doesNotMatch(bad.stderr, /\n\s+at /u, 'no stack trace');
  const dims = await run(['data', 'ethics', '--teacher', 'openai:http://127.0.0.1:9/v1', '--dimensions', 'nonsense', '--out', join(dir, 'e.jsonl')]);
  assert.equal(dims.code, 2);
  assert.match(dims.stderr, /unknown dimension "nonsense"[\s\S]*medication_safety/u);
  const qc = await run(['data', 'qc', '--input', join(dir, 'bad.jsonl'), '--judge', 'openai:http://127.0.0.1:9/v1', '--out', join(dir, 'q.jsonl')]);
  assert.equal(qc.code, 2);
  assert.match(qc.stderr, /bad\.jsonl:2/u);
});
