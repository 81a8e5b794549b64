// `data dedup` and `data decontam`: planted near duplicates (EN and ZH) found, nothing else on a clean set; planted benchmark items found and named.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildBenchmarkIndex } from '../../src/data/decontam/build-benchmark-index.js';
import { decontaminateItems } from '../../src/data/decontam/decontaminate-items.js';
import { dedupItems } from '../../src/data/dedup/dedup-items.js';
import { createSeededRandom } from '../../src/eval/engine/sample-items.js';
import { temporaryFolder } from './data-helpers.js';

const AGES = [23, 31, 38, 45, 52, 59, 64, 71, 77, 84];
const COMPLAINTS = ['crushing chest pain', 'a two-day fever with neck stiffness', 'sudden painless vision loss', 'progressive shortness of breath', 'bloody diarrhoea', 'a painful swollen knee', 'new confusion and slurred speech', 'severe flank pain with haematuria', 'a widespread itchy rash', 'palpitations and dizziness'];
const FINDINGS = ['blood pressure 90/60 mmHg', 'a temperature of 39.2 °C', 'a heart rate of 128 beats per minute', 'oxygen saturation of 88 % on room air', 'a haemoglobin of 7.9 g/dL', 'a serum potassium of 6.4 mmol/L', 'a white cell count of 18,000 per microlitre', 'a positive Kernig sign', 'an irregularly irregular pulse', 'a creatinine of 310 µmol/L'];
const ASKS = ['What is the most appropriate next step in management?', 'Which investigation should be performed first?', 'What is the most likely diagnosis?', 'Which drug is contraindicated in this patient?'];
const ZH_SUBJECTS = ['患者男性，六十五岁，因反复上腹痛三年，加重伴黑便两天入院', '患儿女，四岁，发热咳嗽五天，精神差，呼吸急促', '产妇二十八岁，孕三十六周，突发头痛视物模糊', '老年女性，跌倒后右髋部疼痛不能站立', '青年男性，饮酒后剧烈呕吐，继而出现胸骨后剧痛', '中年女性，多饮多尿体重下降两个月'];
const ZH_FINDINGS = ['查体血压八十比五十毫米汞柱，心率一百二十次每分', '听诊右下肺可闻及湿啰音，血氧饱和度百分之九十', '尿蛋白三个加号，双下肢水肿明显', '右下肢缩短外旋畸形，局部压痛', '颈部皮下气肿，左侧呼吸音减低', '空腹血糖十六毫摩尔每升，尿酮体阳性'];
const ZH_ASKS = ['最可能的诊断是什么？', '首选的检查是什么？', '下一步最恰当的处理是什么？'];

/** A clean set: exam-like vignettes built from shared templates (so items overlap a lot) but no two alike. */
function cleanItems(): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  let id = 0;
  for (const [a, age] of AGES.entries()) {
    for (const [c, complaint] of COMPLAINTS.entries()) {
      const finding = FINDINGS[(a + c) % FINDINGS.length] ?? '';
      const ask = ASKS[(a * 3 + c) % ASKS.length] ?? '';
      items.push({ id: `en-${id++}`, question: `A ${age}-year-old ${a % 2 === 0 ? 'man' : 'woman'} presents to the emergency department with ${complaint}. Examination shows ${finding}. ${ask}`, options: { A: 'option one', B: 'option two' }, response: `<think>The key facts are ${complaint} and ${finding}.</think><answer>The answer is A</answer>` });
    }
  }
  for (const [s, subject] of ZH_SUBJECTS.entries()) {
    for (const [f, finding] of ZH_FINDINGS.entries()) {
      items.push({ id: `zh-${id++}`, text: `${subject}。${finding}。${ZH_ASKS[(s + f) % ZH_ASKS.length] ?? ''}` });
    }
  }
  return items;
}

function writeJsonl(path: string, records: Array<Record<string, unknown>>): string {
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
  return path;
}

function readIds(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id);
}

test('dedup: a clean set of similar-looking items loses nothing', async () => {
  const folder = temporaryFolder('dedup-clean');
  const items = cleanItems();
  const result = await dedupItems({ input: writeJsonl(join(folder, 'in.jsonl'), items), out: join(folder, 'kept.jsonl'), removed: join(folder, 'removed.jsonl'), threshold: 0.8 });
  assert.deepEqual([result.items, result.kept, result.removedExact, result.removedNear], [items.length, items.length, 0, 0]);
  assert.equal(readIds(join(folder, 'kept.jsonl')).length, items.length);
});

test('dedup: planted exact and near duplicates (EN word shingles, ZH character shingles) are found; the best-scored item of each cluster is kept', async () => {
  const folder = temporaryFolder('dedup-planted');
  const items = cleanItems();
  const random = createSeededRandom(3);
  const english = items.filter((item) => String(item.id).startsWith('en-'));
  const chinese = items.filter((item) => String(item.id).startsWith('zh-'));
  const planted: Array<Record<string, unknown>> = [];
  // exact duplicate up to case, punctuation and spacing
  const exactSource = english[5] ?? {};
  planted.push({ ...exactSource, id: 'dup-exact', question: String(exactSource.question).toUpperCase().replace(/\./g, ' .  ') });
  // English near duplicate: one word changed in a long item, scored higher than its source → kept instead
  const nearSource = english[17] ?? {};
  planted.push({ ...nearSource, id: 'dup-near-en', question: String(nearSource.question).replace('presents to', 'comes to'), qc: { score: 4.8 } });
  // Chinese near duplicate: two characters changed
  const zhSource = chinese.find((item) => String(item.text).includes('查体') && String(item.text).includes('上腹痛')) ?? {};
  planted.push({ id: 'dup-near-zh', text: String(zhSource.text).replace('查体', '体检') });
  const all = [...items];
  for (const record of planted) all.splice(Math.floor(random() * all.length), 0, record);
  const result = await dedupItems({ input: writeJsonl(join(folder, 'in.jsonl'), all), out: join(folder, 'kept.jsonl'), removed: join(folder, 'removed.jsonl'), threshold: 0.8 });
  assert.equal(result.removedExact, 1);
  assert.equal(result.removedNear, 2);
  const removed = readFileSync(join(folder, 'removed.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; dedup: { duplicate_of: string; reason: string } });
  // Which copy of an unscored pair is kept depends on file order (the first); compare the pairs as sets.
  const pairs = removed.map((record) => [[record.id, record.dedup.duplicate_of].sort().join(' ~ '), record.dedup.reason]).sort();
  assert.deepEqual(pairs, [
    [[String(nearSource.id), 'dup-near-en'].sort().join(' ~ '), 'near'],
    [['dup-exact', String(exactSource.id)].sort().join(' ~ '), 'exact'],
    [['dup-near-zh', String(zhSource.id)].sort().join(' ~ '), 'near'],
  ].sort());
  assert.equal(removed.find((record) => record.id === String(nearSource.id))?.dedup.duplicate_of, 'dup-near-en', 'the higher-scored copy wins');
  assert.equal(readIds(join(folder, 'kept.jsonl')).includes('dup-near-en'), true, 'the higher-scored copy is kept');
});

test('decontam: planted benchmark items are found and named (EN 13-word and ZH 13-character n-grams); clean items are kept', async () => {
  const folder = temporaryFolder('decontam');
  const benchFolder = join(folder, 'bench');
  mkdirSync(join(benchFolder, 'cmmlu'), { recursive: true });
  const benchQuestion = 'Which enzyme deficiency causes the accumulation of galactose-1-phosphate in the liver of neonates fed breast milk';
  writeFileSync(join(benchFolder, 'mini_medqa.jsonl'), [
    JSON.stringify({ realidx: 'q-17', question: benchQuestion, options: { A: 'Galactokinase', B: 'GALT', C: 'Aldolase B', D: 'Lactase' }, answer_idx: 'B', answer: 'GALT' }),
    JSON.stringify({ realidx: 'q-18', question: 'An unrelated benchmark question about renal physiology and the loop of Henle in adults', options: { A: 'a', B: 'b' }, answer_idx: 'A', answer: 'a' }),
  ].join('\n') + '\n');
  const zhQuestion = '新生儿出生后第二天出现皮肤黄染，血清间接胆红素明显升高，最可能的原因是';
  writeFileSync(join(benchFolder, 'cmmlu', 'clinical.csv'), `,Question,A,B,C,D,Answer\n0,${zhQuestion},生理性黄疸,溶血病,胆道闭锁,肝炎,B\n`);
  writeFileSync(join(benchFolder, 'notes.json'), '{"not": "a benchmark"}');
  const items = [
    ...cleanItems().slice(0, 20),
    { id: 'leak-en', question: `Revision note: ${benchQuestion.toLowerCase()}?`, options: { A: 'x' }, response: '<think>…</think><answer>B</answer>' },
    { id: 'leak-zh', text: `练习：${zhQuestion}？请作答。` },
    { id: 'near-miss', question: 'Which enzyme deficiency causes the accumulation of glycogen in muscle?', options: { A: 'x' } },
  ];
  const index = await buildBenchmarkIndex([benchFolder]);
  assert.deepEqual(index.files.map((file) => file.benchmark).sort(), ['bench/cmmlu/clinical', 'bench/mini_medqa']);
  assert.equal(index.skipped.length, 1, 'notes.json is no benchmark and is listed as skipped');
  const result = await decontaminateItems({ input: writeJsonl(join(folder, 'in.jsonl'), items), out: join(folder, 'kept.jsonl'), removed: join(folder, 'removed.jsonl'), report: join(folder, 'report.json'), index });
  assert.deepEqual(result.entries.map((entry) => entry.id), ['leak-en', 'leak-zh']);
  assert.deepEqual(result.entries.map((entry) => [entry.matches[0]?.benchmark, entry.matches[0]?.item_id]), [['bench/mini_medqa', 'q-17'], ['bench/cmmlu/clinical', '0']]);
  assert.match(result.entries[0]?.matches[0]?.example ?? '', /^which enzyme deficiency causes the accumulation of galactose 1 phosphate in the liver/u);
  assert.ok((result.entries[1]?.matches[0]?.shared_ngrams ?? 0) >= 13);
  assert.equal(result.kept, 21);
  const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { contaminated: unknown[]; by_benchmark: Record<string, number> };
  assert.deepEqual(report.by_benchmark, { 'bench/mini_medqa': 1, 'bench/cmmlu/clinical': 1 });
  assert.equal(readIds(join(folder, 'removed.jsonl')).length, 2);
});
