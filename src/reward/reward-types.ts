/** The reward's shared types: one scored item, its components and where each value came from. */
import type { ChatMessage } from '../core/chat.js';

export const REWARD_COMPONENTS = ['safety', 'over_refusal', 'format', 'accuracy', 'explanation'] as const;
export type RewardComponent = (typeof REWARD_COMPONENTS)[number];

/**
 * What the prompt is: `harmful` (a request the model should decline or steer), `benign` (an ordinary
 * request the model should answer) or `exam` (a benign multiple-choice question with a known answer).
 */
export const PROMPT_KINDS = ['harmful', 'benign', 'exam'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export interface RewardLabel {
  kind?: PromptKind;
  /** Correct option letters of an exam question, sorted, e.g. ["B"] or ["A", "D"]. */
  answer?: string[];
  /** The option letters the question offers (default: read from the prompt, else A–E). */
  options?: string[];
}

/** One rollout to score: the conversation the policy saw and its raw response (with <think>/<answer>). */
export interface RewardItem {
  messages: ChatMessage[];
  response: string;
  label?: RewardLabel;
}

/** How a component's value was obtained. */
export type ComponentSource = 'rule' | 'judge' | 'detector' | 'heuristic' | 'fallback' | 'not_applicable';

export interface ComponentScore {
  /** In [0, 1]; null when the component does not apply to this item (or a failed judge is skipped). */
  value: number | null;
  source: ComponentSource;
  /** A short human-readable note: the rule that failed, the judge scores, the fallback used. */
  detail?: string;
}

export interface RewardResult {
  /** Weighted mean of the applicable components, in [0, 1]. */
  total: number;
  kind: PromptKind;
  kindSource: 'label' | 'guard' | 'config';
  components: Record<RewardComponent, ComponentScore>;
  /** Judge calls of this item that failed after every retry. */
  judgeFailures: number;
  /** Judge answers served from the cache for this item. */
  cacheHits: number;
}
