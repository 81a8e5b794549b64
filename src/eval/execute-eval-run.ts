/**
 * `safemed eval run` end to end: load benchmarks, build the model (scheme backend → model-card
 * defaults → guard when asked) and the judges from backend URIs, run with resume, then write
 * summary.json, report.md, report.html, radar.svg and radar.png.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../backends/registry.js';
import { withModelCardDefaults } from '../backends/with-model-card-defaults.js';
import type { Backend } from '../core/backend.js';
import type { GenerationSettings } from '../core/chat.js';
import { ConfigError } from '../core/errors.js';
import { createMedSafetyJudge, type MedSafetyJudge } from '../judges/med-safety-judge.js';
import { createOverRefusalJudge, type OverRefusalJudge } from '../judges/over-refusal-judge.js';
import type { Benchmark } from './benchmark-types.js';
import { createProgressReporter } from './engine/create-progress-reporter.js';
import { readResultRecords } from './engine/result-store.js';
import { runEval, type RunEvalResult } from './engine/run-eval.js';
import { loadBenchmark } from './loaders/load-benchmark.js';
import { deriveJudgeId, parseBackendSpec, parseBenchSpec, parseColumnsSpec, parseJudgeSpec } from './parse-eval-arguments.js';
import { writeReport } from './report/write-run-report.js';

export interface EvalRunSettings {
  model: string;
  /** Name shown in tables (default: the model id the backend reports). */
  label?: string;
  upstreamApiKey?: string;
  bench: string[];
  columns?: string[];
  judge?: string[];
  judgeApiKey?: string;
  /** 'judge' (first judge classifies over-refusal; the default when judges are given) or 'detector'. */
  refusalMethod?: 'judge' | 'detector';
  judgeView?: 'full' | 'answer';
  out: string;
  concurrency: number;
  rate?: number;
  limit?: number;
  seed: number;
  timeoutMs: number;
  retries: number;
  resume: boolean;
  guard: boolean;
  /** undefined = the model card's; null = none. */
  systemPrompt?: string | null;
  generation: GenerationSettings;
  progress: 'bars' | 'lines' | 'silent';
  /** Wraps the model with the guard (createGuardedBackend); provided by the CLI when --guard is on. */
  wrapGuard?: (backend: Backend) => Promise<Backend> | Backend;
  /** Guard settings that change results (policy file, LLM guard), for the run hash. */
  guardHashExtras?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface EvalRunOutcome {
  result: RunEvalResult;
  files: string[];
  complete: boolean;
  /** Things the user should know about the reports (printed by the CLI). */
  warnings: string[];
}

async function loadBenchmarks(settings: EvalRunSettings): Promise<Benchmark[]> {
  const columns = new Map((settings.columns ?? []).map((text) => {
    const parsed = parseColumnsSpec(text);
    return [parsed.bench, parsed.mapping] as const;
  }));
  const benchmarks: Benchmark[] = [];
  for (const text of settings.bench) {
    const spec = parseBenchSpec(text);
    if (benchmarks.some((benchmark) => benchmark.name === spec.name)) {
      throw new ConfigError(`Two benchmarks are named "${spec.name}".`, { key: 'bench', fix: 'Give each --bench its own name: --bench name:path.' });
    }
    const mapping = columns.get(spec.name);
    benchmarks.push(await loadBenchmark({ name: spec.name, path: spec.path, ...(spec.format ? { format: spec.format } : {}), ...(mapping ? { columns: mapping } : {}) }));
  }
  if (benchmarks.length === 0) throw new ConfigError('No benchmark given.', { key: 'bench', fix: 'Add --bench name:path (repeatable).' });
  return benchmarks;
}

/**
 * A resumed run rewrites summary.json and the reports from the benchmarks it is given: refuse when
 * results.jsonl holds benchmarks this invocation does not name, instead of silently dropping them.
 */
function assertResumeCoversResults(resultsPath: string, benchmarks: readonly Benchmark[]): void {
  const named = new Set(benchmarks.map((benchmark) => benchmark.name));
  const left = [...new Set(readResultRecords(resultsPath).records.map((record) => record.benchmark))].filter((name) => !named.has(name));
  if (left.length === 0) return;
  throw new ConfigError(
    `${resultsPath} also holds results for ${left.join(', ')}, which this --resume does not name: its summary and reports would leave ${left.length === 1 ? 'it' : 'them'} out.`,
    {
      key: 'bench',
      fix: `Resume with every --bench of the run (add ${left.map((name) => `--bench ${name}:<path>`).join(' ')}), or write the new benchmarks to another --out.`,
    },
  );
}

export async function executeEvalRun(settings: EvalRunSettings): Promise<EvalRunOutcome> {
  const benchmarks = await loadBenchmarks(settings);
  const judgeSpecs = (settings.judge ?? []).map(parseJudgeSpec);
  const harmful = benchmarks.filter((benchmark) => benchmark.kind === 'harmfulness');
  if (harmful.length > 0 && judgeSpecs.length === 0) {
    throw new ConfigError(`Benchmark ${harmful.map((benchmark) => benchmark.name).join(', ')} is scored by judges, and no --judge was given.`, {
      key: 'judge',
      fix: 'Add --judge <backend-uri>[#model] (repeatable), e.g. --judge gpt-4o=openai:https://api.openai.com/v1#gpt-4o.',
    });
  }
  mkdirSync(settings.out, { recursive: true });
  const resultsPath = join(settings.out, 'results.jsonl');
  if (existsSync(resultsPath) && !settings.resume) {
    throw new ConfigError(`${resultsPath} already exists.`, { key: 'out', fix: 'Add --resume to continue that run, or choose another --out.' });
  }
  if (settings.resume) assertResumeCoversResults(resultsPath, benchmarks);

  const modelSpec = parseBackendSpec(settings.model);
  const baseModel = await createBackend(modelSpec.uri, {
    timeoutMs: settings.timeoutMs,
    maxRetries: 0,
    ...(modelSpec.model ? { model: modelSpec.model } : {}),
    ...(settings.upstreamApiKey ? { apiKey: settings.upstreamApiKey } : {}),
  });
  let model = withModelCardDefaults(baseModel, settings.systemPrompt === undefined ? {} : { systemPrompt: settings.systemPrompt });
  if (settings.guard) {
    if (!settings.wrapGuard) throw new ConfigError('--guard is not available in this build.', { key: 'guard', fix: 'Run without --guard.' });
    model = await settings.wrapGuard(model);
  }
  const judgeBackends: Backend[] = [];
  const judges: MedSafetyJudge[] = [];
  let refusalJudge: OverRefusalJudge | undefined;
  try {
    const taken = new Set<string>();
    for (const spec of judgeSpecs) {
      const backend = await createBackend(spec.uri, {
        timeoutMs: settings.timeoutMs,
        ...(spec.model ? { model: spec.model } : {}),
        ...(settings.judgeApiKey ? { apiKey: settings.judgeApiKey } : {}),
      });
      judgeBackends.push(backend);
      const id = deriveJudgeId(spec, backend.modelId, taken);
      judges.push(createMedSafetyJudge({ id, backend, maxAttempts: settings.retries + 1, responseView: settings.judgeView ?? 'full' }));
      if (!refusalJudge && settings.refusalMethod !== 'detector') refusalJudge = createOverRefusalJudge({ id, backend, maxAttempts: settings.retries + 1 });
    }
    const result = await runEval({
      model,
      benchmarks,
      outDir: settings.out,
      judges,
      ...(refusalJudge ? { refusalJudge } : {}),
      settings: settings.generation,
      hashExtras: { systemPrompt: settings.systemPrompt ?? 'model-card', judgeView: settings.judgeView ?? 'full', ...(settings.guard ? { guard: settings.guardHashExtras ?? {} } : {}) },
      guard: settings.guard,
      concurrency: settings.concurrency,
      ...(settings.rate ? { ratePerSecond: settings.rate } : {}),
      ...(settings.limit !== undefined ? { limit: settings.limit } : {}),
      seed: settings.seed,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      progress: createProgressReporter({ mode: settings.progress }),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    const summary = { ...result.summary, model: settings.label ?? result.summary.model };
    const complete = !settings.signal?.aborted;
    writeFileSync(join(settings.out, 'summary.json'), JSON.stringify({ ...summary, complete }, null, 2) + '\n');
    const totals = summary.totals;
    const report = await writeReport({
      outDir: settings.out,
      summaries: [summary],
      title: `SafeMed eval: ${summary.model}`,
      details: [
        `model: ${summary.model} (${summary.model_uri})${settings.guard ? ', guarded' : ''}; run hash ${summary.run_hash}`,
        `judges: ${summary.judges.map((judge) => `${judge.id} (${judge.uri})`).join(', ') || 'none'}`,
        `items: ${totals.items}; tokens: ${totals.prompt_tokens} prompt + ${totals.completion_tokens} completion; model time ${(totals.model_time_ms / 1000).toFixed(1)} s; wall ${(totals.wall_time_ms / 1000).toFixed(1)} s`,
        ...(complete ? [] : ['INCOMPLETE: the run was interrupted; rerun with --resume to finish it.']),
      ],
    });
    return { result: { ...result, summary }, files: [join(settings.out, 'results.jsonl'), join(settings.out, 'summary.json'), ...report.files], complete, warnings: report.warnings };
  } finally {
    await Promise.allSettled([model.close(), ...judgeBackends.map((backend) => backend.close())]);
  }
}
