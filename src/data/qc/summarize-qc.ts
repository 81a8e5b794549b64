/**
 * The figures of one QC run: pass rate per criterion (overall and per judge), the strikes histogram,
 * strikes by kind, and judge agreement per criterion with the eval agreement statistics.
 */
import { computeJudgeAgreement, type JudgeAgreement } from '../../eval/scoring/judge-agreement.js';
import type { PipelineRecord } from '../data-record.js';

export interface QcSummary {
  items: number;
  accepted: number;
  queued: number;
  regenerated: number;
  judge_failures: number;
  pass_mark: number;
  strike_limit: number;
  /** Criterion → share of (item, judge) scores at or above the pass mark. */
  pass_rate: Record<string, { rate: number | null; scored: number; by_judge: Record<string, number | null> }>;
  /** Number of strikes → items ("5+" collects the rest at the limit). */
  strikes_histogram: Record<string, number>;
  strikes_by_kind: Record<string, number>;
  judge_agreement: Record<string, JudgeAgreement>;
}

export function summarizeQc(records: PipelineRecord[], criteriaByRubric: Record<string, string[]>, judgeIds: string[], passMark: number, limit: number): QcSummary {
  const histogram: Record<string, number> = {};
  for (let count = 0; count < limit; count += 1) histogram[String(count)] = 0;
  histogram[`${limit}+`] = 0;
  const byKind: Record<string, number> = {};
  const passes = new Map<string, { pass: number; scored: number; byJudge: Map<string, { pass: number; scored: number }> }>();
  const matrices = new Map<string, Array<Array<number | null>>>();
  let accepted = 0;
  let queued = 0;
  let regenerated = 0;
  let failures = 0;
  for (const record of records) {
    const qc = record.qc;
    if (!qc) continue;
    if (qc.decision === 'accepted') accepted += 1;
    else queued += 1;
    if (qc.regenerated) regenerated += 1;
    const bucket = record.strikes.length >= limit ? `${limit}+` : String(record.strikes.length);
    histogram[bucket] = (histogram[bucket] ?? 0) + 1;
    for (const strike of record.strikes) byKind[strike.kind] = (byKind[strike.kind] ?? 0) + 1;
    failures += qc.judges.filter((judge) => judge.error !== undefined).length;
    for (const criterion of criteriaByRubric[qc.rubric] ?? []) {
      const entry = passes.get(criterion) ?? { pass: 0, scored: 0, byJudge: new Map<string, { pass: number; scored: number }>() };
      passes.set(criterion, entry);
      const row: Array<number | null> = [];
      for (const judgeId of judgeIds) {
        const score = qc.judges.find((judge) => judge.judge === judgeId)?.scores[criterion]?.score;
        row.push(score ?? null);
        if (score === undefined) continue;
        const ok = score >= passMark ? 1 : 0;
        entry.pass += ok;
        entry.scored += 1;
        const perJudge = entry.byJudge.get(judgeId) ?? { pass: 0, scored: 0 };
        perJudge.pass += ok;
        perJudge.scored += 1;
        entry.byJudge.set(judgeId, perJudge);
      }
      const matrix = matrices.get(criterion) ?? [];
      matrix.push(row);
      matrices.set(criterion, matrix);
    }
  }
  const passRate: QcSummary['pass_rate'] = {};
  for (const [criterion, entry] of passes) {
    passRate[criterion] = {
      rate: entry.scored > 0 ? entry.pass / entry.scored : null,
      scored: entry.scored,
      by_judge: Object.fromEntries(judgeIds.map((judgeId) => { const value = entry.byJudge.get(judgeId); return [judgeId, value && value.scored > 0 ? value.pass / value.scored : null]; })),
    };
  }
  const agreement: Record<string, JudgeAgreement> = {};
  for (const [criterion, matrix] of matrices) agreement[criterion] = computeJudgeAgreement(matrix);
  return { items: accepted + queued, accepted, queued, regenerated, judge_failures: failures, pass_mark: passMark, strike_limit: limit, pass_rate: passRate, strikes_histogram: histogram, strikes_by_kind: byKind, judge_agreement: agreement };
}

export function formatQcSummary(summary: QcSummary): string {
  const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
  const number = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
  const lines = [`QC: ${summary.items} items, ${summary.accepted} accepted, ${summary.queued} to the expert queue (≥ ${summary.strike_limit} strikes), ${summary.regenerated} regenerated, ${summary.judge_failures} judge failure(s)`];
  lines.push(`pass rate per criterion (score ≥ ${summary.pass_mark}):`);
  for (const [criterion, entry] of Object.entries(summary.pass_rate)) lines.push(`  ${criterion.padEnd(24)} ${percent(entry.rate).padStart(8)}  (${entry.scored} scores)`);
  lines.push(`strikes histogram: ${Object.entries(summary.strikes_histogram).map(([strikes, count]) => `${strikes}:${count}`).join('  ')}`);
  lines.push('judge agreement (Krippendorff α ordinal / mean quadratic κ / exact):');
  for (const [criterion, entry] of Object.entries(summary.judge_agreement)) lines.push(`  ${criterion.padEnd(24)} ${number(entry.krippendorff_alpha_ordinal)} / ${number(entry.mean_pairwise_quadratic_kappa)} / ${percent(entry.exact_agreement)}`);
  return lines.join('\n');
}
