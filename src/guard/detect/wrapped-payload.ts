/**
 * The part of a text that a wrapper delimits as its payload: a quoted passage, a fenced code block, a JSON string
 * value, a YAML block, an HTML element's text, a list item, or what follows a colon ("Translate this: …",
 * "User123 wrote: …"). The sentence encoder reads a whole text as one sentence, so a request inside such a wrapper
 * lost the encoder's reading of the request itself (probing round 6: one request blocked at 0.93 as written was
 * steered or cautioned, 0.46–0.73, in 12 of 12 wrappers; round 4 still-open #7). Only delimiters that mark a payload
 * are used — not every sentence end, which round 4 tried and found flagged more ordinary questions.
 */

/** The shortest piece worth reading on its own, and the largest share of the text it may be (a strict part). */
const MIN_PIECE_CHARACTERS = 24;
const MAX_PIECE_SHARE = 0.85;

const DELIMITED: readonly RegExp[] = [
  /```[^\n]*\n([\s\S]*?)```/g, // fenced code block
  /"([^"\n]{24,})"/g, // "…" (also JSON string values)
  /“([^”\n]{24,})”/g,
  /「([^」\n]{12,})」/g,
  /『([^』\n]{12,})』/g,
  />([^<>\n]{24,})</g, // an HTML element's text
  /:\s*\|\s*\n((?:[ \t]+[^\n]*\n?)+)/g, // a YAML block scalar
  /^\s*(?:[-*•]|\d+[.)])\s+(.{24,})$/gm, // a list item
  /[:：]\s*\n?([^:：\n][^\n]{23,})$/gm, // what follows the last colon of a line
];

/** Quotation marks around a piece (a colon tail that is a quotation reads the same as the quotation). */
const QUOTES_AROUND = /^["“「『‘]+|["”」』’]+$/g;

/** The delimited payloads of a text, longest first, each a strict part of it (at most 6). */
export function wrappedPayloads(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of DELIMITED) {
    for (const match of text.matchAll(pattern)) {
      const piece = (match[1] ?? '').trim().replace(QUOTES_AROUND, '').trim();
      if (piece.length >= MIN_PIECE_CHARACTERS && piece.length <= MAX_PIECE_SHARE * text.trim().length) found.add(piece);
    }
  }
  return [...found].sort((left, right) => right.length - left.length).slice(0, 6);
}
