/**
 * `safemed data expand`: new multiple-choice QA pairs per topic and difficulty, written by the
 * teacher (JSON: question, options, answer, explanation; the topic's seed questions shown for style
 * only), then verified by a second, blind teacher call that answers the new question with the CoT
 * prompt: agreement = verified (that chain of thought becomes the item's reasoning), disagreement =
 * a strike. Resumable, concurrent and deterministic for a seed like every stage.
 */
import { describeError } from '../../core/errors.js';
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import { sampleItems } from '../../eval/engine/sample-items.js';
import { writeCot } from '../cot/write-cot.js';
import type { CotRecord, Strike } from '../data-record.js';
import { modelIdentity, type ModelCaller } from '../engine/create-model-caller.js';
import { fillTemplate, loadPipelinePrompts, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { runDataStage } from '../engine/run-data-stage.js';
import { derivedSeed, settingsHash } from '../engine/settings-hash.js';
import { writeJsonlAtomically } from '../engine/write-jsonl.js';

export interface SeedItem {
  question: string;
  subject?: string;
  language: 'en' | 'zh';
}

export interface ExpandTask {
  id: string;
  topic: string;
  difficulty: string;
  language: 'en' | 'zh';
  k: number;
  examples: string[];
}

export interface ExpandOptions {
  seeds: SeedItem[];
  /** Topics to write about (default: the seed items' subjects). */
  topics?: string[];
  difficulties: string[];
  perTopic: number;
  optionCount: number;
  examplesPerTask: number;
  teacher: ModelCaller;
  teacherLabel: string;
  verifier: ModelCaller;
  verifierLabel: string;
  temperature: number;
  maxAttempts: number;
  maxTokens: number;
  seed: number;
  out: string;
  resume: boolean;
  concurrency: number;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  stopAfter?: number;
  prompts?: PipelinePrompts;
}

type ExpandOutcome = { kind: 'done'; record: CotRecord } | { kind: 'rejected'; id: string; reason: string } | { kind: 'error'; id: string; error: string };

export interface ExpandResult {
  records: CotRecord[];
  rejected: Array<{ id: string; reason: string }>;
  failures: Array<{ id: string; error: string }>;
  verified: number;
  newRecords: number;
  reusedRecords: number;
  complete: boolean;
  settingsHash: string;
}

function slug(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/gu, '') || 'topic';
}

export function expandTasks(options: Pick<ExpandOptions, 'seeds' | 'topics' | 'difficulties' | 'perTopic' | 'examplesPerTask' | 'seed'>): ExpandTask[] {
  const bySubject = new Map<string, SeedItem[]>();
  for (const seed of options.seeds) {
    if (seed.subject === undefined || seed.subject.trim() === '') continue;
    const list = bySubject.get(seed.subject) ?? [];
    list.push(seed);
    bySubject.set(seed.subject, list);
  }
  const topics = options.topics ?? [...bySubject.keys()].sort();
  const tasks: ExpandTask[] = [];
  for (const topic of topics) {
    const pool = bySubject.get(topic) ?? [];
    const zh = pool.filter((seed) => seed.language === 'zh').length;
    const fallbackZh = options.seeds.filter((seed) => seed.language === 'zh').length * 2 > options.seeds.length;
    const language: 'en' | 'zh' = pool.length > 0 ? (zh * 2 > pool.length ? 'zh' : 'en') : /[\u4e00-\u9fff]/u.test(topic) || fallbackZh ? 'zh' : 'en';
    for (const difficulty of options.difficulties) {
      for (let k = 0; k < options.perTopic; k += 1) {
        const id = `expand/${slug(topic)}/${difficulty}/${k}`;
        const examples = sampleItems(pool, options.examplesPerTask, derivedSeed(options.seed, id)).map((seed) => seed.question);
        tasks.push({ id, topic, difficulty, language, k, examples });
      }
    }
  }
  return tasks;
}

interface GeneratedQuestion {
  question: string;
  options: Record<string, string>;
  answer: string;
  explanation: string;
}

export function parseGeneratedQuestion(text: string, letters: string[]): GeneratedQuestion | string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return 'no JSON object in the reply';
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    return `invalid JSON: ${describeError(error)}`;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.question !== 'string' || object.question.trim() === '') return 'no question';
  if (typeof object.options !== 'object' || object.options === null || Array.isArray(object.options)) return 'options is not an object of letter → text';
  const options: Record<string, string> = {};
  for (const letter of letters) {
    const option = (object.options as Record<string, unknown>)[letter];
    if (typeof option !== 'string' || option.trim() === '') return `option ${letter} is missing`;
    options[letter] = option.trim();
  }
  const answer = typeof object.answer === 'string' ? object.answer.trim().toUpperCase() : '';
  if (!letters.includes(answer)) return `answer "${String(object.answer)}" is not one of ${letters.join(', ')}`;
  return { question: object.question.trim(), options, answer, explanation: typeof object.explanation === 'string' ? object.explanation.trim() : '' };
}

export async function expandItems(options: ExpandOptions): Promise<ExpandResult> {
  const prompts = options.prompts ?? loadPipelinePrompts();
  const letters = 'ABCDEFGHIJ'.slice(0, options.optionCount).split('');
  const hash = settingsHash({
    stage: 'expand',
    prompts: [prompts.expand.version, prompts.cot.version],
    teacher: modelIdentity(options.teacherLabel),
    verifier: modelIdentity(options.verifierLabel),
    temperature: options.temperature,
    maxAttempts: options.maxAttempts,
    maxTokens: options.maxTokens,
    optionCount: options.optionCount,
    examplesPerTask: options.examplesPerTask,
    seed: options.seed,
  });
  const tasks = expandTasks(options);

  const expand = async (task: ExpandTask, signal: AbortSignal): Promise<ExpandOutcome> => {
    const difficulty = prompts.expand.difficulties[task.difficulty]?.[task.language] ?? task.difficulty;
    const examples = task.examples.length > 0 ? `${prompts.expand.examplesHeader[task.language]}\n${task.examples.map((example) => `- ${example}`).join('\n')}\n` : '';
    const prompt = fillTemplate(prompts.expand.generate[task.language], { topic: task.topic, difficulty, option_count: String(letters.length), letters: letters.join(', '), examples });
    let problem = '';
    let generated: GeneratedQuestion | undefined;
    let attempts = 0;
    for (let attempt = 0; attempt < Math.max(1, options.maxAttempts) && !generated; attempt += 1) {
      attempts += 1;
      try {
        const result = await options.teacher.call([{ role: 'user', content: prompt }], { temperature: options.temperature, maxTokens: options.maxTokens, seed: derivedSeed(options.seed, task.id, attempt) }, signal);
        const parsed = parseGeneratedQuestion(result.text, letters);
        if (typeof parsed === 'string') problem = parsed;
        else generated = parsed;
      } catch (error) {
        return { kind: 'error', id: task.id, error: `teacher failed: ${describeError(error)}` };
      }
    }
    if (!generated) return { kind: 'rejected', id: task.id, reason: `no usable question after ${attempts} attempt(s): ${problem}` };
    // Blind verification: the verifier answers the new question without seeing the key.
    const blind = await writeCot(
      { id: task.id, source: `expand:${task.topic}`, language: task.language, subject: task.topic, difficulty: task.difficulty, question: generated.question, options: generated.options, answer: generated.answer, sample: 0 },
      { teacher: options.verifier, teacherLabel: options.verifierLabel, prompts, temperatures: [0], maxAttempts: 1, maxTokens: options.maxTokens, seed: options.seed, settingsHash: hash },
      signal,
    );
    if (blind.kind === 'error') return { kind: 'error', id: task.id, error: `blind verification failed: ${blind.error}` };
    const strikes: Strike[] = blind.verified ? [] : [{ kind: 'blind_answer_mismatch', stage: 'expand', detail: `the generator's key is ${generated.answer}; a blind answer gave "${blind.extracted || '(none)'}"` }];
    return {
      kind: 'done',
      record: { ...blind, explanation: generated.explanation, teacher: options.teacherLabel, prompt_version: `${prompts.expand.version}+${prompts.cot.version}`, settings_hash: hash, attempts: attempts + blind.attempts, strikes },
    };
  };

  const stage = await runDataStage<ExpandTask, ExpandOutcome>({
    label: 'expand',
    tasks,
    keyOf: (task) => task.id,
    settingsHash: hash,
    logPath: `${options.out}.log.jsonl`,
    resume: options.resume,
    run: expand,
    isFinal: (outcome) => outcome.kind !== 'error',
    concurrency: options.concurrency,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
  });
  const records: CotRecord[] = [];
  const rejected: ExpandResult['rejected'] = [];
  const failures: ExpandResult['failures'] = [];
  for (const outcome of stage.outputs) {
    if (outcome === undefined) continue;
    if (outcome.kind === 'done') records.push(outcome.record);
    else if (outcome.kind === 'rejected') rejected.push({ id: outcome.id, reason: outcome.reason });
    else failures.push({ id: outcome.id, error: outcome.error });
  }
  writeJsonlAtomically(options.out, records);
  return { records, rejected, failures, verified: records.filter((record) => record.verified).length, newRecords: stage.newOutputs, reusedRecords: stage.reusedOutputs, complete: stage.complete && failures.length === 0, settingsHash: hash };
}
