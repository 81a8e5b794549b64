/**
 * Runs one pipeline stage on the eval engine: a bounded pool over the tasks, a progress bar, and an
 * append-only resume log keyed by task key + settings hash. A task already in the log with the same
 * settings is never redone; a killed run loses at most the lines being written; `stopAfter` lets
 * tests stop a run part-way. Outputs come back in task order whatever the completion order.
 */
import { existsSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { ConfigError } from '../../core/errors.js';
import { openAppendOnlyStore } from '../../eval/engine/append-only-store.js';
import { createProgressReporter, type ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import { runPool } from '../../eval/engine/run-pool.js';

export interface StageLogEntry<Output> {
  key: string;
  settings_hash: string;
  value: Output;
}

export interface RunDataStageOptions<Task, Output> {
  label: string;
  tasks: readonly Task[];
  keyOf: (task: Task) => string;
  settingsHash: string;
  logPath: string;
  /** Continue an existing log; without it an existing log is an error (never silently mixed). */
  resume: boolean;
  run: (task: Task, signal: AbortSignal) => Promise<Output>;
  /** A logged output that is final (not an interrupted or failed one to redo). Default: every output. */
  isFinal?: (output: Output) => boolean;
  concurrency: number;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  /** Stop after this many new outputs (tests of resume). */
  stopAfter?: number;
}

export interface RunDataStageResult<Output> {
  /** In task order; undefined for tasks not done (interrupted run). */
  outputs: Array<Output | undefined>;
  newOutputs: number;
  reusedOutputs: number;
  tornLines: number;
  complete: boolean;
}

export function assertResumable(logPath: string, resume: boolean, outFlag: string): void {
  if (existsSync(logPath) && !resume) {
    throw new ConfigError(`${logPath} already exists (an earlier run's resume log).`, { key: '--resume', fix: `Add --resume to continue that run, or choose another ${outFlag}.` });
  }
}

export async function runDataStage<Task, Output>(options: RunDataStageOptions<Task, Output>): Promise<RunDataStageResult<Output>> {
  assertResumable(options.logPath, options.resume, '--out');
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  setMaxListeners(0, signal); // every task in flight listens on the run's signal: not a leak
  const isFinal = options.isFinal ?? (() => true);
  const progress = options.progress ?? createProgressReporter({ mode: 'silent' });
  const storeKey = (entry: Pick<StageLogEntry<Output>, 'key' | 'settings_hash'>) => `${entry.key}\u0000${entry.settings_hash}`;
  const store = openAppendOnlyStore<StageLogEntry<Output>>(options.logPath, storeKey);
  const outputs: Array<Output | undefined> = new Array<Output | undefined>(options.tasks.length).fill(undefined);
  const pending: number[] = [];
  let reusedOutputs = 0;
  options.tasks.forEach((task, index) => {
    const previous = store.existing.get(storeKey({ key: options.keyOf(task), settings_hash: options.settingsHash }));
    if (previous && isFinal(previous.value)) {
      outputs[index] = previous.value;
      reusedOutputs += 1;
    } else pending.push(index);
  });
  let newOutputs = 0;
  progress.start(options.label, options.tasks.length, reusedOutputs);
  try {
    await runPool(
      pending,
      options.concurrency,
      async (index) => {
        if (options.stopAfter !== undefined && newOutputs >= options.stopAfter) {
          controller.abort();
          return;
        }
        const task = options.tasks[index] as Task;
        const value = await options.run(task, signal);
        if (signal.aborted && !isFinal(value)) return; // interrupted: redone on --resume
        store.append({ key: options.keyOf(task), settings_hash: options.settingsHash, value });
        outputs[index] = value;
        newOutputs += 1;
        progress.tick(options.label);
      },
      signal,
    );
  } finally {
    progress.finish(options.label);
    progress.stop();
    store.close();
  }
  const complete = !signal.aborted && outputs.every((output) => output !== undefined);
  return { outputs, newOutputs, reusedOutputs, tornLines: store.tornLines, complete };
}
