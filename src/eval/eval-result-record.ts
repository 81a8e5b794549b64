/** One line of results.jsonl: everything about one benchmark item under one model + settings. */
import type { HarmfulnessJudgement } from '../judges/med-safety-judge.js';

export interface RefusalJudgement {
  refused: boolean | null;
  /** `judge:<id>` or `refusal-detector`. */
  method: string;
  /** The judge's class (full_compliance / full_refusal / partial_refusal) or the matched phrase. */
  detail?: string;
  error?: string;
}

export interface EvalResultRecord {
  benchmark: string;
  item_id: string;
  /** Hash of model + settings (+ judges for judged items): the resume key with benchmark and item_id. */
  run_hash: string;
  kind: 'multiple-choice' | 'harmfulness' | 'over-refusal';
  subset?: string;
  category?: number;
  label?: 'safe' | 'unsafe';
  prompt: string;
  reasoning: string;
  answer: string;
  expected?: string[];
  extracted?: string[];
  correct?: boolean;
  judgements?: HarmfulnessJudgement[];
  refusal?: RefusalJudgement;
  /** Guard actions when run with --guard (input then output). */
  guard_actions?: string[];
  latency_ms: number;
  tokens: { prompt: number; completion: number };
  attempts: number;
  /** The model call failed after every retry; the item is redone on --resume. */
  error: string | null;
  finished_at: string;
}

export function resultKey(benchmark: string, itemId: string): string {
  return `${benchmark}\u0000${itemId}`;
}
