// `data cot` against a scripted teacher on 127.0.0.1: verified and unverified answers, retries with the temperature schedule, resume.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cotTasksOf, loadExamItems } from '../../src/data/cot/load-exam-items.js';
import { runCot } from '../../src/data/cot/run-cot.js';
import type { CotRecord } from '../../src/data/data-record.js';
import { startScriptedUpstream, type ScriptedRequest } from '../support/scripted-upstream.js';
import { callerFor, lastUser, temporaryFolder, writeExamFile } from './data-helpers.js';

/** Right at once for "easy", right only at temperature > 0 for "retry", always wrong for "hard", no reasoning for "blank". */
function teacher(request: ScriptedRequest) {
  const prompt = lastUser(request);
  const key = /\[key ([A-D])\]/.exec(prompt)?.[1] ?? 'A';
  const wrong = key === 'A' ? 'B' : 'A';
  const temperature = Number(request.body.temperature ?? 0);
  if (prompt.includes('blank')) return { content: `<answer>The answer is ${key}</answer>` };
  const letter = prompt.includes('easy') ? key : prompt.includes('retry') ? (temperature > 0 ? key : wrong) : wrong;
  return { content: `<think>Step 1: read the facts. Step 2: weigh the options. So ${letter}.</think><answer>Because of step 2. The answer is ${letter}</answer>` };
}

const ROWS = [
  { id: '1', question: 'easy question one [key C]', answer: 'C' },
  { id: '2', question: 'retry question two [key B]', answer: 'B' },
  { id: '3', question: 'hard question three [key D]', answer: 'D' },
  { id: '4', question: 'blank question four [key A]', answer: 'A' },
];

test('cot: verified answers, retries on the temperature schedule, unverified kept with a strike and provenance', async () => {
  const server = await startScriptedUpstream(teacher);
  const folder = temporaryFolder('cot');
  try {
    const items = await loadExamItems([`exam:${writeExamFile(folder, ROWS)}`]);
    assert.equal(items.length, 4);
    const out = join(folder, 'cot.jsonl');
    const result = await runCot({ tasks: cotTasksOf(items, 1), teacher: await callerFor(server.baseURL), teacherLabel: 'scripted', temperatures: [0, 0.5, 1], maxAttempts: 3, maxTokens: 512, seed: 7, out, resume: false, concurrency: 4 });
    assert.equal(result.complete, true);
    const byId = new Map(result.records.map((record) => [record.id, record]));
    const easy = byId.get('exam/1');
    assert.deepEqual([easy?.verified, easy?.attempts, easy?.extracted, easy?.strikes.length], [true, 1, 'C', 0]);
    assert.match(easy?.response ?? '', /^<think>\nStep 1[\s\S]*<\/think>\n<answer>\n[\s\S]*The answer is C\n<\/answer>$/u);
    assert.equal(easy?.reasoning.startsWith('Step 1'), true);
    const retry = byId.get('exam/2');
    assert.deepEqual([retry?.verified, retry?.attempts, retry?.temperatures], [true, 2, [0, 0.5]]);
    const hard = byId.get('exam/3');
    assert.deepEqual([hard?.verified, hard?.attempts, hard?.temperatures, hard?.extracted], [false, 3, [0, 0.5, 1], 'A']);
    assert.deepEqual(hard?.strikes.map((strike) => strike.kind), ['unverified_answer']);
    const blank = byId.get('exam/4');
    assert.equal(blank?.verified, false, 'a right letter without reasoning is not a verified chain of thought');
    assert.equal(blank.attempts, 3);
    for (const record of result.records) {
      assert.equal(record.teacher, 'scripted');
      assert.equal(record.prompt_version, 'cot-1');
      assert.equal(record.settings_hash, result.settingsHash);
      assert.equal(record.source, 'exam');
    }
    assert.equal(server.requests.length, 1 + 2 + 3 + 3);
    const written = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as CotRecord);
    assert.deepEqual(written.map((record) => record.id), ['exam/1', 'exam/2', 'exam/3', 'exam/4'], 'input order');
    assert.equal(server.requests[0]?.temperature, 0);
    assert.equal(typeof server.requests[0].seed, 'number', 'a seed per attempt');
  } finally {
    await server.close();
  }
});

test('cot: a killed run resumes without redoing finished items and loses nothing; another settings hash redoes', async () => {
  const server = await startScriptedUpstream(teacher);
  const folder = temporaryFolder('cot-resume');
  try {
    const rows = Array.from({ length: 12 }, (_, index) => ({ id: String(index), question: `easy question ${index} [key B]`, answer: 'B' }));
    const tasks = cotTasksOf(await loadExamItems([`exam:${writeExamFile(folder, rows)}`]), 1);
    const out = join(folder, 'cot.jsonl');
    const base = { tasks, teacher: await callerFor(server.baseURL), teacherLabel: 'scripted', temperatures: [0], maxAttempts: 1, maxTokens: 256, seed: 1, out, concurrency: 2 };
    const first = await runCot({ ...base, resume: false, stopAfter: 5 });
    assert.equal(first.complete, false);
    const done = first.records.length;
    assert.ok(done >= 5 && done < 12, `stopped part-way (${done})`);
    await assert.rejects(runCot({ ...base, resume: false }), /already exists[\s\S]*/u);
    const requestsBefore = server.requests.length;
    const second = await runCot({ ...base, resume: true });
    assert.equal(second.complete, true);
    assert.equal(second.reusedRecords, done);
    assert.equal(second.newRecords, 12 - done);
    assert.equal(server.requests.length - requestsBefore, 12 - done, 'nothing finished is asked again');
    assert.deepEqual(second.records.map((record) => record.id), rows.map((row) => `exam/${row.id}`));
    const third = await runCot({ ...base, seed: 2, resume: true });
    assert.equal(third.newRecords, 12, 'a different seed is a different settings hash');
  } finally {
    await server.close();
  }
});

test('cot: --samples K gives K records per question with distinct ids', async () => {
  const server = await startScriptedUpstream(teacher);
  const folder = temporaryFolder('cot-samples');
  try {
    const tasks = cotTasksOf(await loadExamItems([`exam:${writeExamFile(folder, ROWS.slice(0, 2))}`]), 3);
    const result = await runCot({ tasks, teacher: await callerFor(server.baseURL), teacherLabel: 'scripted', temperatures: [0, 0.5, 1], maxAttempts: 2, maxTokens: 256, seed: 1, out: join(folder, 'cot.jsonl'), resume: false, concurrency: 3 });
    assert.deepEqual(result.records.map((record) => record.id), ['exam/1', 'exam/1#1', 'exam/1#2', 'exam/2', 'exam/2#1', 'exam/2#2']);
    assert.deepEqual(result.records.find((record) => record.id === 'exam/2#1')?.temperatures, [0.5], 'sample k starts k steps into the schedule');
  } finally {
    await server.close();
  }
});
