/**
 * Data pipeline throughput on this machine (2 cores, shared with other jobs — figures vary with load):
 * 1. `data dedup` + `data decontam` of 300,000 synthetic items (exam-like vignettes with a reasoning
 *    response, 60 % English / 40 % Chinese, 1 % planted near duplicates, 0.5 % exact duplicates,
 *    200 planted benchmark questions) against every benchmark file under ../shared/data/bench that an
 *    eval loader reads: wall time of each step and peak RSS (target ≤ 5 min, ≤ 2 GB);
 * 2. items per second of `data cot` and `data qc` (two judges) against instant scripted teacher and
 *    judge servers on 127.0.0.1 at concurrency 64 (servers and client share one process).
 * Usage: node --import tsx bench/data-dedup.ts [--items N] [--bench-dir DIR]
 */
import { existsSync, mkdtempSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../src/backends/registry.js';
import { runCot } from '../src/data/cot/run-cot.js';
import type { CotTask } from '../src/data/cot/write-cot.js';
import { buildBenchmarkIndex } from '../src/data/decontam/build-benchmark-index.js';
import { decontaminateItems } from '../src/data/decontam/decontaminate-items.js';
import { dedupItems } from '../src/data/dedup/dedup-items.js';
import { createModelCaller } from '../src/data/engine/create-model-caller.js';
import { streamJsonl } from '../src/data/engine/read-jsonl.js';
import { loadPipelinePrompts } from '../src/data/engine/load-pipeline-prompts.js';
import { DEFAULT_STRIKE_RULES } from '../src/data/qc/count-strikes.js';
import { createCriteriaJudge } from '../src/data/qc/create-criteria-judge.js';
import { runQc } from '../src/data/qc/run-qc.js';
import { createRateLimiter } from '../src/eval/engine/create-rate-limiter.js';
import { loadBenchmark } from '../src/eval/loaders/load-benchmark.js';
import { createSeededRandom } from '../src/eval/engine/sample-items.js';
import { loadSafetySpec } from '../src/spec/index.js';
import { startScriptedUpstream } from '../test/support/scripted-upstream.js';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const total = Number(argument('--items') ?? 300_000);
const benchDir = argument('--bench-dir') ?? join(process.cwd(), '..', 'shared', 'data', 'bench');
const folder = mkdtempSync(join(tmpdir(), 'bench-data-'));
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---- 1. synthetic items ----
const random = createSeededRandom(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const EN_WORDS = 'patient presents fever cough chest pain dyspnoea nausea vomiting headache rash fatigue weight loss abdominal tenderness jaundice oedema hypertension diabetes asthma infection antibiotic dose renal hepatic cardiac pulmonary neurological acute chronic history examination laboratory imaging diagnosis treatment management first line therapy contraindicated elevated reduced normal serum level count culture biopsy ultrasound radiograph tomography infusion oral intravenous daily weekly monitor follow review refer urgent elderly child pregnant adult male female'.split(' ');
const ZH_CHARS = '患者男女性岁因反复发热咳嗽胸痛腹痛头痛恶心呕吐乏力体重下降黄疸水肿高血压糖尿病哮喘感染抗生素剂量肾肝心肺神经急慢病史查体实验室影像诊断治疗首选禁忌升高降低正常血清水平计数培养活检超声检查静脉口服每日复查转诊老年儿童孕妇成人'.split('');
const randomWords = (count: number) => Array.from({ length: count }, () => pick(EN_WORDS)).join(' ');
const randomChars = (count: number) => Array.from({ length: count }, () => pick(ZH_CHARS)).join('');

async function plantedBenchQuestions(): Promise<string[]> {
  const questions: string[] = [];
  for (const file of ['medmcqa_dev_subset.jsonl', 'cmexam_val.jsonl', 'mmlu_medical.jsonl']) {
    const path = join(benchDir, file);
    if (!existsSync(path)) continue;
    const benchmark = await loadBenchmark({ name: file, path });
    for (const item of benchmark.items.slice(0, 400)) if (item.kind === 'multiple-choice' && item.question.length > 80) questions.push(item.question);
  }
  return questions;
}

const planted = await plantedBenchQuestions();
const input = join(folder, 'items.jsonl');
const descriptor = openSync(input, 'w');
const recent: string[] = [];
let buffer = '';
for (let index = 0; index < total; index += 1) {
  let text: string;
  let id = `syn-${index}`;
  const roll = random();
  if (roll < 0.01 && recent.length > 0) text = pick(recent).replace(/\b\w+\b/u, 'altered'); // near duplicate
  else if (roll < 0.015 && recent.length > 0) text = pick(recent).toUpperCase(); // exact up to case
  else if (roll < 0.015 + 200 / total && planted.length > 0) {
    text = `Practice item: ${pick(planted)}`;
    id = `planted-${index}`;
  } else text = index % 5 < 3 ? `A ${20 + (index % 60)}-year-old ${randomWords(45)}? ${randomWords(60)}` : `${randomChars(70)}？${randomChars(90)}`;
  if (id.startsWith('planted')) {
    // planted items are not copied again as near duplicates
  } else if (recent.length < 1000) recent.push(text);
  else if (random() < 0.01) recent[Math.floor(random() * recent.length)] = text;
  buffer += JSON.stringify({ id, text, score: Math.round(random() * 40) / 10 + 1 }) + '\n';
  if (buffer.length > 1 << 20) {
    writeSync(descriptor, buffer);
    buffer = '';
  }
}
writeSync(descriptor, buffer);
closeSync(descriptor);

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
let cpu = process.cpuUsage();
let started = performance.now();
const dedup = await dedupItems({ input, out: join(folder, 'deduped.jsonl'), removed: join(folder, 'dups.jsonl'), threshold: 0.8 });
const dedupSeconds = (performance.now() - started) / 1000;
const dedupCpu = cpuSeconds(cpu);
cpu = process.cpuUsage();
started = performance.now();
const index = await buildBenchmarkIndex(existsSync(benchDir) ? [benchDir] : []);
const indexSeconds = (performance.now() - started) / 1000;
const indexCpu = cpuSeconds(cpu);
cpu = process.cpuUsage();
started = performance.now();
const decontam = await decontaminateItems({ input: join(folder, 'deduped.jsonl'), out: join(folder, 'clean.jsonl'), removed: join(folder, 'contaminated.jsonl'), report: join(folder, 'report.json'), index });
const decontamSeconds = (performance.now() - started) / 1000;
const decontamCpu = cpuSeconds(cpu);
let plantedAfterDedup = 0;
for await (const { record } of streamJsonl(join(folder, 'deduped.jsonl'))) if (String(record.id).startsWith('planted-')) plantedAfterDedup += 1;
const plantedFound = decontam.entries.filter((entry) => entry.id.startsWith('planted-')).length;
console.log(`dedup + decontam of ${total.toLocaleString('en')} synthetic items (machine: 2 cores shared with other jobs; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')} — wall time grows with the load, CPU time does not)`);
console.log(`  dedup:    ${dedupSeconds.toFixed(1)} s wall, ${dedupCpu.toFixed(1)} s CPU — ${dedup.removedExact} exact + ${dedup.removedNear} near duplicates removed in ${dedup.clusters} clusters (LSH ${dedup.bands} bands × ${dedup.rows} rows, ${dedup.candidatePairs} candidate pairs checked)`);
console.log(`  index:    ${indexSeconds.toFixed(1)} s wall, ${indexCpu.toFixed(1)} s CPU — ${index.files.length} benchmark files, ${index.items.length.toLocaleString('en')} items, ${index.table.size.toLocaleString('en')} distinct 13-grams; ${index.skipped.length} files no loader reads: ${index.skipped.map((entry) => entry.file.split('/').pop()).join(', ')}`);
console.log(`  decontam: ${decontamSeconds.toFixed(1)} s wall, ${decontamCpu.toFixed(1)} s CPU — ${decontam.removed} contaminated items removed; ${plantedFound} of the ${plantedAfterDedup} planted benchmark questions left after dedup found, ${decontam.removed - plantedFound} other items flagged`);
console.log(`  total:    ${(dedupSeconds + indexSeconds + decontamSeconds).toFixed(1)} s wall, ${(dedupCpu + indexCpu + decontamCpu).toFixed(1)} s CPU (target ≤ 300 s), peak RSS ${mb(peakRss)} (target ≤ 2048 MB)`);

// ---- 2. cot and qc items/s against instant scripted servers ----
const spec = loadSafetySpec();
const prompts = loadPipelinePrompts();
const ids = spec.rubrics.cotCriteria.map((criterion) => criterion.id);
const teacher = await startScriptedUpstream(() => ({ content: '<think>Step 1. Step 2.</think><answer>The answer is B</answer>' }));
const judgeReply = JSON.stringify(Object.fromEntries(ids.map((id) => [id, { score: 4, reason: 'ok' }])));
const judgeA = await startScriptedUpstream(() => ({ content: judgeReply }));
const judgeB = await startScriptedUpstream(() => ({ content: judgeReply }));
const caller = async (url: string) => createModelCaller({ backend: await createBackend(`openai:${url}`, { maxRetries: 0 }), limiter: createRateLimiter(undefined), timeoutMs: 30_000, retries: 0 });
const count = 2000;
const tasks: CotTask[] = Array.from({ length: count }, (_, item) => ({ id: `q${item}`, source: 'bench', language: 'en', question: `Question ${item}?`, options: { A: 'a', B: 'b', C: 'c', D: 'd' }, answer: 'B', sample: 0 }));
started = performance.now();
const cot = await runCot({ tasks, teacher: await caller(teacher.baseURL), teacherLabel: 'scripted', temperatures: [0], maxAttempts: 1, maxTokens: 512, seed: 0, out: join(folder, 'cot.jsonl'), resume: false, concurrency: 64 });
const cotSeconds = (performance.now() - started) / 1000;
const judges = [createCriteriaJudge({ id: 'a', caller: await caller(judgeA.baseURL), prompts }), createCriteriaJudge({ id: 'b', caller: await caller(judgeB.baseURL), prompts })];
started = performance.now();
const qc = await runQc({ records: cot.records, judges, judgeLabels: ['a', 'b'], spec, rules: DEFAULT_STRIKE_RULES, out: join(folder, 'qc.jsonl'), resume: false, concurrency: 64 });
const qcSeconds = (performance.now() - started) / 1000;
console.log(`cot: ${count} items in ${cotSeconds.toFixed(2)} s = ${(count / cotSeconds).toFixed(0)} items/s (instant scripted teacher, concurrency 64, ${cot.verified} verified)`);
console.log(`qc:  ${qc.summary.items} items in ${qcSeconds.toFixed(2)} s = ${(qc.summary.items / qcSeconds).toFixed(0)} items/s (two instant scripted judges, concurrency 64)`);
await Promise.all([teacher.close(), judgeA.close(), judgeB.close()]);
clearInterval(sampler);
rmSync(folder, { recursive: true, force: true });
