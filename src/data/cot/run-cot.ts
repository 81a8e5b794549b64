/** `safemed data cot`: teacher chains of thought for exam items on the engine, resumable, in input order. */
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import type { CotRecord } from '../data-record.js';
import { modelIdentity, type ModelCaller } from '../engine/create-model-caller.js';
import { loadPipelinePrompts, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';
import { runDataStage } from '../engine/run-data-stage.js';
import { settingsHash } from '../engine/settings-hash.js';
import { writeJsonlAtomically } from '../engine/write-jsonl.js';
import { writeCot, type CotFailure, type CotOutcome, type CotTask } from './write-cot.js';

export interface RunCotOptions {
  tasks: CotTask[];
  teacher: ModelCaller;
  teacherLabel: string;
  temperatures: number[];
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
  /** Settings that change outputs beyond these (expansion's own), for the hash. */
  hashExtras?: Record<string, unknown>;
  label?: string;
}

export interface RunCotResult {
  records: CotRecord[];
  failures: CotFailure[];
  verified: number;
  newRecords: number;
  reusedRecords: number;
  complete: boolean;
  settingsHash: string;
  logPath: string;
}

export function cotSettingsHash(options: Pick<RunCotOptions, 'teacherLabel' | 'temperatures' | 'maxAttempts' | 'maxTokens' | 'seed' | 'hashExtras'>, prompts: PipelinePrompts): string {
  return settingsHash({ stage: 'cot', prompt: prompts.cot.version, teacher: modelIdentity(options.teacherLabel), temperatures: options.temperatures, maxAttempts: options.maxAttempts, maxTokens: options.maxTokens, seed: options.seed, extras: options.hashExtras ?? {} });
}

export async function runCot(options: RunCotOptions): Promise<RunCotResult> {
  const prompts = options.prompts ?? loadPipelinePrompts();
  const hash = cotSettingsHash(options, prompts);
  const logPath = `${options.out}.log.jsonl`;
  const stage = await runDataStage<CotTask, CotOutcome>({
    label: options.label ?? 'cot',
    tasks: options.tasks,
    keyOf: (task) => `${task.id}#${task.sample}`,
    settingsHash: hash,
    logPath,
    resume: options.resume,
    run: (task, signal) => writeCot(task, { teacher: options.teacher, teacherLabel: options.teacherLabel, prompts, temperatures: options.temperatures, maxAttempts: options.maxAttempts, maxTokens: options.maxTokens, seed: options.seed, settingsHash: hash }, signal),
    isFinal: (outcome) => outcome.kind !== 'error',
    concurrency: options.concurrency,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stopAfter !== undefined ? { stopAfter: options.stopAfter } : {}),
  });
  const records: CotRecord[] = [];
  const failures: CotFailure[] = [];
  for (const outcome of stage.outputs) {
    if (outcome === undefined) continue;
    if (outcome.kind === 'error') failures.push(outcome);
    else records.push(outcome);
  }
  writeJsonlAtomically(options.out, records);
  return { records, failures, verified: records.filter((record) => record.verified).length, newRecords: stage.newOutputs, reusedRecords: stage.reusedOutputs, complete: stage.complete && failures.length === 0, settingsHash: hash, logPath };
}
