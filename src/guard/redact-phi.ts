/**
 * PHI/PII redaction for audit records, logs and (optionally) upstream requests: names (after a cue
 * word, as a known given name plus a surname, next to an age, as JSON values, in capitals; Chinese
 * names after a cue such as 我叫 or 我是/患者/我妈妈), phone numbers, e-mails, IP addresses, street addresses (US, Chinese, European, UK/Canadian postcodes), dates of birth (labelled,
 * or a full date right after a name), medical record numbers, Chinese resident ID numbers, ID-card /
 * passport / insurance / SSN numbers (ASCII or full-width digits). Each match becomes a typed
 * placeholder such as `[PHONE]` or `[NAME]`. Clinical content stays: doses ("500 mg"), lab values
 * ("BP 120/80", "HbA1c 7.2%"), ages ("45-year-old"), ordinary dates and drug names.
 *
 * Cost is linear in the text: every pattern is bounded, and a long text is redacted in segments of at
 * most SEGMENT_CHARS cut at line or word boundaries. A rule runs only on a text that has the
 * characters it needs and passes its gate (phi-redaction-rules.ts, with the patterns); the word lists
 * live in data/phi/lexicon.yaml and data/phi/chinese-names.yaml.
 */
import { anyCase, columnKey, escapeRegExp, phiTables, type Need, type PhiType } from './phi-redaction-rules.js';

export type { PhiType } from './phi-redaction-rules.js';

export interface RedactPhiResult {
  text: string;
  /** How many spans of each type were replaced. */
  counts: Partial<Record<PhiType, number>>;
  /** The replaced values themselves (kept in memory only, for `createPhiRedactor`). */
  values: Array<{ type: PhiType; value: string }>;
}

/** Longest text one pass of the rules sees; longer texts are cut at a line or word boundary. */
const SEGMENT_CHARS = 4096;

const PLACEHOLDER = /^\[[A-Z_]+\]$/;
const STARTS_WITH_PLACEHOLDER = /^\s*\[[A-Z_]+\]/;

const NEEDS: Record<Need, RegExp> = {
  digit: /[0-9\uFF10-\uFF19]/,
  at: /@/,
  han: /[\u4e00-\u9fff]/,
  separator: /[:=：]/,
  upper: /\p{Lu}/u,
  quote: /["']/,
  angle: /</,
};

/**
 * Whether the text has each kind of character. Read off the original text: an earlier rule's
 * replacement only removes characters and adds a placeholder (`[A-Z_]` in brackets), which holds no
 * digit, '@', Han character, separator or quote, and no word a rule needing upper case could match.
 */
function charactersOf(text: string): Record<Need, boolean> {
  return {
    digit: NEEDS.digit.test(text),
    at: NEEDS.at.test(text),
    han: NEEDS.han.test(text),
    separator: NEEDS.separator.test(text),
    upper: NEEDS.upper.test(text),
    quote: NEEDS.quote.test(text),
    angle: text.includes('<'),
  };
}

function hasAll(has: Record<Need, boolean>, needs: readonly Need[]): boolean {
  for (const need of needs) if (!has[need]) return false;
  return true;
}

/**
 * Full-width digits, letters and number punctuation (１３８１２３４５６７８, ＡＢ１２３, john＠example.com),
 * the ideographic space and Unicode dashes: IME and PDF text is full of them, and the rules read ASCII.
 */
const WIDE = /[\u00A0\u00AD\u2007\u200B-\u200D\u2010-\u2015\u202F\u2060\u2212\u3000\uFEFF\uFF03\uFF08\uFF09\uFF0B\uFF0D-\uFF19\uFF20-\uFF3A\uFF41-\uFF5A]/;
const WIDE_ALL = new RegExp(WIDE.source, 'g');
/** Zero-width and soft-hyphen characters: invisible, so `1\u200B3\u200B8…` reads as 138… to a person. */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/;
function toNarrow(character: string): string {
  const code = character.charCodeAt(0);
  if (code >= 0xff01) return String.fromCharCode(code - 0xfee0);
  // no-break and figure spaces, the ideographic space; hyphens, dashes and the minus sign
  return code === 0x3000 || code === 0x00a0 || code === 0x2007 || code === 0x202f ? ' ' : '-';
}
const PLACEHOLDERS = /\[[A-Z_]+\]/g;

/**
 * Runs `redact` on the text with full-width forms read as ASCII (one character for one, so lengths
 * agree), then gives the characters the redaction kept their original form: each run of kept text is
 * found again in the narrowed text, in order, and copied from the original. A run not found (it cannot
 * be told apart) stays as the redaction returned it, so the output never holds more than the redaction
 * of the narrowed text does.
 */
function redactNarrowed(text: string, redact: (narrowed: string) => string): string {
  if (!WIDE.test(text)) return redact(text);
  if (!INVISIBLE.test(text)) return redactThroughView(text, text.replace(WIDE_ALL, toNarrow), redact);
  // Invisible characters are left out of the view: `positions` maps each view character to the text's.
  let view = '';
  const positions: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (INVISIBLE.test(character)) continue;
    view += WIDE.test(character) ? toNarrow(character) : character;
    positions.push(index);
  }
  return redactThroughView(text, view, redact, positions);
}

/**
 * Redacts `narrowed`, a view of `text` whose characters stand one for one for the text's (at the same
 * index, or at `positions[i]` when the view left characters out), and returns the text with what the
 * redaction replaced in the view replaced in the text.
 */
function redactThroughView(text: string, narrowed: string, redact: (view: string) => string, positions?: readonly number[]): string {
  const redacted = redact(narrowed);
  if (redacted === narrowed) return text;
  let out = '';
  let from = 0;
  let last = 0;
  const keep = (run: string) => {
    if (run === '') return;
    const at = narrowed.indexOf(run, from);
    if (at === -1) out += run;
    else {
      out += positions ? text.slice(positions[at], (positions[at + run.length - 1] ?? text.length - 1) + 1) : text.slice(at, at + run.length);
      from = at + run.length;
    }
  };
  for (const placeholder of redacted.matchAll(PLACEHOLDERS)) {
    keep(redacted.slice(last, placeholder.index));
    out += placeholder[0];
    last = placeholder.index + placeholder[0].length;
  }
  keep(redacted.slice(last));
  return out;
}

const TABLE_SEPARATORS = [',', '\t', ';', '|'] as const;

/**
 * CSV, TSV and Markdown tables whose header row names a PHI column (`name,dob,phone`, `| Patient | MRN |`):
 * the cells of those columns in the rows below (same number of cells) become placeholders. A name in
 * such a table has no cue word, and an unknown name or a bare date would otherwise stay.
 */
function redactTables(text: string, counts: RedactPhiResult['counts'], values: RedactPhiResult['values']): string {
  if (!text.includes('\n')) return text;
  const { columns } = phiTables();
  const lines = text.split('\n');
  let changed = false;
  for (let index = 0; index < lines.length - 1; index += 1) {
    const header = lines[index] ?? '';
    if (header.length > 2000) continue;
    for (const separator of TABLE_SEPARATORS) {
      if (!header.includes(separator)) continue;
      const names = header.split(separator);
      const types = names.map((cell) => columns.get(columnKey(cell)));
      if (names.length < 2 || !types.some((type) => type !== undefined)) continue;
      let row = index + 1;
      for (; row < lines.length; row += 1) {
        const line = lines[row] ?? '';
        if (/^[\s|:+-]*$/.test(line) && line.includes('-')) continue; // a Markdown rule |---|---|
        const cells = line.split(separator);
        if (cells.length !== names.length) break;
        for (const [column, type] of types.entries()) {
          const cell = cells[column] ?? '';
          const value = cell.trim().replace(/^["']|["']$/g, '').trim();
          if (type === undefined || value === '' || PLACEHOLDER.test(value) || /^(?:null|none|unknown|n\/a)$/i.test(value)) continue;
          if (type === 'NAME' && phiTables().drugs.has(value.toLowerCase())) continue;
          counts[type] = (counts[type] ?? 0) + 1;
          values.push({ type, value });
          cells[column] = cell.replace(value, `[${type}]`);
        }
        lines[row] = cells.join(separator);
        changed = true;
      }
      index = row - 1;
      break;
    }
  }
  return changed ? lines.join('\n') : text;
}

/** The character after a match: `rest` is what a replace callback gets after the match (groups, offset, whole text). */
function followingCharacter(match: string, rest: readonly unknown[]): string {
  const at = rest.findIndex((item) => typeof item === 'number');
  const offset = rest[at];
  const whole = rest[at + 1];
  return typeof offset === 'number' && typeof whole === 'string' ? whole.charAt(offset + match.length) : '';
}

function redactSegment(text: string, counts: RedactPhiResult['counts'], values: RedactPhiResult['values'], prescan: boolean): string {
  if (text === '') return text;
  const has = charactersOf(text);
  let current = text;
  for (const rule of phiTables().rules) {
    if (rule.needs && !hasAll(has, rule.needs)) continue;
    if (prescan && rule.gate && !rule.gate.test(current)) continue;
    current = current.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      if (PLACEHOLDER.test(match)) return match; // placeholders from an earlier rule are never re-redacted
      const label = rule.label && typeof rest[0] === 'string' ? rest[0] : '';
      const value = match.slice(label.length);
      if (STARTS_WITH_PLACEHOLDER.test(value)) return match;
      const length = rule.measure ? rule.measure(value, followingCharacter(match, rest)) : value.length;
      if (length <= 0) return match;
      counts[rule.type] = (counts[rule.type] ?? 0) + 1;
      values.push({ type: rule.type, value: value.slice(0, length).trim() });
      return `${label}[${rule.type}]${value.slice(length)}`;
    });
  }
  return current;
}

/** Cuts a text into pieces of at most `size` characters, at a line break, else a space, else anywhere. */
export function splitForRedaction(text: string, size = SEGMENT_CHARS): string[] {
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    const window = text.slice(start, start + size);
    let cut = window.lastIndexOf('\n');
    if (cut < size / 2) cut = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
    if (cut < size / 2) cut = size - 1;
    pieces.push(text.slice(start, start + cut + 1));
    start += cut + 1;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * Short texts the rules left unchanged, remembered so that a repeated one (a guard reason, a disclaimer,
 * a refusal: the same few texts in every audit record) is not scanned by ~40 patterns again. Only texts
 * in which nothing was found are kept (never a PHI value); the result is the same as a fresh scan, since
 * the rules are a pure function of the text. Cleared when full.
 */
const cleanTexts = new Set<string>();
const CLEAN_TEXT_MAX_CHARS = 512;
const CLEAN_TEXTS_MAX = 2048;

export interface RedactPhiOptions {
  /**
   * Skip the rules whose label or keyword (`gate`) a text does not hold (default true). `false` runs
   * every rule whose characters the text has and bypasses the cache of clean texts: the same output,
   * slower (for tests and benchmarks).
   */
  prescan?: boolean;
}

/** Redacts PHI and reports how many spans of each type were replaced. */
export function redactPhiDetailed(text: string, options: RedactPhiOptions = {}): RedactPhiResult {
  const prescan = options.prescan ?? true;
  const short = prescan && text.length <= CLEAN_TEXT_MAX_CHARS;
  if (short && cleanTexts.has(text)) return { text, counts: {}, values: [] };
  const counts: RedactPhiResult['counts'] = {};
  const values: RedactPhiResult['values'] = [];
  // Tables first, over the whole text (a long CSV's rows would otherwise be cut off from its header).
  const pieces = splitForRedaction(redactTables(text, counts, values));
  const redactPiece = (piece: string) => redactNarrowed(piece, (narrowed) => redactSegment(narrowed, counts, values, prescan));
  const redacted = pieces.length === 1 ? redactPiece(pieces[0] ?? text) : pieces.map(redactPiece).join('');
  if (short && values.length === 0 && redacted === text) {
    if (cleanTexts.size >= CLEAN_TEXTS_MAX) cleanTexts.clear();
    cleanTexts.add(text);
  }
  return { text: redacted, counts, values };
}

/**
 * Redacts a client-chosen identifier (an `x-request-id` such as `robert.brown-1963-07-22`): its words
 * are joined by `.`, `_`, `:` or `-` and often written in lower case, which the rules for prose do not read
 * as a name or a labelled value. It is redacted as sent (IP and e-mail addresses), then read as
 * capitalised words separated by spaces; what is redacted in that reading is redacted in the
 * identifier, the rest is kept as sent.
 */
export function redactIdentifier(id: string): string {
  // As sent first: values whose dots and colons are part of them (an IP address, an e-mail).
  const raw = redactPhi(id);
  const view = raw.replace(/[._:]|(?<=\p{L})-(?=\p{L})/gu, ' ').replace(/(?<![\p{L}])\p{Ll}/gu, (letter) => letter.toUpperCase());
  if (view.length !== raw.length) return raw;
  return redactThroughView(raw, view, redactPhi);
}

/** Redacts PHI from a text (stateless): logs, the LLM guard's reasons, the upstream copy. */
export function redactPhi(text: string): string {
  return redactPhiDetailed(text).text;
}

export interface PhiRedactorOptions extends RedactPhiOptions {
  /** How many PHI values one redactor remembers (default 500). */
  memory?: number;
}

/**
 * A redactor for ONE exchange (create one per request): it remembers the PHI values it found and
 * removes them wherever they appear later in the same exchange without context — a model answer that
 * repeats "Margaret Thornton" after the request said "my name is Margaret Thornton". The audit
 * writer redacts a record's messages before its answer, so the answer is scrubbed with what the
 * request revealed. Nothing is shared between redactors, and drug names are never remembered as names.
 */
export function createPhiRedactor(options: PhiRedactorOptions = {}): (text: string) => string {
  const memory = options.memory ?? 500;
  const detailed = { prescan: options.prescan ?? true };
  const known = new Map<string, { type: PhiType; anyCase: boolean }>();
  let pattern: RegExp | undefined;
  let types: Array<{ type: PhiType; anyCase: boolean }> = [];
  const remember = (value: string, type: PhiType, anyCase: boolean) => {
    const { drugs, notNames } = phiTables();
    if (value.length < 3 || PLACEHOLDER.test(value) || drugs.has(value.toLowerCase()) || notNames.has(value.toLowerCase())) return;
    known.delete(value);
    known.set(value, { type, anyCase });
    while (known.size > memory) {
      const oldest = known.keys().next();
      if (oldest.done) break;
      known.delete(oldest.value);
    }
    pattern = undefined;
  };
  return (text) => {
    const result = redactPhiDetailed(text, detailed);
    for (const { type, value } of result.values) {
      // Names in any case: classifier reasons quote lower-cased n-grams; other values as written.
      remember(value, type, type === 'NAME');
      // ... and each part of a name on its own (Thornton, KOWALCZYK), in any case
      if (type === 'NAME') for (const part of value.split(/\s+/)) if (/^\p{Lu}(?:[\p{Ll}'’-]{2,}|[\p{Lu}'’-]{2,})$/u.test(part)) remember(part, type, true);
    }
    if (known.size === 0) return result.text;
    if (!pattern) {
      const entries = [...known.entries()].sort((left, right) => right[0].length - left[0].length);
      types = entries.map(([, info]) => info);
      const parts = entries.map(([value, info]) => {
        const body = info.anyCase ? anyCase(value) : escapeRegExp(value);
        return `(${/^[\p{L}\p{N}]/u.test(value) ? `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])` : body})`;
      });
      pattern = new RegExp(parts.join('|'), 'gu');
    }
    const matcher = pattern;
    return splitForRedaction(result.text)
      .map((piece) =>
        redactNarrowed(piece, (narrowed) =>
          narrowed.replace(matcher, (...args: unknown[]) => {
            const index = args.slice(1, 1 + types.length).findIndex((group) => group !== undefined);
            return `[${types[index]?.type ?? 'NAME'}]`;
          }),
        ),
      )
      .join('');
  };
}
