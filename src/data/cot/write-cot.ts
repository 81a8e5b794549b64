/**
 * Asks the teacher for a chain of thought on one multiple-choice item and checks its answer with the
 * eval extractor against the key. A wrong answer (or a response without reasoning) is retried with
 * the next temperature of the schedule, up to `maxAttempts`; then the last attempt is kept with
 * `verified: false` and a strike. A teacher that fails outright gives an error outcome (redone on
 * --resume), never a record.
 */
import { describeError } from '../../core/errors.js';
import { extractChoice, isCorrectChoice } from '../../eval/scoring/extract-choice.js';
import type { CotRecord, Strike } from '../data-record.js';
import type { ModelCaller } from '../engine/create-model-caller.js';
import type { PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { derivedSeed } from '../engine/settings-hash.js';
import { buildCotMessages, formatResponse } from './build-cot-messages.js';

export interface CotTask {
  id: string;
  source: string;
  language: 'en' | 'zh';
  subject?: string;
  difficulty?: string;
  question: string;
  options: Record<string, string>;
  answer: string;
  /** 0-based sample number (--samples K gives K records per question). */
  sample: number;
  /** Strikes the item already carries (expansion). */
  strikes?: Strike[];
}

export interface CotFailure {
  kind: 'error';
  id: string;
  error: string;
}

export type CotOutcome = CotRecord | CotFailure;

export interface WriteCotOptions {
  teacher: ModelCaller;
  teacherLabel: string;
  prompts: PipelinePrompts;
  /** Temperature of attempt i (sample k starts k steps in); the last value repeats. */
  temperatures: number[];
  maxAttempts: number;
  maxTokens: number;
  seed: number;
  settingsHash: string;
}

export const DEFAULT_TEMPERATURES = [0, 0.4, 0.7, 1];

export function temperatureAt(schedule: number[], index: number): number {
  return schedule[Math.min(index, schedule.length - 1)] ?? 0;
}

export async function writeCot(task: CotTask, options: WriteCotOptions, signal: AbortSignal): Promise<CotOutcome> {
  const messages = buildCotMessages(options.prompts, task.language, task.question, task.options);
  const letters = Object.keys(task.options);
  const key = task.answer.split('');
  const temperatures: number[] = [];
  let last: { reasoning: string; text: string; extracted: string[] } | undefined;
  for (let attempt = 0; attempt < Math.max(1, options.maxAttempts); attempt += 1) {
    const temperature = temperatureAt(options.temperatures, task.sample + attempt);
    temperatures.push(temperature);
    let result;
    try {
      result = await options.teacher.call(messages, { temperature, maxTokens: options.maxTokens, seed: derivedSeed(options.seed, task.id, task.sample, attempt) }, signal);
    } catch (error) {
      return { kind: 'error', id: task.id, error: `teacher failed on attempt ${attempt + 1}: ${describeError(error)}` };
    }
    const extracted = extractChoice(result.text, letters);
    last = { reasoning: result.reasoning, text: result.text, extracted };
    if (result.reasoning.trim() !== '' && isCorrectChoice(extracted, key)) break;
  }
  const final = last ?? { reasoning: '', text: '', extracted: [] };
  const hasReasoning = final.reasoning.trim() !== '';
  const verified = hasReasoning && isCorrectChoice(final.extracted, key);
  const strikes: Strike[] = [...(task.strikes ?? [])];
  if (!verified) {
    const why = !hasReasoning ? 'no <think> reasoning' : `extracted "${final.extracted.join('') || '(none)'}", key "${task.answer}"`;
    strikes.push({ kind: 'unverified_answer', stage: 'cot', detail: `${why} after ${temperatures.length} attempt(s)` });
  }
  return {
    kind: 'cot',
    id: task.sample === 0 ? task.id : `${task.id}#${task.sample}`,
    source: task.source,
    language: task.language,
    ...(task.subject !== undefined ? { subject: task.subject } : {}),
    ...(task.difficulty !== undefined ? { difficulty: task.difficulty } : {}),
    question: task.question,
    options: task.options,
    answer: task.answer,
    reasoning: final.reasoning.trim(),
    response: formatResponse(final.reasoning, final.text),
    extracted: final.extracted.join(''),
    verified,
    attempts: temperatures.length,
    temperatures,
    teacher: options.teacherLabel,
    prompt_version: options.prompts.cot.version,
    settings_hash: options.settingsHash,
    strikes,
  };
}
