/** `safemed eval compare <dir>…`: one Table 1, one Table 2 and one radar chart with every model. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, DataFormatError } from '../core/errors.js';
import type { EvalSummary } from './scoring/summarize-results.js';
import { benchmarkCoverage, coverageWarnings } from './report/benchmark-coverage.js';
import { writeReport } from './report/write-run-report.js';

export function readRunSummary(directory: string): EvalSummary {
  const path = join(directory, 'summary.json');
  if (!existsSync(path)) throw new ConfigError(`${path} not found.`, { key: 'dirs', fix: 'Give folders written by `safemed eval run --out <dir>`.' });
  let parsed: EvalSummary;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as EvalSummary;
  } catch (error) {
    throw new DataFormatError(`${path}: not valid JSON.`, { file: path, cause: error, fix: 'Rerun `safemed eval run --resume` to rewrite it.' });
  }
  if (typeof parsed.model !== 'string' || typeof parsed.benchmarks !== 'object' || parsed.benchmarks === null) {
    throw new DataFormatError(`${path}: not an eval summary (no model / benchmarks).`, { file: path, fix: 'Give folders written by `safemed eval run`.' });
  }
  return parsed;
}

export interface EvalCompareOutcome {
  files: string[];
  models: string[];
  /** What the reader must know (different benchmark sets); also written into the report. */
  warnings: string[];
}

export async function executeEvalCompare(options: { dirs: string[]; out: string }): Promise<EvalCompareOutcome> {
  if (options.dirs.length < 1) throw new ConfigError('No run folder given.', { key: 'dirs', fix: 'safemed eval compare <dir> <dir> … --out <dir>' });
  const summaries = options.dirs.map(readRunSummary);
  const seen = new Map<string, number>();
  summaries.forEach((summary, index) => {
    const count = seen.get(summary.model) ?? 0;
    seen.set(summary.model, count + 1);
    if (count > 0) summary.model = `${summary.model} (${basename(resolve(options.dirs[index]!))})`;
  });
  mkdirSync(options.out, { recursive: true });
  const warnings = coverageWarnings(benchmarkCoverage(summaries));
  const comparison = {
    warnings,
    models: summaries.map((summary, index) => ({ model: summary.model, dir: resolve(options.dirs[index]!), run_hash: summary.run_hash })),
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
