/**
 * Splits a text into segments at punctuation and line breaks (English and Chinese: . ! ? ; : , quotes, table bars,
 * brackets, 。！？；：，、“” …). The classifier scores every span of consecutive segments, so a request
 * inside a wrapper ("… Stay in character. Dr. Free, {request}") is scored on its own exactly as it
 * would be without the wrapper, whatever the wrapper's wording.
 */
const DELIMITERS = /[.!?;:,"“”‘’「」『』()[\]{}<>|\n\r\t。！？；：，、（）《》【】…｜]+/u;

/** Whether a character separates segments. */
export function isSegmentDelimiter(character: string): boolean {
  return DELIMITERS.test(character);
}

/**
 * Most segments read of one text. The guard reads a message of up to 4,000 characters whole and longer ones
 * in windows of 2,500 (long-text.ts); a segment takes at least two characters (one and a delimiter), so no
 * text it reads has more segments than this. The limit was 200 before, and 250 short lines before a request
 * ("I am fine.\n" × 250, 2,750 characters) hid it: the request was never read.
 */
export const MAX_SEGMENTS = 2_000;

/** Non-empty trimmed segments, at most `limit` (the rest of a very long text is dropped). */
export function splitSegments(text: string, limit = MAX_SEGMENTS): string[] {
  const segments: string[] = [];
  for (const piece of text.split(DELIMITERS)) {
    const trimmed = piece.trim();
    if (trimmed.length === 0) continue;
    segments.push(trimmed);
    if (segments.length >= limit) break;
  }
  return segments;
}
