/**
 * The actions of `safemed eval run` and `safemed eval compare` (loaded only when one runs): flags →
 * `EvalRunSettings`, the guard built as `serve` builds it, the run, and the one-screen summary.
 */
import { ConfigError } from '../../core/errors.js';
import { executeEvalCompare } from '../../eval/execute-eval-compare.js';
import { executeEvalRun, type EvalRunSettings } from '../../eval/execute-eval-run.js';
import type { GuardSetup } from '../../guard/create-guard-from-settings.js';
import { createGuardFromFlags, type GuardFlags } from '../create-guard-from-flags.js';

/** The flags of `eval run` as commander hands them over: the settings' own names where they match. */
export type EvalRunFlags = Pick<EvalRunSettings, 'model' | 'label' | 'upstreamApiKey' | 'bench' | 'columns' | 'judge' | 'judgeApiKey' | 'out' | 'concurrency' | 'rate' | 'limit' | 'seed' | 'retries'> & {
  refusal: string;
  judgeView: string;
  /** Seconds (the settings hold milliseconds). */
  timeout: number;
  resume?: boolean;
  guard?: boolean;
  systemPrompt?: string | false;
  temperature?: number;
  maxTokens?: number;
  progress?: string;
} & GuardFlags;

export async function runEvalRun(flags: EvalRunFlags): Promise<void> {
  if (flags.refusal !== 'judge' && flags.refusal !== 'detector') throw new ConfigError(`--refusal must be judge or detector, got "${flags.refusal}".`, { key: '--refusal', fix: '--refusal detector' });
  if (flags.judgeView !== 'full' && flags.judgeView !== 'answer') throw new ConfigError(`--judge-view must be full or answer, got "${flags.judgeView}".`, { key: '--judge-view', fix: '--judge-view answer' });
  const progress = flags.progress === 'none' ? 'silent' : flags.progress === 'lines' || flags.progress === 'bars' ? flags.progress : process.stderr.isTTY ? 'bars' : 'lines';
  const controller = new AbortController();
  const onSignal = () => { controller.abort(); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const settings: EvalRunSettings = {
    model: flags.model,
    ...(flags.label ? { label: flags.label } : {}),
    ...(flags.upstreamApiKey ? { upstreamApiKey: flags.upstreamApiKey } : {}),
    bench: flags.bench,
    ...(flags.columns ? { columns: flags.columns } : {}),
    ...(flags.judge ? { judge: flags.judge } : {}),
    ...(flags.judgeApiKey ? { judgeApiKey: flags.judgeApiKey } : {}),
    refusalMethod: flags.refusal,
    judgeView: flags.judgeView,
    out: flags.out,
    concurrency: flags.concurrency,
    ...(flags.rate ? { rate: flags.rate } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    seed: flags.seed,
    timeoutMs: flags.timeout * 1000,
    retries: flags.retries,
    resume: flags.resume ?? false,
    guard: flags.guard ?? false,
    ...(flags.systemPrompt === false ? { systemPrompt: null } : typeof flags.systemPrompt === 'string' ? { systemPrompt: flags.systemPrompt } : {}),
    generation: { ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}), ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}) },
    progress,
    signal: controller.signal,
  };
  let guard: GuardSetup | undefined;
  if (settings.guard) {
    // The same guard construction `serve --guard` uses.
    const built = await createGuardFromFlags(flags, true, 'safemed eval run');
    const setup = built.setup;
    guard = setup;
    settings.wrapGuard = (backend) => setup.wrap(backend);
    settings.guardHashExtras = built.hashExtras;
  }
  try {
    const outcome = await executeEvalRun(settings);
    const { summary, newRecords, reusedRecords } = outcome.result;
    const lines = [`${outcome.complete ? 'done' : 'interrupted'}: ${newRecords} new, ${reusedRecords} reused item results → ${settings.out}`];
    for (const [name, bench] of Object.entries(summary.benchmarks)) {
      if (bench.kind === 'multiple-choice') lines.push(`  ${name}: accuracy ${(bench.accuracy * 100).toFixed(2)}% (n=${bench.n})`);
      else if (bench.kind === 'harmfulness') lines.push(`  ${name}: Overall-Avg ${bench.overall_avg?.toFixed(2) ?? '–'} (n=${bench.n}, judges ${Object.keys(bench.judges).join(', ')})`);
      else lines.push(`  ${name}: safe refused ${formatRate(bench.safe_refusal_rate)}, unsafe complied ${formatRate(bench.unsafe_compliance_rate)} (${bench.method})`);
    }
    if (summary.overall.accuracy !== null) lines.push(`  Overall (mean over knowledge benchmarks): ${(summary.overall.accuracy * 100).toFixed(2)}%`);
    process.stdout.write(lines.join('\n') + '\n');
    for (const warning of outcome.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (!outcome.complete) process.exitCode = 130;
  } finally {
    await guard?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function runEvalCompare(dirs: string[], flags: { out: string }): Promise<void> {
  const outcome = await executeEvalCompare({ dirs, out: flags.out });
  for (const warning of outcome.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`compared ${outcome.models.join(', ')} → ${flags.out}\n`);
}

function formatRate(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}
