/**
 * Reads the guard's training and dev sources from ../shared/data (training time only; the product never
 * does). Only safety/, benign/ and the *question texts* of bench/ are read. Which source lands in
 * training and which in a dev set is decided in `split-guard-data.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataFormatError } from '../../src/core/errors.js';
import type { TrainingExample } from './training-example.js';

export interface GuardSources {
  medHarmLlama3: TrainingExample[];
  medSafetyBenchLlama2: TrainingExample[];
  medSafetyBenchGpt4: TrainingExample[];
  genericHarmful: TrainingExample[];
  heldOutGenericHarmful: TrainingExample[];
  flamesZh: TrainingExample[];
  medEthicEvalViolation: TrainingExample[];
  jailbreakTemplates: { text: string; group: string }[];
  medquad: TrainingExample[];
  medquadFocus: string[];
  /** Sentences of MedQuAD answers and Chinese doctor replies: benign medical prose in other styles. */
  benignSentences: TrainingExample[];
  alpaca: TrainingExample[];
  zhDialogue: TrainingExample[];
  liveqa: TrainingExample[];
  benchQuestionsTrain: TrainingExample[];
  benchQuestionsDev: TrainingExample[];
}

type Row = Record<string, string>;

function readText(dataDir: string, ...segments: string[]): string {
  const path = join(dataDir, ...segments);
  if (!existsSync(path)) {
    throw new DataFormatError(`Missing training file ${path}`, {
      file: path,
      fix: 'Pass --data-dir pointing at the shared data folder (default ../shared/data).',
    });
  }
  return readFileSync(path, 'utf8');
}

function readCsv(dataDir: string, ...segments: string[]): Row[] {
  return parse<Row>(readText(dataDir, ...segments), { columns: true, bom: true, skip_empty_lines: true, relax_quotes: true });
}

function readJsonLines<T>(dataDir: string, ...segments: string[]): T[] {
  return readText(dataDir, ...segments)
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as T);
}

const stripLeftovers = (text: string): string => text.replace(/<\|eot_id\|>/g, '').trim();

function harmful(text: string, source: string, extra: Partial<TrainingExample> = {}): TrainingExample {
  return { text: stripLeftovers(text), label: 1, source, language: 'en', ...extra };
}

function benign(text: string, source: string, language: 'en' | 'zh' = 'en', extra: Partial<TrainingExample> = {}): TrainingExample {
  return { text: text.trim(), label: 0, source, language, ...extra };
}

/** Legitimate or policy-only categories of forbidden_question_set (see the data README). */
const NOT_HARMFUL_POLICIES = new Set(['Health Consultation', 'Legal Opinion', 'Financial Advice', 'Gov Decision', 'Political Lobbying']);
const NOT_HARMFUL_JBB = new Set(['Expert advice', 'Government decision-making']);

export function readGuardSources(dataDir: string): GuardSources {
  const medHarmLlama3: TrainingExample[] = [];
  for (let category = 1; category <= 9; category += 1) {
    for (const line of readText(dataDir, 'safety', 'med-harm-llama3', `category_${category}.txt`).split('\n')) {
      if (line.trim()) medHarmLlama3.push(harmful(line, 'med-harm-llama3', { principle: category }));
    }
  }
  const medSafety = (subset: string): TrainingExample[] => {
    const rows: TrainingExample[] = [];
    for (let category = 1; category <= 9; category += 1) {
      for (const row of readCsv(dataDir, 'safety', 'medsafetybench-train', subset, `category_${category}.csv`)) {
        const request = row['harmful_medical_request'];
        if (request) rows.push(harmful(request, `medsafetybench-${subset}`, { principle: category }));
      }
    }
    return rows;
  };

  const genericHarmful: TrainingExample[] = [];
  for (const row of readCsv(dataDir, 'safety', 'advbench_harmful_behaviors.csv')) if (row['goal']) genericHarmful.push(harmful(row['goal'], 'advbench'));
  for (const line of readText(dataDir, 'safety', 'malicious_instruct.txt').split('\n')) if (line.trim()) genericHarmful.push(harmful(line, 'malicious-instruct'));
  for (const row of readCsv(dataDir, 'safety', 'jailbreakbench_behaviors.csv')) {
    if (row['Goal'] && !NOT_HARMFUL_JBB.has(row['Category'] ?? '')) genericHarmful.push(harmful(row['Goal'], 'jailbreakbench'));
  }
  for (const row of readCsv(dataDir, 'safety', 'forbidden_question_set.csv')) {
    if (row['question'] && !NOT_HARMFUL_POLICIES.has(row['content_policy_name'] ?? '')) genericHarmful.push(harmful(row['question'], 'forbidden-questions'));
  }
  const heldOutGenericHarmful: TrainingExample[] = [];
  for (const row of readCsv(dataDir, 'safety', 'harmbench_behaviors_text_all.csv')) {
    if (row['Behavior'] && row['FunctionalCategory'] !== 'copyright') heldOutGenericHarmful.push(harmful(row['Behavior'], 'harmbench'));
  }
  for (const row of readCsv(dataDir, 'safety', 'strongreject.csv')) if (row['forbidden_prompt']) heldOutGenericHarmful.push(harmful(row['forbidden_prompt'], 'strongreject'));

  const flamesZh: TrainingExample[] = [];
  for (const row of readJsonLines<{ dimension: string; prompt: string }>(dataDir, 'safety', 'flames_zh.jsonl')) {
    // Fairness and Morality prompts are mostly subtle value questions, not harmful requests.
    if (row.dimension === 'Safety' || row.dimension === 'Legality' || row.dimension === 'Data protection') {
      flamesZh.push({ text: row.prompt, label: 1, source: 'flames-zh', language: 'zh', group: row.dimension });
    }
  }
  const medEthicEvalViolation = readCsv(dataDir, 'safety', 'medethiceval_violation_train.csv')
    .filter((row) => row['query'])
    .map((row): TrainingExample => ({ text: row['query'] as string, label: 1, source: 'medethiceval-violation', language: 'zh', group: row['scenario'] ?? '' }));

  const jailbreakTemplates = readCsv(dataDir, 'safety', 'jailbreak_templates_train.csv')
    .filter((row) => row['prompt'])
    .map((row) => ({
      text: row['prompt'] as string,
      group: row['community_id'] ? `community-${row['community_id']}` : (row['prompt'] as string).toLowerCase().replace(/[^a-z]/g, '').slice(0, 40),
    }));

  const medquadRows = readJsonLines<{ question: string; focus: string; answer: string | null }>(dataDir, 'benign', 'medquad.jsonl');
  const benignSentences: TrainingExample[] = [];
  for (const row of medquadRows) {
    if (!row.answer) continue;
    for (const sentence of row.answer.split(/(?<=[.!?])\s+|\n+/)) {
      const trimmed = sentence.replace(/^[-•*]\s*/, '').trim();
      if (trimmed.length >= 30 && trimmed.length <= 400) benignSentences.push(benign(trimmed, 'medquad-answer'));
    }
  }
  const medquad = medquadRows.map((row) => benign(row.question, 'medquad'));
  const medquadFocus = Array.from(new Set(medquadRows.map((row) => row.focus).filter((focus) => focus && focus.length < 60)));
  const alpaca = (JSON.parse(readText(dataDir, 'benign', 'alpaca_harmless_train.json')) as { instruction: string }[]).map((row) =>
    benign(row.instruction, 'alpaca'),
  );
  const zhRows = readJsonLines<{ title: string; ask: string; answer: string }>(dataDir, 'benign', 'zh_medical_dialogue.jsonl');
  // `group` keeps the short title ("高血压患者能吃党参吗？"), a second, terse style of Chinese patient question.
  const zhDialogue = zhRows.map((row) => benign(row.ask || row.title, 'zh-medical-dialogue', 'zh', { group: row.title }));
  for (const row of zhRows) {
    for (const sentence of row.answer.split(/(?<=[。！？；])/u)) {
      if (sentence.trim().length >= 12) benignSentences.push(benign(sentence, 'zh-dialogue-answer', 'zh'));
    }
  }
  const liveqa = readJsonLines<{ subject: string | null; message: string }>(dataDir, 'benign', 'liveqa_med_test.jsonl').map((row) =>
    benign([row.subject, row.message].filter(Boolean).join('\n'), 'liveqa'),
  );

  const benchQuestionsTrain: TrainingExample[] = [];
  const benchQuestionsDev: TrainingExample[] = [];
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'medmcqa_dev_subset.jsonl')) benchQuestionsTrain.push(benign(row.question, 'bench:medmcqa'));
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'mmlu_pro_health.jsonl')) benchQuestionsTrain.push(benign(row.question, 'bench:mmlu-pro'));
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'pubmedqa_mc.jsonl')) benchQuestionsTrain.push(benign(row.question, 'bench:pubmedqa'));
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'cmexam_val.jsonl')) benchQuestionsTrain.push(benign(row.question, 'bench:cmexam', 'zh'));
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'pediabench', 'pediabench_mc.jsonl')) benchQuestionsTrain.push(benign(row.question, 'bench:pediabench', 'zh'));
  for (const row of readCsv(dataDir, 'bench', 'medethiceval', 'medical_ethics_knowledge.csv')) if (row['question']) benchQuestionsTrain.push(benign(row['question'], 'bench:medethiceval-knowledge', 'zh'));
  for (const name of ['medical_ethics_priority_dilemma.csv', 'medical_ethics_equilibrium_dilemma.csv']) {
    for (const row of readCsv(dataDir, 'bench', 'medethiceval', name)) if (row['query']) benchQuestionsTrain.push(benign(row['query'], 'bench:medethiceval-dilemma', 'zh'));
  }
  for (const item of JSON.parse(readText(dataDir, 'bench', 'cmb_clin.json')) as { description: string; QA_pairs: { question: string }[] }[]) {
    for (const pair of item.QA_pairs) benchQuestionsTrain.push(benign(pair.question, 'bench:cmb-clin', 'zh'));
  }
  // Held out whole: MMLU medical (English exam questions) and CMMLU medical (Chinese exam questions).
  for (const row of readJsonLines<{ question: string }>(dataDir, 'bench', 'mmlu_medical.jsonl')) benchQuestionsDev.push(benign(row.question, 'bench:mmlu-medical'));
  for (const subject of ['anatomy', 'clinical_knowledge', 'college_medical_statistics', 'college_medicine', 'genetics', 'nutrition', 'professional_medicine', 'traditional_chinese_medicine', 'virology']) {
    for (const row of readCsv(dataDir, 'bench', 'cmmlu_medical', 'test', `${subject}.csv`)) if (row['Question']) benchQuestionsDev.push(benign(row['Question'], 'bench:cmmlu', 'zh'));
  }

  return {
    medHarmLlama3,
    medSafetyBenchLlama2: medSafety('llama2'),
    medSafetyBenchGpt4: medSafety('gpt4'),
    genericHarmful,
    heldOutGenericHarmful,
    flamesZh,
    medEthicEvalViolation,
    jailbreakTemplates,
    medquad,
    medquadFocus,
    benignSentences,
    alpaca,
    zhDialogue,
    liveqa,
    benchQuestionsTrain,
    benchQuestionsDev,
  };
}
