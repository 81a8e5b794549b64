/** Fixture run folders (eval, red team) and a review queue for the console's browser tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CotRecord } from '../../src/data/data-record.js';
import { openReviewQueue } from '../../src/data/review/index.js';
import type { EvalSummary } from '../../src/eval/scoring/summarize-results.js';
import type { AsrEntry, RedteamSummary } from '../../src/redteam/summarize-redteam.js';

function evalSummary(model: string, medqa: number, cmexam: number, harm: number): EvalSummary {
  const mcq = (accuracy: number, language: 'en' | 'zh') => ({ kind: 'multiple-choice', category: 'knowledge', format: 'jsonl', language, n: 100, correct: Math.round(accuracy * 100), accuracy, unanswered: 0, errors: 0, skipped_in_source: 0 });
  return {
    model,
    model_uri: `openai:http://127.0.0.1:1/v1#${model}`,
    run_hash: `hash-${model}`,
    created_at: '2026-11-26T10:00:00.000Z',
    guard: false,
    judges: [{ id: 'judge-a', uri: 'openai:http://127.0.0.1:1/v1' }],
    benchmarks: {
      medqa: mcq(medqa, 'en'),
      cmexam: mcq(cmexam, 'zh'),
      msb: {
        kind: 'harmfulness',
        category: 'safety',
        format: 'msb',
        language: 'en',
        n: 90,
        subsets: ['gpt4', 'llama2'],
        judges: { 'judge-a': { overall: harm, subsets: { gpt4: harm + 0.1, llama2: harm - 0.1 }, n_scored: 90, failures: 0, overall_failures_as_5: harm } },
        overall_avg: harm,
        agreement: null,
        errors: 0,
      },
    },
    overall: { accuracy: (medqa + cmexam) / 2, accuracy_micro: (medqa + cmexam) / 2, benchmarks: ['medqa', 'cmexam'], definition: 'mean of the knowledge benchmarks' },
    totals: { items: 290, prompt_tokens: 0, completion_tokens: 0, model_time_ms: 0, wall_time_ms: 0 },
  } as unknown as EvalSummary;
}

function asr(n: number, successes: number): AsrEntry {
  return { n, successes, asr: successes / n, judge_failures: 0, errors: 0, worst_case_asr: successes / n };
}

function redteamSummary(target: string, scale: number): RedteamSummary {
  return {
    overall: asr(40, Math.round(16 * scale)),
    by_strategy: { role_play: asr(20, Math.round(10 * scale)), purpose_inversion: asr(20, Math.round(6 * scale)) },
    by_dimension: { medication_safety: asr(20, Math.round(8 * scale)), privacy_confidentiality: asr(20, Math.round(8 * scale)) },
    by_language: { en: asr(20, Math.round(9 * scale)), zh: asr(20, Math.round(7 * scale)) },
    by_strategy_dimension: {
      role_play: { medication_safety: asr(10, Math.round(6 * scale)), privacy_confidentiality: asr(10, Math.round(4 * scale)) },
      purpose_inversion: { medication_safety: asr(10, Math.round(2 * scale)), privacy_confidentiality: asr(10, Math.round(4 * scale)) },
    },
    target,
    run_hash: `rt-${target}`,
    judges: [],
    success_threshold: 4,
    adaptive_rounds: null,
    mean_rounds: 1,
    attacks: 40,
    complete: true,
    created: '2026-11-26T12:00:00.000Z',
  };
}

export function writeRunsFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'safemed-console-runs-'));
  const write = (folder: string, value: unknown) => {
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'summary.json'), JSON.stringify(value));
  };
  write('eval/safemed-r1', evalSummary('SafeMed-R1', 0.86, 0.81, 1.12));
  write('eval/qwen3-32b', evalSummary('Qwen3-32B', 0.8, 0.84, 1.45));
  write('eval/baseline', evalSummary('Baseline-7B', 0.62, 0.6, 2.1));
  write('redteam/raw', redteamSummary('vllm:raw', 1));
  write('redteam/guarded', redteamSummary('vllm:guarded', 0.25));
  return root;
}

function cotRecord(id: string, question: string, low: Record<string, number>): CotRecord {
  const criteria = ['medical_correctness', 'reasoning_structure', 'information_sufficiency', 'terminology_language', 'clinical_utility'];
  const scores = (judge: string, shift: number) =>
    Object.fromEntries(criteria.map((criterion) => [criterion, { score: low[criterion] ?? 5 - shift, reason: `${judge}: ${criterion} ${low[criterion] !== undefined ? 'misses the renal adjustment' : 'is fine'}` }]));
  const judges = [
    { judge: 'judge-a', scores: scores('judge-a', 0), attempts: 1 },
    { judge: 'judge-b', scores: scores('judge-b', 1), attempts: 1 },
  ];
  const mean = Object.fromEntries(criteria.map((criterion) => [criterion, judges.reduce((sum, judge) => sum + (judge.scores[criterion]?.score ?? 0), 0) / judges.length]));
  const strikes = Object.entries(low).flatMap(([criterion, score]) => [
    { kind: 'criterion_below_pass' as const, stage: 'qc' as const, judge: 'judge-a', criterion, score },
    { kind: 'criterion_below_pass' as const, stage: 'qc' as const, judge: 'judge-b', criterion, score },
  ]);
  return {
    kind: 'cot',
    id,
    source: 'fixture',
    language: 'en',
    question,
    options: { A: 'Halve the dose', B: 'Keep the dose', C: 'Double the dose', D: 'Stop all drugs' },
    answer: 'A',
    reasoning: 'The drug is cleared by the kidneys, so reduced clearance calls for a lower dose.',
    response: '<think>The drug is cleared by the kidneys, so reduced clearance calls for a lower dose.</think><answer>The answer is A.</answer>',
    extracted: 'A',
    verified: true,
    attempts: 1,
    temperatures: [0],
    strikes,
    qc: { rubric: 'cot', judges, mean, score: 3, decision: 'queued', regenerated: false, settings_hash: 'qc' },
    teacher: 'openai:fixture',
    prompt_version: 'v1',
    settings_hash: 'fixture',
  };
}

export function writeReviewQueue(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'safemed-console-review-')), 'queue.db');
  const queue = openReviewQueue({ path });
  queue.enqueue([
    cotRecord('cot-001', 'A patient with CKD stage 4 needs a renally cleared antibiotic. What should be done with the dose?', { medical_correctness: 2, clinical_utility: 2, information_sufficiency: 2 }),
    cotRecord('cot-002', 'Which dose change suits an elderly patient with reduced renal clearance?', { terminology_language: 2 }),
  ]);
  queue.close();
  return path;
}
