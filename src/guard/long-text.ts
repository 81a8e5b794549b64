/**
 * Long client texts without stalling the server (issue 8, item 1). The guard's checks were written for
 * requests of a few thousand characters; some cost more than linear time, and all run on the server's
 * event loop. So:
 *   - the conversation-level checks (multi-turn scoring, language, the encoder band) read a bounded
 *     conversation (`boundedConversation`): CONVERSATION_CHARACTERS in all, the latest messages first,
 *     each cut text read as its head and its tail;
 *   - every text that was cut is also scanned in full, as overlapping windows (`textWindows`), one
 *     window per slice of the event loop (`createTimeSlicer`); the riskiest window counts when it is
 *     riskier than the bounded reading. Nothing is skipped, so padding a harmful request with filler
 *     does not hide it; windows overlap by WINDOW_OVERLAP characters, so a request up to that length is
 *     read whole in one window. (A wrapper far from the request — more than a window apart, and outside
 *     the head and tail — does not add its boost to the request's window.)
 */
import { setImmediate } from 'node:timers/promises';
import type { ChatMessage } from '../core/chat.js';

/** The most characters of client text the conversation-level checks read, over all messages (the latest first). */
export const CONVERSATION_CHARACTERS = 4_000;
/** Each message keeps at least this many characters (head and tail) in the conversation-level reading. */
export const MESSAGE_MINIMUM_CHARACTERS = 400;
/** A text is scanned in windows of this many characters (the assessor's cost per window stays a few ms). */
export const WINDOW_CHARACTERS = 2_500;
/** Consecutive windows of a long text share this many characters. */
export const WINDOW_OVERLAP = 600;

/** The text, or its head and tail (`limit` characters in all) joined by a line break when it is longer. */
export function boundedText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = Math.floor(limit / 2);
  return `${text.slice(0, head)}\n${text.slice(text.length - (limit - head))}`;
}

/**
 * Each message's content and name bounded so the conversation holds at most CONVERSATION_CHARACTERS
 * (the latest messages keep the most; every message keeps at least MESSAGE_MINIMUM_CHARACTERS).
 * Returns the same array when nothing had to be cut.
 */
export function boundedConversation(messages: ChatMessage[], budget: number = CONVERSATION_CHARACTERS): ChatMessage[] {
  const total = messages.reduce((sum, message) => sum + message.content.length + (message.name?.length ?? 0), 0);
  if (total <= budget) return messages;
  let remaining = budget;
  const bounded: ChatMessage[] = [];
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as ChatMessage;
    const content = boundedText(message.content, Math.max(MESSAGE_MINIMUM_CHARACTERS, remaining));
    remaining = Math.max(0, remaining - content.length);
    const copy: ChatMessage = { ...message, content };
    if (message.name !== undefined) {
      copy.name = boundedText(message.name, Math.max(MESSAGE_MINIMUM_CHARACTERS, remaining));
      remaining = Math.max(0, remaining - copy.name.length);
    }
    bounded.push(copy);
  }
  return bounded.reverse();
}

export interface TextWindow {
  /** Offset of the window's first character in the text. */
  start: number;
  text: string;
}

/** Overlapping windows of `size` characters covering the whole text (one window when it is not longer). */
export function textWindows(text: string, size: number = WINDOW_CHARACTERS, overlap: number = WINDOW_OVERLAP): TextWindow[] {
  if (text.length <= size) return [{ start: 0, text }];
  const step = size - overlap;
  const windows: TextWindow[] = [];
  for (let start = 0; ; start += step) {
    const end = Math.min(text.length, start + size);
    windows.push({ start, text: text.slice(start, end) });
    if (end === text.length) return windows;
  }
}

export interface TimeSlicer {
  /** Yields to the event loop when the current slice has run for `sliceMs` or more. */
  pause(signal?: AbortSignal): Promise<void>;
}

/** Cooperative time slicing for loops on the event loop: other requests (and /health) run between slices. */
export function createTimeSlicer(sliceMs = 8, now: () => number = () => performance.now()): TimeSlicer {
  let sliceStart = now();
  return {
    async pause(signal) {
      if (now() - sliceStart < sliceMs) return;
      await setImmediate();
      signal?.throwIfAborted();
      sliceStart = now();
    },
  };
}
