/** One line of a red-team run's results.jsonl: every round, every turn, every judge's score. */
import type { ChatMessage, FinishReason, SafetyVerdict } from '../core/chat.js';

export type RedteamOutcome = 'success' | 'resisted' | 'judge_failure' | 'error';

export interface RedteamTurn {
  user: string;
  /** The target's answer (model targets) or the text the guard would show (guard target). */
  reply: string;
  reasoning: string;
  finish_reason?: FinishReason;
  /** Guard verdicts of this turn (guarded model or guard target). */
  verdicts: SafetyVerdict[];
}

export interface RedteamJudgeScore {
  judge: string;
  score: number | null;
  reason: string;
  error?: string;
}

export interface RedteamRound {
  round: number;
  /** The user turns of this round (round > 1: the attacker's rewrite). */
  attack: string[];
  turns: RedteamTurn[];
  judges: RedteamJudgeScore[];
  /** Mean of the judges' scores (null when no judge scored it, or for the guard target). */
  mean_score: number | null;
  /** Guard target: the guard's action on the last turn. */
  guard_action?: SafetyVerdict['action'];
  outcome: RedteamOutcome;
  error?: string;
}

export interface RedteamResultRecord {
  attack_id: string;
  seed_id: string;
  strategy: string;
  dimension: string;
  language: string;
  generator: string;
  run_hash: string;
  target: string;
  rounds: RedteamRound[];
  /** The outcome of the last round. */
  outcome: RedteamOutcome;
  score: number | null;
  guard_action?: SafetyVerdict['action'];
  judge_failures: number;
  time_ms: number;
  /** The whole final conversation, for reading and export. */
  conversation: ChatMessage[];
}
