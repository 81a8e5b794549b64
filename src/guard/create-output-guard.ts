/**
 * The output guard: checks the model's reasoning and answer while they stream, with a check made
 * for answers (check-answer.ts), conditioned on the request's verdict. Text is held back until a
 * sentence boundary; each sentence is checked (with the one before it) and released when it is
 * sound. The first sentence that fires is never released: the output stops there and the
 * replacement (a notice and the refusal for the mechanism found) follows what was released.
 *
 * Linear in the answer's length: the boundary scan never looks at a character twice, the held-back
 * window is bounded (`maxPendingChars`; a longer run without a boundary is cut at a space), and each
 * check reads at most two segments.
 */
import type { StreamPart } from '../core/chat.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SafetySpec } from '../spec/safety-spec-schema.js';
import type { AnswerCheck, AnswerHazard } from './check-answer.js';
import type { GuardFailMode, OutputReplacement } from './guard-types.js';
import { inReplyLanguage, specLanguageOf, type ReplyLanguage } from './reply-language.js';

export interface OutputGuardOptions {
  check: AnswerCheck;
  language: ReplyLanguage;
  failMode: GuardFailMode;
  spec: SafetySpec;
  logger: Logger;
  /** The refusal that replaces the answer from the cut on (composed for the hazard's mechanism). */
  refusal(hazard: AnswerHazard | undefined): string;
  /** The longest run held back without a sentence boundary; cut at a space beyond it (default 400). */
  maxPendingChars?: number;
  /** Shortest segment checked on its own (default 12 characters); shorter ones join the next. */
  minSegmentChars?: number;
}

export interface OutputGuardState {
  stopped: boolean;
  /** Set when the output was stopped: why, where, and which mechanism. */
  replacement?: OutputReplacement;
  checkedSegments: number;
  reasons: string[];
}

export interface OutputGuard {
  /** Feeds one delta; returns the parts that may be released now. */
  push(part: Extract<StreamPart, { type: 'reasoning-delta' | 'text-delta' }>): StreamPart[];
  /** Checks and releases what is still held back (call once, at the end of the stream). */
  end(): StreamPart[];
  readonly state: OutputGuardState;
}

type Channel = 'reasoning' | 'text';

/** Sentence-ending characters. Tested by character code: this runs on every character of every answer. */
const BOUNDARY_CHARACTERS = '.!?。！？；;…\n';
const CLOSING_CHARACTERS = '"\'”’)]）】」』';
const codeSet = (characters: string): { ascii: Uint8Array; other: Set<number> } => {
  const ascii = new Uint8Array(128);
  const other = new Set<number>();
  for (const character of characters) {
    const code = character.charCodeAt(0);
    if (code < 128) ascii[code] = 1;
    else other.add(code);
  }
  return { ascii, other };
};
const BOUNDARY = codeSet(BOUNDARY_CHARACTERS);
const BOUNDARY_OR_CLOSING = codeSet(BOUNDARY_CHARACTERS + CLOSING_CHARACTERS);
/** `code` (NaN past the end: false) is in `set`. */
const inSet = (set: { ascii: Uint8Array; other: Set<number> }, code: number): boolean => (code < 128 ? set.ascii[code] === 1 : set.other.has(code));
const isDigitCode = (code: number): boolean => code >= 48 && code <= 57;
const isSpaceCode = (code: number): boolean => code === 32 || code === 9 || code === 13;

interface ChannelBuffer {
  /** Held-back text: `text.slice(start)` is not yet released. */
  text: string;
  start: number;
  /** Index up to which `text` has been scanned for a boundary without finding one that ends a segment. */
  scanned: number;
  /** The last released segment (context for the next check). */
  previous: string;
  released: number;
}

const emptyBuffer = (): ChannelBuffer => ({ text: '', start: 0, scanned: 0, previous: '', released: 0 });

/**
 * Scans `buffer.text` from `buffer.scanned` up to `limit` for the end of a segment at least
 * `minimum` characters long. Returns the index just after the boundary run (closing quotes and
 * spaces included), or -1; every character is scanned once across calls (`buffer.scanned`).
 */
function findSegmentEnd(buffer: ChannelBuffer, limit: number, minimum: number): number {
  const { text } = buffer;
  let index = buffer.scanned;
  while (index < limit) {
    const code = text.charCodeAt(index);
    if (!inSet(BOUNDARY, code)) {
      index += 1;
      continue;
    }
    // "2.5 mg": a dot between digits is no boundary. At the very end we cannot know yet: wait.
    if (code === 46 && isDigitCode(text.charCodeAt(index - 1))) {
      if (index + 1 >= text.length) break;
      if (isDigitCode(text.charCodeAt(index + 1))) {
        index += 1;
        continue;
      }
    }
    let end = index + 1;
    while (end < text.length && inSet(BOUNDARY_OR_CLOSING, text.charCodeAt(end))) end += 1;
    while (end < text.length && isSpaceCode(text.charCodeAt(end))) end += 1;
    if (end - buffer.start >= minimum) {
      buffer.scanned = end;
      return end;
    }
    index = end;
  }
  buffer.scanned = index;
  return -1;
}

/** Index just after the last space in text[from, to), or `to` when there is none (bounded: never scans before `from`). */
function lastSpaceCut(text: string, from: number, to: number): number {
  for (let index = to - 1; index > from; index -= 1) if (text[index] === ' ') return index + 1;
  return to;
}

export function createOutputGuard(options: OutputGuardOptions): OutputGuard {
  const maxPending = Math.max(32, options.maxPendingChars ?? 400);
  const minSegmentChars = options.minSegmentChars ?? 12;
  const buffers: Record<Channel, ChannelBuffer> = { reasoning: emptyBuffer(), text: emptyBuffer() };
  const state: OutputGuardState = { stopped: false, checkedSegments: 0, reasons: [] };
  /** Read through a function: flush() and drain() change it behind TypeScript's narrowing. */
  const stopped = (): boolean => state.stopped;

  const partOf = (channel: Channel, text: string): StreamPart =>
    channel === 'reasoning' ? { type: 'reasoning-delta', text } : { type: 'text-delta', text };

  /**
   * The notice and the refusal always go to the answer channel, after whatever answer text was released.
   * The notice comes even when nothing was released (the first sentence fired): without it the user read
   * only "I can't help with that part of your request" under a question the input check had allowed, and
   * was never told that the model's answer had been withheld (probing round 4).
   */
  const replacement = (hazard: AnswerHazard | undefined): StreamPart[] => {
    const lead = buffers.text.released === 0 ? '' : '\n\n';
    const notice = `${inReplyLanguage(options.spec.refusals.outputReplaced[specLanguageOf(options.language)], options.language)}\n\n`;
    return [{ type: 'text-delta', text: `${lead}${notice}${options.refusal(hazard)}`, refusal: true }];
  };

  /** Checks one segment; returns the hazard, or undefined when it may be released. Errors follow the fail mode. */
  const check = (channel: Channel, segment: string): { hazard?: AnswerHazard; unsafe: boolean } => {
    if (segment.trim() === '') return { unsafe: false };
    state.checkedSegments += 1;
    try {
      const hazard = options.check(segment, buffers[channel].previous);
      if (!hazard) return { unsafe: false };
      state.reasons.push(`unsafe ${channel} (${hazard.kind === 'compliance' ? 'complied with the harmful part' : 'dangerous content'}: ${hazard.reason}); output stopped and replaced`);
      state.replacement = { kind: hazard.kind, channel, reason: hazard.reason, mechanism: hazard.mechanism };
      return { hazard, unsafe: true };
    } catch (error) {
      options.logger.error('output check failed', { error: describeError(error), failMode: options.failMode });
      state.reasons.push(`output check error (${describeError(error)}); fail-${options.failMode}`);
      if (options.failMode === 'open') return { unsafe: false };
      state.replacement = { kind: 'check_error', channel, reason: 'the output check failed and the guard fails closed', mechanism: null };
      return { unsafe: true };
    }
  };

  /** Releases `buffer.text.slice(start, end)` after checking it. */
  const release = (channel: Channel, end: number): StreamPart[] => {
    const buffer = buffers[channel];
    const segment = buffer.text.slice(buffer.start, end);
    buffer.start = end;
    const verdict = check(channel, segment);
    if (verdict.unsafe) {
      state.stopped = true;
      buffers.reasoning = emptyBuffer();
      buffers.text.text = '';
      buffers.text.start = 0;
      buffers.text.scanned = 0;
      return replacement(verdict.hazard);
    }
    buffer.previous = segment;
    buffer.released += segment.length;
    return segment === '' ? [] : [partOf(channel, segment)];
  };

  /** Releases every complete segment of a channel; keeps at most `maxPending` characters held back. */
  const drain = (channel: Channel): StreamPart[] => {
    const out: StreamPart[] = [];
    const buffer = buffers[channel];
    while (!state.stopped) {
      const limit = Math.min(buffer.text.length, buffer.start + maxPending);
      let end = findSegmentEnd(buffer, limit, minSegmentChars);
      if (end < 0 && buffer.text.length - buffer.start > maxPending) {
        // A long run without a boundary: cut at the last space in the window's second half.
        end = lastSpaceCut(buffer.text, buffer.start + maxPending / 2, buffer.start + maxPending);
        buffer.scanned = end;
      }
      if (end < 0) break;
      out.push(...release(channel, end));
    }
    if (!state.stopped && buffer.start > 0) {
      buffer.text = buffer.text.slice(buffer.start);
      buffer.scanned -= buffer.start;
      buffer.start = 0;
    }
    return out;
  };

  const flush = (channel: Channel): StreamPart[] => {
    const buffer = buffers[channel];
    const out = drain(channel);
    if (!state.stopped && buffer.text.length > buffer.start) out.push(...release(channel, buffer.text.length));
    if (!state.stopped) buffers[channel] = { ...emptyBuffer(), previous: buffer.previous, released: buffer.released };
    return out;
  };

  return {
    state,
    push(part) {
      if (state.stopped || part.text === '') return [];
      const channel: Channel = part.type === 'reasoning-delta' ? 'reasoning' : 'text';
      const out: StreamPart[] = [];
      // The answer starts: the reasoning held back so far is complete, check and release it first.
      if (channel === 'text' && buffers.reasoning.text.length > buffers.reasoning.start) {
        out.push(...flush('reasoning'));
        if (stopped()) return out;
      }
      buffers[channel].text += part.text;
      out.push(...drain(channel));
      return out;
    },
    end() {
      if (state.stopped) return [];
      const out = flush('reasoning');
      if (!stopped()) out.push(...flush('text'));
      return out;
    },
  };
}
