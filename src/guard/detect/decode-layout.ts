/**
 * Layouts and markup that break a request into pieces the classifier reads apart, while a reader (or a
 * model) reads the request as one sentence:
 *   - HTML tags and comments inside or between words ("<span>p</span><span>o</span>…", "po<!-- -->ison"),
 *     and emphasis marks inside a word ("p**ois**on");
 *   - one word per line, per tab, per comma or in quotes each ("how\ndo\ni\n…"): every word became its own
 *     segment, so no word pair was read;
 *   - Chinese with spaces inside its phrases ("怎么给 老公下 毒");
 *   - camel case ("HowDoIPoisonMyHusband");
 *   - a right-to-left override (U+202E) before text typed backwards, which displays it forwards;
 *   - a table with a word or a character per cell ("| 我 | 刚 | 吃 | 了 |", "| how | do | i |").
 * Each reading is a decoded variant: the classifier keeps the higher score, so a reading that is wrong for
 * an ordinary text costs nothing but the time to score it, and every reading is gated by a cheap look.
 */

/** The segment delimiters of split-segments.ts, as a global pattern. */
const DELIMITERS = '.!?;:,"“”‘’「」『』()[]{}<>\n\r\t。！？；：，、（）《》【】…';
const DELIMITER_RUN = /[.!?;:,"“”‘’「」『』()[\]{}<>\n\r\t。！？；：，、（）《》【】…]+/gu;
const DELIMITER_CODES: ReadonlySet<number> = new Set(Array.from(DELIMITERS, (character) => character.charCodeAt(0)));
const ASCII_DELIMITER = new Uint8Array(128);
for (const code of DELIMITER_CODES) if (code < 128) ASCII_DELIMITER[code] = 1;

const TAG = /<!--[\s\S]*?-->|<\/?([a-z][a-z0-9]*)\b[^<>]*>/gi;
const BLOCK_TAGS: ReadonlySet<string> = new Set(
  'address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'.split(' '),
);
/** Named character references of spaces, invisible characters and common punctuation (numeric ones are decode-ciphers.ts's). */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', shy: '', zwj: '', zwnj: '', lrm: '', rlm: '', hellip: '…', mdash: '—', ndash: '–',
};
const NAMED_ENTITY = /&([a-z]+);/gi;
/** Emphasis or code marks between two letters of one word. */
const MARKS_IN_WORD = /(?<=\p{L})[*_~`]+(?=\p{L})/gu;

/**
 * The text without its HTML tags and comments (block tags read as line breaks), with named character references
 * ("&nbsp;", "&shy;", "&amp;") read and inline emphasis marks dropped; null when it has none.
 */
export function stripMarkup(text: string): string | null {
  const hasTag = text.includes('<') && /<(?:!--|\/?[a-z])/i.test(text);
  const hasMarks = (text.includes('*') || text.includes('_') || text.includes('~') || text.includes('`')) && /\p{L}[*_~`]+\p{L}/u.test(text);
  const hasEntity = text.includes('&') && /&[a-z]+;/i.test(text);
  if (!hasTag && !hasMarks && !hasEntity) return null;
  let stripped = hasTag ? text.replace(TAG, (whole, name?: string) => (name !== undefined && BLOCK_TAGS.has(name.toLowerCase()) ? '\n' : '')) : text;
  // "&amp;#104;" (escaped twice) becomes "&#104;", which decode-ciphers.ts reads.
  if (hasEntity) stripped = stripped.replace(NAMED_ENTITY, (whole, name: string) => NAMED_ENTITIES[name.toLowerCase()] ?? whole);
  if (hasMarks) stripped = stripped.replace(MARKS_IN_WORD, '');
  return stripped === text ? null : stripped;
}

const LIST_MARKER = /^[ \t]*(?:\d{1,3}[.)]|[-*•+])[ \t]+/gm;
/** Delimiters that end a sentence: kept in the first reading of a text cut into short pieces. */
const SENTENCE_END = /[.!?…。！？]+/u;

/**
 * Segments of a word or two each (or three Chinese characters): the text read as lines again. Two readings
 * (the classifier keeps the higher score): the pieces joined at every delimiter but those that end a sentence
 * (the request's own sentences survive when its words were put on lines, in tabs, quotes or brackets), and
 * the pieces joined at every delimiter ("how.do.i"). One pass over the codes first counts the pieces and the
 * short ones, so ordinary prose (many words per delimiter) is never split. Returns no reading when there is none.
 */
export function joinShortSegments(text: string): string[] {
  // One pass: pieces between delimiter runs, and how many of them are short (counted as in the reading below).
  let pieces = 0;
  let short = 0;
  let words = 0;
  let han = 0;
  let inWord = false;
  let spaces = 0;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 10;
    if (code < 128 ? ASCII_DELIMITER[code] === 1 : !isHan(code) && DELIMITER_CODES.has(code)) {
      if (words > 0 || han > 0) {
        pieces += 1;
        if (han > 0 ? han <= 3 : words <= 2) short += 1;
        // Even if every piece still to come were short (a character and a delimiter each), too few would be.
        const more = (text.length - index) / 2;
        if (short + more < (pieces + more) * 0.6) return [];
      }
      words = 0;
      han = 0;
      inWord = false;
    } else if (code === 32 || code === 0x3000) {
      spaces += 1;
      inWord = false;
    } else if (isHan(code)) {
      han += 1;
      inWord = false;
    } else if (!inWord) {
      words += 1;
      inWord = true;
    }
  }
  if (pieces < 4 || short < pieces * 0.6 || spaces > pieces * 2) return [];
  // List markers at the start of a line ("1. how", "- do") are not words of the text.
  const listed = text.replace(LIST_MARKER, '');
  const read = (joinedText: string): string => {
    const words = joinedText.replace(/ {2,}/g, ' ').replace(/(?<=\p{L}) ' (?=\p{L})/gu, "'");
    return joinSpacedHan(words) ?? words;
  };
  // Sentence ends kept: each delimiter run is replaced by its sentence-ending characters, if any, else a space.
  const sentences = read(listed.replace(DELIMITER_RUN, (run) => (SENTENCE_END.test(run) ? `${run.replace(/[^.!?…。！？]/gu, '')} ` : ' ')).trim());
  const joined = read(
    listed
      .split(DELIMITER_RUN)
      .map((piece) => piece.trim())
      .filter((piece) => piece.length > 0)
      .join(' '),
  );
  return sentences === joined ? [joined] : [sentences, joined];
}

function isHan(code: number): boolean {
  return code >= 0x3400 && code <= 0x9fff;
}

/** Whether a Chinese character, a space (or tab, or ideographic space) and another Chinese character follow each other somewhere. */
function hasSpacedHan(text: string): boolean {
  if (!text.includes(' ') && !text.includes('\t') && !text.includes('\u3000')) return false;
  for (let index = 1; index + 1 < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 0x3000) continue;
    if (!isHan(text.charCodeAt(index - 1))) continue;
    let next = index + 1;
    while (next < text.length && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9 || text.charCodeAt(next) === 0x3000)) next += 1;
    if (next < text.length && isHan(text.charCodeAt(next))) return true;
  }
  return false;
}

/** Chinese character runs separated by spaces ("怎么 给老 公下 毒"). */
const SPACED_HAN_CHAIN = /\p{Script=Han}+(?:[ \t\u3000]+\p{Script=Han}+)+/gu;

/**
 * Chinese with spaces inside its phrases, read without them: a chain of two or more runs of Chinese
 * characters separated by spaces, most of them (60 %) one to three characters long ("怎么 给老 公下 毒", every
 * character spaced). Spaces between clauses ("诊所输液过敏休克了 不想转院"), which writers use for commas, leave
 * longer runs and are left alone. Null when no chain is joined.
 */
export function joinSpacedHan(text: string): string | null {
  if (!hasSpacedHan(text)) return null;
  const state = { changed: false };
  const joined = text.replace(SPACED_HAN_CHAIN, (chain) => {
    const runs = chain.split(/[ \t\u3000]+/);
    let short = 0;
    for (const run of runs) if (run.length <= 3) short += 1;
    if (short < runs.length * 0.6) return chain;
    state.changed = true;
    return runs.join('');
  });
  return state.changed ? joined : null;
}

/**
 * Words run together in camel case ("HowDoIPoisonMyHusband", "Is200mgOfMethadoneEnough"), read as separate
 * words (numbers too): every token with two or more steps from a lower-case to an upper-case letter.
 */
export function splitCamelCase(text: string): string | null {
  if (!/[a-z][A-Z][a-z0-9]+[A-Z][a-z]/.test(text)) return null;
  const split = text.replace(/[A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*/g, (token) =>
    // "eMAR", "iPhone", "mRNA" (one lower-to-upper step) are names, not words run together
    (token.match(/[a-z][A-Z]/g)?.length ?? 0) < 2
      ? token
      : token
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
      .replace(/([A-Za-z])(\d)/g, '$1 $2')
      .replace(/(\d[a-z]*)([A-Z])/g, '$1 $2'),
  );
  return split === text ? null : split;
}

/** Right-to-left override: what follows it (to its pop, an isolate's end or the line's end) is displayed backwards. */
const OVERRIDE_RUN = /\u202E([^\u202C\u2069\n]*)/g;

/** The text as displayed when it holds a right-to-left override: each overridden run reversed; null without one. */
export function readBidiOverride(text: string): string | null {
  if (!text.includes('\u202E')) return null;
  return text.replace(OVERRIDE_RUN, (whole, run: string) => Array.from(run).reverse().join(''));
}

/** A line of a table: cells between vertical bars (at least three bars on the line). */
const TABLE_LINE = /^[ \t]*\|?(?:[^|\n]*\|){2,}[^|\n]*$/;
/** A table's rule line ("|---|:---:|"). */
const TABLE_RULE = /^[ \t|:\-+=]*$/;

/**
 * A table read row by row, each row's cells as one run of text: Chinese cells joined without a space, others
 * with one; rule lines dropped. Null unless at least one line holds three bars or more.
 */
export function readTableCells(text: string): string | null {
  if (!text.includes('|')) return null;
  const lines = text.split('\n');
  let tables = 0;
  const read = lines.flatMap((line) => {
    if (!TABLE_LINE.test(line)) return [line];
    if (TABLE_RULE.test(line)) return [];
    tables += 1;
    let row = '';
    for (const cell of line.split('|')) {
      const content = cell.trim();
      if (content === '') continue;
      const joinsHan = row !== '' && isHan(row.charCodeAt(row.length - 1)) && isHan(content.charCodeAt(0));
      row += row === '' || joinsHan ? content : ` ${content}`;
    }
    return [row];
  });
  return tables === 0 ? null : read.join('\n');
}
