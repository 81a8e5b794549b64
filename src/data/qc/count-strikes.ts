/**
 * The strikes of quality control, exactly as the issue defines them:
 * - one per criterion scored below the pass mark, per judge;
 * - one per criterion on which the judges disagree by more than the disagreement threshold
 *   (max − min of their scores);
 * - one for a wrong or unverified answer (unless the generation stage already struck it);
 * - one per judge failure (a failed judge is never a pass).
 */
import type { JudgeScores, PipelineRecord, Strike } from '../data-record.js';

export interface StrikeRules {
  /** A score below this is a failed criterion (default 3). */
  passMark: number;
  /** Judges disagree when max − min on a criterion exceeds this (default 1). */
  disagreement: number;
  /** Strikes that send an item to the expert queue (default 5). */
  limit: number;
}

export const DEFAULT_STRIKE_RULES: StrikeRules = { passMark: 3, disagreement: 1, limit: 5 };

export function countQcStrikes(record: PipelineRecord, judges: JudgeScores[], criteria: string[], rules: StrikeRules): Strike[] {
  const strikes: Strike[] = [];
  for (const judge of judges) {
    if (judge.error !== undefined || Object.keys(judge.scores).length === 0) {
      strikes.push({ kind: 'judge_failure', stage: 'qc', judge: judge.judge, detail: judge.error ?? 'no scores' });
      continue;
    }
    for (const criterion of criteria) {
      const score = judge.scores[criterion]?.score;
      if (score !== undefined && score < rules.passMark) strikes.push({ kind: 'criterion_below_pass', stage: 'qc', judge: judge.judge, criterion, score });
    }
  }
  for (const criterion of criteria) {
    const scores = judges.map((judge) => judge.scores[criterion]?.score).filter((score): score is number => score !== undefined);
    if (scores.length < 2) continue;
    const spread = Math.max(...scores) - Math.min(...scores);
    if (spread > rules.disagreement) strikes.push({ kind: 'judge_disagreement', stage: 'qc', criterion, spread });
  }
  const alreadyStruck = record.strikes.some((strike) => strike.kind === 'unverified_answer' || strike.kind === 'blind_answer_mismatch');
  if (!record.verified && !alreadyStruck) strikes.push({ kind: 'unverified_answer', stage: 'qc', detail: 'the item is not verified' });
  return strikes;
}

/** True when some criterion failed (a judge scored it below the pass mark): the item may be regenerated once. */
export function hasFailedCriterion(strikes: Strike[]): boolean {
  return strikes.some((strike) => strike.kind === 'criterion_below_pass');
}

export function meanScores(judges: JudgeScores[], criteria: string[]): { mean: Record<string, number>; score: number | null } {
  const mean: Record<string, number> = {};
  for (const criterion of criteria) {
    const scores = judges.map((judge) => judge.scores[criterion]?.score).filter((score): score is number => score !== undefined);
    if (scores.length > 0) mean[criterion] = scores.reduce((sum, score) => sum + score, 0) / scores.length;
  }
  const values = Object.values(mean);
  return { mean, score: values.length === criteria.length && values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : null };
}
