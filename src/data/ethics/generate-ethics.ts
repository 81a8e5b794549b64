/**
 * `safemed data ethics`: the ethics and safety set over the specification's 20 dimensions — per
 * dimension and language, `perDimension` items cycling through the cases (clear, borderline, benign
 * contrast: a third of the set are benign contrasts, so models trained on it do not learn to
 * over-refuse) and the perspectives (patient, clinician, administrator, researcher). Audit the
 * result with `safemed data qc` (ethics rubric, same strikes and review queue).
 */
import { ConfigError } from '../../core/errors.js';
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import { DIMENSION_IDS, type SafetySpec } from '../../spec/index.js';
import type { EthicsRecord } from '../data-record.js';
import { modelIdentity, type ModelCaller } from '../engine/create-model-caller.js';
import { loadPipelinePrompts, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { runDataStage } from '../engine/run-data-stage.js';
import { derivedSeed, settingsHash } from '../engine/settings-hash.js';
import { writeJsonlAtomically } from '../engine/write-jsonl.js';
import { choosePassage, type SourcePassage } from './read-sources.js';
import { writeEthicsItem, type EthicsCase, type EthicsOutcome, type EthicsTask, type WriteEthicsOptions } from './write-ethics-item.js';

export const ETHICS_CASES: EthicsCase[] = ['clear', 'borderline', 'benign_contrast'];
export const ETHICS_PERSPECTIVES = ['patient', 'clinician', 'administrator', 'researcher'];

export function parseDimensions(text: string, spec: SafetySpec): string[] {
  const known: string[] = spec.dimensions.map((dimension) => dimension.id).filter((id) => id !== 'general_harm' && id !== 'benign');
  if (text.trim() === 'all') return known;
  const wanted = text.split(',').map((part) => part.trim().replace(/-/gu, '_')).filter((part) => part !== '');
  const unknown = wanted.filter((id) => !known.includes(id));
  if (wanted.length === 0 || unknown.length > 0) {
    throw new ConfigError(`--dimensions: unknown dimension ${unknown.map((id) => `"${id}"`).join(', ') || '(none given)'}.`, { key: '--dimensions', fix: `Use all, or a comma-separated list of: ${known.join(', ')}.` });
  }
  return [...new Set(wanted)];
}

export function ethicsTasks(spec: SafetySpec, dimensions: string[], languages: Array<'en' | 'zh'>, perDimension: number, passages: SourcePassage[] | undefined, seed: number): EthicsTask[] {
  const tasks: EthicsTask[] = [];
  for (const id of dimensions) {
    const dimension = spec.dimensions.find((entry) => entry.id === id);
    if (!dimension || !(DIMENSION_IDS as readonly string[]).includes(id)) continue;
    for (const language of languages) {
      for (let k = 0; k < perDimension; k += 1) {
        const taskId = `ethics/${id}/${language}/${k}`;
        const ethicsCase = ETHICS_CASES[k % ETHICS_CASES.length] ?? 'clear';
        const perspective = ETHICS_PERSPECTIVES[Math.floor(k / ETHICS_CASES.length) % ETHICS_PERSPECTIVES.length] ?? 'patient';
        const passage = passages ? choosePassage(passages, `${dimension.name} ${dimension.nameZh} ${dimension.definition} ${dimension.examples.join(' ')}`, derivedSeed(seed, taskId)) : undefined;
        tasks.push({ id: taskId, dimension, perspective, case: ethicsCase, language, ...(passage ? { passage } : {}) });
      }
    }
  }
  return tasks;
}

export interface GenerateEthicsOptions {
  spec: SafetySpec;
  dimensions: string[];
  languages: Array<'en' | 'zh'>;
  perDimension: number;
  passages?: SourcePassage[];
  teacher: ModelCaller;
  teacherLabel: string;
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

export interface GenerateEthicsResult {
  records: EthicsRecord[];
  rejected: Array<{ id: string; reason: string }>;
  failures: Array<{ id: string; error: string }>;
  byCase: Record<string, number>;
  newRecords: number;
  reusedRecords: number;
  complete: boolean;
  settingsHash: string;
}

export function ethicsSettings(options: Pick<GenerateEthicsOptions, 'teacherLabel' | 'temperature' | 'maxAttempts' | 'maxTokens' | 'seed' | 'passages'>, prompts: PipelinePrompts): { hash: string; write: Omit<WriteEthicsOptions, 'teacher'> } {
  const hash = settingsHash({ stage: 'ethics', prompt: prompts.ethics.version, teacher: modelIdentity(options.teacherLabel), temperature: options.temperature, maxAttempts: options.maxAttempts, maxTokens: options.maxTokens, seed: options.seed, sources: options.passages?.map((passage) => [passage.citation, passage.text.length]) ?? null });
  return { hash, write: { teacherLabel: options.teacherLabel, prompts, temperature: options.temperature, maxAttempts: options.maxAttempts, maxTokens: options.maxTokens, seed: options.seed, settingsHash: hash } };
}

export async function generateEthics(options: GenerateEthicsOptions): Promise<GenerateEthicsResult> {
  const prompts = options.prompts ?? loadPipelinePrompts();
  const { hash, write } = ethicsSettings(options, prompts);
  const tasks = ethicsTasks(options.spec, options.dimensions, options.languages, options.perDimension, options.passages, options.seed);
  const stage = await runDataStage<EthicsTask, EthicsOutcome>({
    label: 'ethics',
    tasks,
    keyOf: (task) => task.id,
    settingsHash: hash,
    logPath: `${options.out}.log.jsonl`,
    resume: options.resume,
    run: (task, signal) => writeEthicsItem(task, { ...write, teacher: options.teacher }, signal),
    isFinal: (outcome) => outcome.kind !== 'error',
    concurrency: options.concurrency,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
  });
  const records: EthicsRecord[] = [];
  const rejected: GenerateEthicsResult['rejected'] = [];
  const failures: GenerateEthicsResult['failures'] = [];
  for (const outcome of stage.outputs) {
    if (outcome === undefined) continue;
    if (outcome.kind === 'done') records.push(outcome.record);
    else if (outcome.kind === 'rejected') rejected.push({ id: outcome.id, reason: outcome.reason });
    else failures.push({ id: outcome.id, error: outcome.error });
  }
  writeJsonlAtomically(options.out, records);
  const byCase: Record<string, number> = {};
  for (const record of records) byCase[record.case] = (byCase[record.case] ?? 0) + 1;
  return { records, rejected, failures, byCase, newRecords: stage.newOutputs, reusedRecords: stage.reusedOutputs, complete: stage.complete && failures.length === 0, settingsHash: hash };
}
