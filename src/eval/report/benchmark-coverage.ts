/**
 * Which benchmarks a set of runs shares. A comparison puts only like with like into one figure:
 * Overall is the mean over the knowledge benchmarks every run has; the others are marked.
 */
import type { EvalSummary } from '../scoring/summarize-results.js';

export interface BenchmarkCoverage {
  /** Every benchmark name, in first-seen order. */
  all: string[];
  /** Names present in every run. */
  shared: Set<string>;
  /** Names missing from some run → the runs that have them. */
  partial: Map<string, string[]>;
  /** Knowledge benchmarks present in every run (what Overall averages). */
  sharedKnowledge: string[];
}

/** The mark added to a benchmark that not every compared run has. */
export const PARTIAL_MARK = '†';

export function benchmarkCoverage(summaries: readonly EvalSummary[]): BenchmarkCoverage {
  const all: string[] = [];
  for (const summary of summaries) for (const name of Object.keys(summary.benchmarks)) if (!all.includes(name)) all.push(name);
  const shared = new Set(all.filter((name) => summaries.every((summary) => name in summary.benchmarks)));
  const partial = new Map<string, string[]>();
  for (const name of all) {
    if (!shared.has(name)) partial.set(name, summaries.filter((summary) => name in summary.benchmarks).map((summary) => summary.model));
  }
  const sharedKnowledge = all.filter((name) => {
    if (!shared.has(name)) return false;
    return summaries.every((summary) => {
      const bench = summary.benchmarks[name];
      return bench?.kind === 'multiple-choice' && bench.category === 'knowledge';
    });
  });
  return { all, shared, partial, sharedKnowledge };
}

/** Overall accuracy of one run over the given knowledge benchmarks (unweighted mean, as in Table 1). */
export function overallOver(summary: EvalSummary, names: readonly string[]): number | null {
  const values = names.flatMap((name) => {
    const bench = summary.benchmarks[name];
    return bench?.kind === 'multiple-choice' ? [bench.accuracy] : [];
  });
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** One line per mismatch, for the terminal and the report; empty when every run has the same benchmarks. */
export function coverageWarnings(coverage: BenchmarkCoverage): string[] {
  if (coverage.partial.size === 0) return [];
  const missing = [...coverage.partial].map(([name, models]) => `${name} (only ${models.join(', ')})`);
  return [
    `the runs cover different benchmarks: ${missing.join('; ')} — marked ${PARTIAL_MARK} and left out of Overall, which is the mean over the ${coverage.sharedKnowledge.length} knowledge benchmark(s) every run has${coverage.sharedKnowledge.length > 0 ? ` (${coverage.sharedKnowledge.join(', ')})` : ''}.`,
  ];
}
