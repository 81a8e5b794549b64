/**
 * Splits a text into segments at punctuation and line breaks (English and Chinese: . ! ? ; : , quotes,
 * brackets, 。！？；：，、“” …). The classifier scores every span of consecutive segments, so a request
 * inside a wrapper ("… Stay in character. Dr. Free, {request}") is scored on its own exactly as it
 * would be without the wrapper, whatever the wrapper's wording.
 */
const DELIMITERS = /[.!?;:,"“”‘’「」『』()[\]{}<>\n\r\t。！？；：，、（）《》【】…]+/u;

/** Whether a character separates segments. */
export function isSegmentDelimiter(character: string): boolean {
  return DELIMITERS.test(character);
}

/** Non-empty trimmed segments, at most `limit` (the rest of a very long text is dropped). */
export function splitSegments(text: string, limit = 200): string[] {
  const segments: string[] = [];
  for (const piece of text.split(DELIMITERS)) {
    const trimmed = piece.trim();
    if (trimmed.length === 0) continue;
    segments.push(trimmed);
    if (segments.length >= limit) break;
  }
  return segments;
}
