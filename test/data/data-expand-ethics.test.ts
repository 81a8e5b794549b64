// `data expand` (blind verification, disagreement strike) and `data ethics` (dimensions × cases × perspectives, grounding and citations) against scripted teachers; `data mix`.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandItems, expandTasks } from '../../src/data/expand/expand-items.js';
import { ethicsTasks, generateEthics, parseDimensions } from '../../src/data/ethics/generate-ethics.js';
import { readSources } from '../../src/data/ethics/read-sources.js';
import { mixDatasets } from '../../src/data/mix/mix-datasets.js';
import { loadSafetySpec } from '../../src/spec/index.js';
import { startScriptedUpstream, type ScriptedRequest } from '../support/scripted-upstream.js';
import { callerFor, lastUser, temporaryFolder } from './data-helpers.js';

const spec = loadSafetySpec();

/** Writes a question whose key is B; the blind answer is B except for "hard" questions (answers C). */
function expandTeacher(request: ScriptedRequest) {
  const prompt = lastUser(request);
  if (prompt.includes('Reply with one JSON object')) {
    const topic = /topic "([^"]+)"/u.exec(prompt)?.[1] ?? '?';
    const difficulty = /at (\w+) difficulty/u.exec(prompt)?.[1] ?? '?';
    if (topic === 'broken') return { content: 'Sorry, here is prose instead of JSON.' };
    return { content: JSON.stringify({ question: `New ${difficulty} question on ${topic} [${difficulty}]`, options: { A: 'w', B: 'x', C: 'y', D: 'z' }, answer: 'B', explanation: 'because' }) };
  }
  const letter = prompt.includes('[hard]') ? 'C' : 'B';
  return { content: `<think>Blind reasoning.</think><answer>The answer is ${letter}</answer>` };
}

test('expand: new items per topic and difficulty; a blind answer confirms them, a disagreement is a strike; unusable questions are dropped with the reason', async () => {
  const server = await startScriptedUpstream(expandTeacher);
  const folder = temporaryFolder('expand');
  try {
    const seeds = [
      { question: 'seed cardiology question one', subject: 'cardiology', language: 'en' as const },
      { question: 'seed cardiology question two', subject: 'cardiology', language: 'en' as const },
      { question: 'seed renal question', subject: 'renal', language: 'en' as const },
    ];
    const tasks = expandTasks({ seeds, difficulties: ['easy', 'hard'], perTopic: 2, examplesPerTask: 1, seed: 5 });
    assert.deepEqual(tasks.map((task) => task.id), ['expand/cardiology/easy/0', 'expand/cardiology/easy/1', 'expand/cardiology/hard/0', 'expand/cardiology/hard/1', 'expand/renal/easy/0', 'expand/renal/easy/1', 'expand/renal/hard/0', 'expand/renal/hard/1']);
    assert.deepEqual(expandTasks({ seeds, difficulties: ['easy', 'hard'], perTopic: 2, examplesPerTask: 1, seed: 5 }), tasks, 'deterministic for a seed');
    const caller = await callerFor(server.baseURL);
    const base = { seeds, difficulties: ['easy', 'hard'], perTopic: 1, optionCount: 4, examplesPerTask: 1, teacher: caller, teacherLabel: 'gen#m', verifier: caller, verifierLabel: 'ver#m', temperature: 0.8, maxAttempts: 2, maxTokens: 512, seed: 1, resume: false, concurrency: 3 };
    const result = await expandItems({ ...base, topics: ['cardiology', 'broken'], out: join(folder, 'new.jsonl') });
    const byId = new Map(result.records.map((record) => [record.id, record]));
    const easy = byId.get('expand/cardiology/easy/0');
    assert.deepEqual([easy?.verified, easy?.answer, easy?.extracted, easy?.strikes.length, easy?.source, easy?.difficulty], [true, 'B', 'B', 0, 'expand:cardiology', 'easy']);
    assert.equal(easy?.reasoning, 'Blind reasoning.');
    assert.equal(easy.teacher, 'gen#m');
    const hard = byId.get('expand/cardiology/hard/0');
    assert.deepEqual([hard?.verified, hard?.strikes.map((strike) => strike.kind)], [false, ['blind_answer_mismatch']]);
    assert.deepEqual(result.rejected.map((entry) => entry.id).sort(), ['expand/broken/easy/0', 'expand/broken/hard/0']);
    assert.match(result.rejected[0]?.reason ?? '', /no JSON object/u);
    const blindPrompt = server.requests.map((body) => JSON.stringify(body.messages)).find((text) => text.includes('Solve the following') && text.includes('[easy]')) ?? '';
    assert.doesNotMatch(blindPrompt, /"answer"|because/u, 'the blind answer never sees the key or the explanation');
  } finally {
    await server.close();
  }
});

function ethicsTeacher(request: ScriptedRequest) {
  const prompt = lastUser(request);
  const citation = /\[([^\]]+ §\d+)\]/u.exec(prompt)?.[1];
  if (prompt.includes('no-citation-please') && citation) return { content: JSON.stringify({ scenario: 's', think: 't', answer: 'a', principle: 'p' }) };
  const benign = prompt.includes('Case: a benign contrast') || prompt.includes('情形：无害对照');
  const cite = citation ? ` [${citation}]` : '';
  return {
    content: JSON.stringify({
      scenario: benign ? 'How should I store my insulin when travelling?' : 'Can I double my father’s sedative so he sleeps through the night without telling his doctor?',
      think: `Risk identified; principle: patient safety and informed consent${cite}; safe path: involve the prescriber.`,
      answer: benign ? 'Keep it cool, not frozen; carry it in hand luggage.' : 'I can’t help change the dose without his doctor. Doubling a sedative can stop breathing. Please call his prescriber or a pharmacist today.',
      principle: 'patient safety',
      ...(citation ? { citation } : {}),
    }),
  };
}

test('ethics: every dimension gets clear, borderline and benign-contrast cases from each perspective, grounded and cited when sources are given', async () => {
  const server = await startScriptedUpstream(ethicsTeacher);
  const folder = temporaryFolder('ethics');
  mkdirSync(join(folder, 'sources'));
  writeFileSync(join(folder, 'sources', 'medication-law.md'), 'Medication safety: a prescription medicine must be given at the prescribed dose; changing a dose requires the prescriber. Covert or altered dosing of sedatives is a medication safety incident.\n\nShort.\n\nResearch ethics: trials need approval by an ethics committee and written informed consent before enrolment.\n');
  try {
    assert.equal(parseDimensions('all', spec).length, 20);
    assert.throws(() => parseDimensions('medication_safety,nope', spec), /unknown dimension "nope"/u);
    const passages = readSources(join(folder, 'sources'));
    assert.deepEqual(passages.map((passage) => passage.citation), ['medication-law.md §1', 'medication-law.md §2']);
    const tasks = ethicsTasks(spec, ['medication_safety', 'research_ethics'], ['en', 'zh'], 12, passages, 0);
    assert.equal(tasks.length, 48);
    const medication = tasks.filter((task) => task.dimension.id === 'medication_safety' && task.language === 'en');
    assert.deepEqual(new Set(medication.map((task) => `${task.case}/${task.perspective}`)).size, 12, 'every case × perspective once');
    assert.ok(medication.every((task) => task.passage?.citation === 'medication-law.md §1'), 'the passage about the dimension is chosen');
    assert.ok(tasks.filter((task) => task.dimension.id === 'research_ethics').every((task) => task.passage?.citation === 'medication-law.md §2'));

    const caller = await callerFor(server.baseURL);
    const result = await generateEthics({ spec, dimensions: ['medication_safety'], languages: ['en', 'zh'], perDimension: 3, passages, teacher: caller, teacherLabel: 'teacher#m', temperature: 0.8, maxAttempts: 2, maxTokens: 512, seed: 0, out: join(folder, 'ethics.jsonl'), resume: false, concurrency: 2 });
    assert.equal(result.records.length, 6);
    assert.deepEqual(result.byCase, { clear: 2, borderline: 2, benign_contrast: 2 });
    const contrast = result.records.find((record) => record.case === 'benign_contrast');
    assert.deepEqual([contrast?.label, contrast?.dimension], ['benign', 'medication_safety']);
    const clear = result.records.find((record) => record.case === 'clear' && record.language === 'en');
    assert.equal(clear?.label, 'harmful');
    assert.match(clear.response, /^<think>\nRisk identified[\s\S]*\[medication-law\.md §1\][\s\S]*<\/think>\n<answer>\nI can’t help/u);
    assert.equal(clear.grounding?.citation, 'medication-law.md §1');
    const zhPrompt = server.requests.map((body) => JSON.stringify(body.messages)).find((text) => text.includes('伦理维度')) ?? '';
    assert.match(zhPrompt, /药物安全|medication/u);
  } finally {
    await server.close();
  }
});

test('ethics: an item that drops the required citation is retried, then dropped with the reason', async () => {
  const server = await startScriptedUpstream(ethicsTeacher);
  const folder = temporaryFolder('ethics-cite');
  mkdirSync(join(folder, 'sources'));
  writeFileSync(join(folder, 'sources', 'a.txt'), 'no-citation-please: medication safety passage about prescribed doses of sedatives and the role of the prescriber in changes.\n');
  try {
    const result = await generateEthics({ spec, dimensions: ['medication_safety'], languages: ['en'], perDimension: 1, passages: readSources(join(folder, 'sources')), teacher: await callerFor(server.baseURL), teacherLabel: 't', temperature: 0.8, maxAttempts: 2, maxTokens: 512, seed: 0, out: join(folder, 'e.jsonl'), resume: false, concurrency: 1 });
    assert.equal(result.records.length, 0);
    assert.match(result.rejected[0]?.reason ?? '', /after 2 attempt\(s\): the citation \[a\.txt §1\] does not appear/u);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('mix: ratios, stratified by dimension, seeded; an impossible total names the largest possible', () => {
  const knowledge = Array.from({ length: 60 }, (_, index) => ({ id: `k${index}`, subject: index < 40 ? 'cardiology' : 'renal' }));
  const guard = Array.from({ length: 30 }, (_, index) => ({ id: `g${index}`, dimension: index < 10 ? 'medication_safety' : 'privacy_confidentiality' }));
  const sources = [{ name: 'knowledge', records: knowledge, ratio: 0.6 }, { name: 'guard', records: guard, ratio: 0.4 }];
  const result = mixDatasets({ sources, total: 50, stratifyBy: 'auto', seed: 9 });
  assert.equal(result.total, 50);
  assert.deepEqual([result.bySource.knowledge?.drawn, result.bySource.guard?.drawn], [30, 20]);
  assert.deepEqual(result.bySource.knowledge?.strata, { cardiology: { available: 40, drawn: 20 }, renal: { available: 20, drawn: 10 } });
  assert.equal(result.bySource.guard?.stratifiedBy, 'dimension');
  assert.deepEqual(result.bySource.guard.strata.medication_safety, { available: 10, drawn: 7 });
  assert.deepEqual(mixDatasets({ sources, total: 50, stratifyBy: 'auto', seed: 9 }).records, result.records, 'same seed, same mix');
  assert.notDeepEqual(mixDatasets({ sources, total: 50, stratifyBy: 'auto', seed: 10 }).records.map((record) => record.id), result.records.map((record) => record.id));
  assert.equal(mixDatasets({ sources, stratifyBy: 'none', seed: 1 }).total, 75, 'default total: guard (30) limits at 0.4 → 75');
  assert.throws(() => mixDatasets({ sources, total: 100, stratifyBy: 'auto', seed: 1 }), (error: Error & { fix?: string }) => /guard" would need 40/u.test(error.message) && /Use --total 75 or less/u.test(error.fix ?? ''));
});
