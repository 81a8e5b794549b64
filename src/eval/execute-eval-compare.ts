/** `safemed eval compare <dir>…`: one Table 1, one Table 2 and one radar chart with every model. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, DataFormatError } from '../core/errors.js';
import type { EvalSummary } from './scoring/summarize-results.js';
import { benchmarkCoverage, coverageWarnings } from './report/benchmark-coverage.js';
import { writeReport } from './report/write-run-report.js';

/**
 * The parts of summary.json the comparison reads, checked at the edge; the rest of each benchmark's
 * entry (per kind, see EvalSummary) is carried through as written by `eval run`.
 */
const summaryFileSchema = z.looseObject({
  model: z.string(),
  model_uri: z.string(),
  run_hash: z.string(),
  judges: z.array(z.object({ id: z.string(), uri: z.string() })),
  benchmarks: z.record(z.string(), z.looseObject({ kind: z.enum(['multiple-choice', 'harmfulness', 'over-refusal']), category: z.enum(['knowledge', 'safety']) })),
  overall: z.looseObject({ accuracy: z.number().nullable() }),
});

export function readRunSummary(directory: string): EvalSummary {
  const path = join(directory, 'summary.json');
  if (!existsSync(path)) throw new ConfigError(`${path} not found.`, { key: 'dirs', fix: 'Give folders written by `safemed eval run --out <dir>`.' });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataFormatError(`${path}: not valid JSON.`, { file: path, cause: error, fix: 'Rerun `safemed eval run --resume` to rewrite it.' });
  }
  const parsed = summaryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataFormatError(`${path}: not an eval summary (${issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'invalid'}).`, { file: path, fix: 'Give folders written by `safemed eval run`.' });
  }
  return parsed.data as unknown as EvalSummary;
}

export interface EvalCompareOutcome {
  files: string[];
  models: string[];
  /** What the reader must know (different benchmark sets); also written into the report. */
  warnings: string[];
}

export async function executeEvalCompare(options: { dirs: string[]; out: string }): Promise<EvalCompareOutcome> {
  if (options.dirs.length < 1) throw new ConfigError('No run folder given.', { key: 'dirs', fix: 'safemed eval compare <dir> <dir> … --out <dir>' });
  const runs = options.dirs.map((dir) => ({ dir: resolve(dir), summary: readRunSummary(dir) }));
  const summaries = runs.map((run) => run.summary);
  const seen = new Map<string, number>();
  for (const { dir, summary } of runs) {
    const count = seen.get(summary.model) ?? 0;
    seen.set(summary.model, count + 1);
    if (count > 0) summary.model = `${summary.model} (${basename(dir)})`;
  }
  mkdirSync(options.out, { recursive: true });
  const warnings = coverageWarnings(benchmarkCoverage(summaries));
  const comparison = {
    warnings,
    models: runs.map(({ dir, summary }) => ({ model: summary.model, dir, run_hash: summary.run_hash })),
    summaries,
  };
  writeFileSync(join(options.out, 'comparison.json'), JSON.stringify(comparison, null, 2) + '\n');
  const report = await writeReport({
    outDir: options.out,
    summaries,
    title: 'SafeMed eval: model comparison',
    details: [...summaries.map((summary, index) => `${summary.model}: ${summary.model_uri} (${options.dirs[index]})`), ...warnings.map((warning) => `Warning: ${warning}`)],
  });
  return { files: [join(options.out, 'comparison.json'), ...report.files], models: summaries.map((summary) => summary.model), warnings: [...warnings, ...report.warnings] };
}
