/**
 * The record shapes of the data pipeline. Every generated item carries its provenance (teacher,
 * prompt version, settings hash) and its strikes; quality control adds judge scores.
 */

/** Why an item lost trust. Five strikes (by default) send it to the expert review queue. */
export type Strike =
  | { kind: 'unverified_answer'; stage: 'cot' | 'expand' | 'qc'; detail: string }
  | { kind: 'blind_answer_mismatch'; stage: 'expand'; detail: string }
  | { kind: 'criterion_below_pass'; stage: 'qc'; judge: string; criterion: string; score: number }
  | { kind: 'judge_disagreement'; stage: 'qc'; criterion: string; spread: number }
  | { kind: 'judge_failure'; stage: 'qc'; judge: string; detail: string }
  | { kind: 'format'; stage: 'cot' | 'expand' | 'ethics'; detail: string };

export interface Provenance {
  /** The teacher's backend URI and model id. */
  teacher: string;
  prompt_version: string;
  /** Hash of every setting that changes the output (prompt version, teacher, temperatures, seed…). */
  settings_hash: string;
}

/** A multiple-choice QA item with a teacher's chain of thought (`data cot`, `data expand`). */
export interface CotRecord extends Provenance {
  kind: 'cot';
  id: string;
  /** Where the question came from: the exam file, or `expand:<topic>` for synthesised ones. */
  source: string;
  language: 'en' | 'zh';
  subject?: string;
  difficulty?: string;
  /** The generator's explanation of its key (expansion only). */
  explanation?: string;
  question: string;
  /** Option letter → text. */
  options: Record<string, string>;
  /** Correct letters, e.g. "C" or "AD". */
  answer: string;
  /** The teacher's reasoning (the `<think>` part). */
  reasoning: string;
  /** The whole response as `<think>…</think><answer>…</answer>`. */
  response: string;
  /** Letters extracted from the answer part by the eval extractor. */
  extracted: string;
  verified: boolean;
  attempts: number;
  temperatures: number[];
  strikes: Strike[];
  /** Present after `data qc`. */
  qc?: QcResult;
}

/** An ethics and safety item (`data ethics`). */
export interface EthicsRecord extends Provenance {
  kind: 'ethics';
  id: string;
  source: string;
  language: 'en' | 'zh';
  dimension: string;
  perspective: string;
  case: 'clear' | 'borderline' | 'benign_contrast';
  /** harmful for clear/borderline cases, benign for contrasts (the guard corpus labels). */
  label: 'harmful' | 'benign';
  /** The user's message. */
  question: string;
  reasoning: string;
  /** The answer part (what the user sees). */
  answer_text: string;
  response: string;
  principle: string;
  /** The source passage the item is grounded in, when sources were given. */
  grounding?: { file: string; passage: number; citation: string; excerpt: string };
  verified: boolean;
  attempts: number;
  temperatures: number[];
  strikes: Strike[];
  qc?: QcResult;
}

export type PipelineRecord = CotRecord | EthicsRecord;

export interface CriterionScore {
  score: number;
  reason: string;
}

export interface JudgeScores {
  judge: string;
  /** Criterion id → score; empty when the judge failed. */
  scores: Record<string, CriterionScore>;
  attempts: number;
  error?: string;
}

export interface QcResult {
  rubric: 'cot' | 'ethics';
  judges: JudgeScores[];
  /** Mean score per criterion over the judges that answered. */
  mean: Record<string, number>;
  /** Mean over every criterion (the item's score, used by dedup to keep the best of a cluster). */
  score: number | null;
  decision: 'accepted' | 'queued';
  regenerated: boolean;
  /** The first version when the item was regenerated. */
  previous?: { response: string; strikes: Strike[]; judges: JudgeScores[] };
  settings_hash: string;
}
