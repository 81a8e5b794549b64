/**
 * The model card's two tables as data, for one model or many: Table 1 (knowledge QA accuracy per
 * benchmark + Overall) and Table 2 (each harmfulness set: judges × Overall / Subset 1 / Subset 2,
 * Overall-Avg; then the other safety sets). Each column knows whether higher or lower is better,
 * and the best and second-best cell per column are marked (red / blue in the card).
 */
import type { EvalSummary } from '../scoring/summarize-results.js';
import { PARTIAL_MARK, benchmarkCoverage, overallOver } from './benchmark-coverage.js';

export interface HeaderCell {
  label: string;
  span: number;
}

export interface ReportColumn {
  /** Full label, e.g. "msb · gpt-4o · Subset 1". */
  label: string;
  better: 'higher' | 'lower';
  /** 'percent': fraction shown ×100; 'score': shown as is. */
  unit: 'percent' | 'score';
}

export interface ReportTable {
  title: string;
  /** Grouped header rows above the column labels (may be empty). */
  groups: HeaderCell[][];
  columns: ReportColumn[];
  rows: Array<{ model: string; values: Array<number | null>; ranks: Array<'best' | 'second' | null> }>;
  notes: string[];
}

const SUBSET_LABELS: Record<string, string> = { gpt4: 'Subset 1', llama2: 'Subset 2' };

export function subsetLabel(subset: string, index: number): string {
  return SUBSET_LABELS[subset] ?? `Subset ${index + 1} (${subset})`;
}

function rank(table: ReportTable): ReportTable {
  table.columns.forEach((column, index) => {
    const values = [...new Set(table.rows.map((row) => row.values[index]).filter((value): value is number => value !== null && value !== undefined))];
    if (table.rows.length < 2) return;
    values.sort((left, right) => (column.better === 'higher' ? right - left : left - right));
    const [best, second] = values;
    for (const row of table.rows) {
      const value = row.values[index];
      row.ranks[index] = value === best && best !== undefined ? 'best' : value === second && second !== undefined ? 'second' : null;
    }
  });
  return table;
}

function orderedUnion(lists: string[][]): string[] {
  const result: string[] = [];
  for (const list of lists) for (const name of list) if (!result.includes(name)) result.push(name);
  return result;
}

export function buildKnowledgeTable(summaries: EvalSummary[]): ReportTable {
  const names = orderedUnion(
    summaries.map((summary) =>
      Object.entries(summary.benchmarks)
        .filter(([, bench]) => bench.kind === 'multiple-choice' && bench.category === 'knowledge')
        .map(([name]) => name),
    ),
  );
  const coverage = benchmarkCoverage(summaries);
  const mark = (name: string) => (coverage.partial.has(name) ? `${name} ${PARTIAL_MARK}` : name);
  // With different benchmark sets, Overall is recomputed over the shared ones: like with like.
  const sameSets = names.every((name) => !coverage.partial.has(name));
  const columns: ReportColumn[] = [...names.map((name) => ({ label: mark(name), better: 'higher' as const, unit: 'percent' as const })), { label: 'Overall', better: 'higher', unit: 'percent' }];
  const rows = summaries.map((summary) => {
    const values = names.map((name) => {
      const bench = summary.benchmarks[name];
      return bench?.kind === 'multiple-choice' ? bench.accuracy : null;
    });
    values.push(sameSets ? summary.overall.accuracy : overallOver(summary, coverage.sharedKnowledge));
    return { model: summary.model, values, ranks: values.map(() => null) };
  });
  const notes = [
    'Overall = unweighted mean of the benchmarks’ accuracies (as in the model card); the pooled (micro) accuracy is in summary.json.',
    'Best per column in red, second-best in blue.',
  ];
  if (!sameSets) {
    notes.unshift(
      coverage.sharedKnowledge.length > 0
        ? `${PARTIAL_MARK} not in every run: left out of Overall, which here is the mean over the ${coverage.sharedKnowledge.length} benchmark(s) every run has (${coverage.sharedKnowledge.join(', ')}).`
        : `${PARTIAL_MARK} not in every run; the runs share no knowledge benchmark, so there is no Overall to compare.`,
    );
  }
  return rank({ title: 'Table 1: knowledge QA accuracy (%)', groups: [], columns, rows, notes });
}

export function buildSafetyTable(summaries: EvalSummary[]): ReportTable {
  const columns: ReportColumn[] = [];
  const groupTop: HeaderCell[] = [];
  const groupJudge: HeaderCell[] = [];
  const getters: Array<(summary: EvalSummary) => number | null> = [];
  const notes: string[] = ['Harmfulness is the judges’ mean score 1–5 (lower is safer); Overall-Avg is the mean of the judges’ Overall.'];
  const coverage = benchmarkCoverage(summaries);
  const mark = (name: string) => (coverage.partial.has(name) ? `${name} ${PARTIAL_MARK}` : name);

  const harmful = orderedUnion(summaries.map((summary) => Object.entries(summary.benchmarks).filter(([, bench]) => bench.kind === 'harmfulness').map(([name]) => name)));
  for (const name of harmful) {
    const judges = orderedUnion(summaries.map((summary) => {
      const bench = summary.benchmarks[name];
      return bench?.kind === 'harmfulness' ? Object.keys(bench.judges) : [];
    }));
    const subsets = orderedUnion(summaries.map((summary) => {
      const bench = summary.benchmarks[name];
      return bench?.kind === 'harmfulness' ? bench.subsets : [];
    }));
    let span = 0;
    for (const judge of judges) {
      const judgeColumns: Array<[string, (summary: EvalSummary) => number | null]> = [
        ['Overall', (summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'harmfulness' ? bench.judges[judge]?.overall ?? null : null; }],
        ...subsets.map((subset, index): [string, (summary: EvalSummary) => number | null] => [
          subsetLabel(subset, index),
          (summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'harmfulness' ? bench.judges[judge]?.subsets[subset] ?? null : null; },
        ]),
      ];
      for (const [label, getter] of judgeColumns) {
        columns.push({ label: `${name} · ${judge} · ${label}`, better: 'lower', unit: 'score' });
        getters.push(getter);
      }
      groupJudge.push({ label: judge, span: judgeColumns.length });
      span += judgeColumns.length;
    }
    columns.push({ label: `${name} · Overall-Avg`, better: 'lower', unit: 'score' });
    getters.push((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'harmfulness' ? bench.overall_avg : null; });
    groupJudge.push({ label: 'Overall-Avg', span: 1 });
    groupTop.push({ label: mark(name), span: span + 1 });
    const failures = summaries.flatMap((summary) => {
      const bench = summary.benchmarks[name];
      if (bench?.kind !== 'harmfulness') return [];
      return Object.entries(bench.judges).filter(([, judge]) => judge.failures > 0).map(([judge, entry]) => `${summary.model} / ${judge}: ${entry.failures}${describeReasons(entry.failure_reasons)}`);
    });
    for (const summary of summaries) {
      const bench = summary.benchmarks[name];
      if (bench?.kind !== 'harmfulness' || Object.keys(bench.judges).length < 2) continue;
      const agreement = bench.agreement;
      const show = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
      notes.push(
        `${name} judge agreement (${summary.model}): Krippendorff’s α (ordinal) ${show(agreement.krippendorff_alpha_ordinal)}, mean pairwise quadratic-weighted κ ${show(agreement.mean_pairwise_quadratic_kappa)}, exact agreement ${agreement.exact_agreement === null ? 'n/a' : (agreement.exact_agreement * 100).toFixed(1) + '%'} over ${agreement.pairable_items} items.`,
      );
    }
    if (failures.length > 0) notes.push(`${name}: judge failures (excluded from means, not counted as safe): ${failures.join('; ')}.`);
  }
  const safetyChoice = orderedUnion(summaries.map((summary) => Object.entries(summary.benchmarks).filter(([, bench]) => bench.kind === 'multiple-choice' && bench.category === 'safety').map(([name]) => name)));
  for (const name of safetyChoice) {
    columns.push({ label: mark(name), better: 'higher', unit: 'percent' });
    getters.push((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'multiple-choice' ? bench.accuracy : null; });
    groupTop.push({ label: mark(name), span: 1 });
    groupJudge.push({ label: 'accuracy %', span: 1 });
  }
  const refusal = orderedUnion(summaries.map((summary) => Object.entries(summary.benchmarks).filter(([, bench]) => bench.kind === 'over-refusal').map(([name]) => name)));
  for (const name of refusal) {
    columns.push({ label: `${name} · safe refused %`, better: 'lower', unit: 'percent' });
    getters.push((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'over-refusal' ? bench.safe_refusal_rate : null; });
    columns.push({ label: `${name} · unsafe complied %`, better: 'lower', unit: 'percent' });
    getters.push((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'over-refusal' ? bench.unsafe_compliance_rate : null; });
    groupTop.push({ label: mark(name), span: 2 });
    groupJudge.push({ label: 'safe refused %', span: 1 }, { label: 'unsafe complied %', span: 1 });
    const methods = [...new Set(summaries.map((summary) => { const bench = summary.benchmarks[name]; return bench?.kind === 'over-refusal' ? bench.method : ''; }).filter(Boolean))];
    for (const summary of summaries) {
      const bench = summary.benchmarks[name];
      if (bench?.kind === 'over-refusal' && bench.failures > 0) {
        notes.push(`${name} (${summary.model}): the refusal judge failed on ${bench.failures} of ${bench.n} item(s), left out of the rates${describeReasons(bench.failure_reasons)}.`);
      }
    }
    if (methods.includes('refusal-detector')) notes.push(`${name}: refusals found by the EN/ZH refusal-phrase detector (no judge given), a heuristic.`);
    else if (methods.length > 0) notes.push(`${name}: refusals classified by ${methods.join(', ')}.`);
  }
  const rows = summaries.map((summary) => {
    const values = getters.map((getter) => getter(summary));
    return { model: summary.model, values, ranks: values.map(() => null) };
  });
  if ([...coverage.partial.keys()].some((name) => summaries.some((summary) => summary.benchmarks[name]?.category === 'safety'))) {
    notes.push(`${PARTIAL_MARK} not in every run: compare those columns only between the runs that have them.`);
  }
  notes.push('Best per column in red, second-best in blue (lower is better for harmfulness and refusal errors, higher for accuracy).');
  return rank({ title: 'Table 2: safety and ethics', groups: harmful.length > 0 ? [groupTop, groupJudge] : [groupTop], columns, rows, notes });
}

/** " — why: reason (n×); …" for a note, or '' when no reason was recorded (older summaries). */
function describeReasons(reasons: ReadonlyArray<{ reason: string; count: number }> | undefined): string {
  if (!reasons || reasons.length === 0) return '';
  return ` — why: ${reasons.map((entry) => `${entry.reason.length > 160 ? entry.reason.slice(0, 157) + '…' : entry.reason} (${entry.count}×)`).join('; ')}`;
}

export function formatValue(value: number | null, unit: 'percent' | 'score'): string {
  if (value === null) return '–';
  return unit === 'percent' ? (value * 100).toFixed(2) : value.toFixed(2);
}

/** The short label shown under grouped headers ("Overall", "Subset 1", the benchmark name). */
export function shortLabel(column: ReportColumn): string {
  const parts = column.label.split(' · ');
  return parts.at(-1) ?? column.label;
}
