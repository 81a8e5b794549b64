import type { ChatMessage } from '../../core/chat.js';
import type { UsageJson } from '../../core/usage-json.js';

/** One answer: what `--json` prints. */
export interface ChatAnswer {
  reasoning: string;
  answer: string;
  usage: UsageJson | null;
  /** `stop`, `length`, `content_filter` (the guard replaced or cut the answer) or `error`; null when unknown. */
  finish_reason: string | null;
  /** The server's (or the embedded guard's) `safemed` object with the verdict. */
  safemed?: unknown;
  /** True when the user stopped the answer (Ctrl-C / Ctrl-D) before it ended. */
  stopped?: boolean;
}

export interface ChatCallbacks {
  onReasoning(text: string): void;
  onAnswer(text: string): void;
}

/** Asks one question (the whole conversation so far); `signal` stops the answer. */
export type Ask = (messages: ChatMessage[], callbacks: ChatCallbacks, signal: AbortSignal) => Promise<ChatAnswer>;

export interface ChatSession {
  ask: Ask;
  close(): Promise<void>;
}
