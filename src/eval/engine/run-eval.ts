/**
 * Runs benchmarks against a model: deterministic sampling, resume from results.jsonl (keyed by
 * benchmark, item and a hash of model + settings), bounded concurrency, append-only results, then
 * summary.json from every record of the run.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { Backend } from '../../core/backend.js';
import type { GenerationSettings } from '../../core/chat.js';
import type { Clock } from '../../core/ids.js';
import { systemClock } from '../../core/ids.js';
import type { MedSafetyJudge } from '../../judges/med-safety-judge.js';
import type { OverRefusalJudge } from '../../judges/over-refusal-judge.js';
import type { Benchmark, BenchmarkItem } from '../benchmark-types.js';
import { summarizeRun, type EvalSummary } from '../scoring/summarize-results.js';
import { createRateLimiter, defaultSleep, type Sleep } from './create-rate-limiter.js';
import { createProgressReporter, type ProgressReporter } from './create-progress-reporter.js';
import { createItemEvaluator } from './evaluate-item.js';
import type { EvalResultRecord } from '../eval-result-record.js';
import { openResultStore, storeKey } from './result-store.js';
import { runPool } from './run-pool.js';
import { sampleItems } from './sample-items.js';

/** Bumped whenever prompts or scoring change in a way that makes old results incomparable. */
export const EVAL_PROTOCOL_VERSION = 'safemed-eval-1';

export interface RunEvalOptions {
  model: Backend;
  benchmarks: Benchmark[];
  outDir: string;
  judges?: MedSafetyJudge[];
  refusalJudge?: OverRefusalJudge;
  settings?: GenerationSettings;
  /** Extra settings that change results (system prompt, guard config) and so belong in the run hash. */
  hashExtras?: Record<string, unknown>;
  guard?: boolean;
  concurrency?: number;
  ratePerSecond?: number;
  limit?: number;
  seed?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  /** Stop after this many new records (tests of resume); undefined = run everything. */
  stopAfter?: number;
  progress?: ProgressReporter;
  signal?: AbortSignal;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
}

export interface RunEvalResult {
  summary: EvalSummary;
  records: Map<string, EvalResultRecord[]>;
  /** Records written by this invocation / reused from an earlier one. */
  newRecords: number;
  reusedRecords: number;
  tornLines: number;
}

export function hashRunSettings(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

export async function runEval(options: RunEvalOptions): Promise<RunEvalResult> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const judges = options.judges ?? [];
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Every in-flight model call and judgement listens to this signal; the pool bounds how many there are,
  // so Node's 10-listener leak warning would only be noise (MaxListenersExceededWarning at concurrency 8 with judges).
  setMaxListeners(0, signal);
  const settings = options.settings ?? {};
  const modelPart = {
    protocol: EVAL_PROTOCOL_VERSION,
    uri: options.model.uri,
    model: options.model.modelId,
    settings,
    guard: options.guard ?? false,
    extras: options.hashExtras ?? {},
  };
  const modelHash = hashRunSettings(modelPart);
  const judgedHash = hashRunSettings({
    ...modelPart,
    judges: judges.map((judge) => [judge.id, judge.uri]),
    refusalJudge: options.refusalJudge?.id ?? 'refusal-detector',
  });
  const hashFor = (item: BenchmarkItem) => (item.kind === 'multiple-choice' ? modelHash : judgedHash);

  const store = openResultStore(join(options.outDir, 'results.jsonl'));
  const progress = options.progress ?? createProgressReporter({ mode: 'silent' });
  const evaluate = createItemEvaluator({
    model: options.model,
    settings,
    judges,
    ...(options.refusalJudge ? { refusalJudge: options.refusalJudge } : {}),
    limiter: createRateLimiter(options.ratePerSecond, { clock, ...(options.sleep ? { sleep: options.sleep } : {}) }),
    timeoutMs: options.timeoutMs ?? 600_000,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 1000,
    sleep: options.sleep ?? defaultSleep,
    clock,
    random: options.random ?? Math.random,
    signal,
  });

  const records = new Map<string, EvalResultRecord[]>();
  let newRecords = 0;
  let reusedRecords = 0;
  try {
    for (const benchmark of options.benchmarks) {
      const items = sampleItems(benchmark.items, options.limit, options.seed ?? 0);
      const byItem = new Map<string, EvalResultRecord>();
      const pending: BenchmarkItem[] = [];
      for (const item of items) {
        const previous = store.existing.get(storeKey({ benchmark: benchmark.name, item_id: item.id, run_hash: hashFor(item) }));
        if (previous && !previous.error) {
          byItem.set(item.id, previous);
          reusedRecords += 1;
        } else {
          if (previous) byItem.set(item.id, previous); // an errored record stands until redone
          pending.push(item);
        }
      }
      progress.start(benchmark.name, items.length, items.length - pending.length);
      await runPool(
        pending,
        options.concurrency ?? 8,
        async (item) => {
          if (options.stopAfter !== undefined && newRecords >= options.stopAfter) {
            controller.abort();
            return;
          }
          const record = await evaluate(benchmark, item, hashFor(item));
          if (signal.aborted && record.error === 'aborted') return; // interrupted: redone on --resume
          store.append(record);
          newRecords += 1;
          byItem.set(item.id, record);
          progress.tick(benchmark.name);
        },
        signal,
      );
      progress.finish(benchmark.name);
      records.set(
        benchmark.name,
        items.map((item) => byItem.get(item.id)).filter((record): record is EvalResultRecord => record !== undefined),
      );
      if (signal.aborted) break;
    }
  } finally {
    progress.stop();
    store.close();
  }
  const summary = summarizeRun({
    model: options.model.modelId,
    modelUri: options.model.uri,
    runHash: judgedHash,
    guard: options.guard ?? false,
    judges: judges.map((judge) => ({ id: judge.id, uri: judge.uri })),
    benchmarks: options.benchmarks,
    records,
    wallTimeMs: clock.now() - started,
    now: new Date(clock.now()),
  });
  return { summary, records, newRecords, reusedRecords, tornLines: store.tornLines };
}
