/**
 * More encodings a jailbreak hides a request in, each read back to text for the classifier to re-score
 * (decode-obfuscation.ts): hexadecimal bytes, percent-encoding, escape sequences and HTML character
 * references, 8-bit binary, Morse code, Caesar shifts other than 13, Atbash, upside-down letters and Pig
 * Latin. A model decodes all of these without effort, so a guard that cannot read them is bypassed in one
 * step ("how do i poison my husband…" in hex scored 0.015 against 0.995 in plain text).
 *
 * Each decoder returns null unless the text holds its encoding; the ciphers that turn any letters into other
 * letters (Caesar, Atbash, Pig Latin) return a reading only when it reads clearly more like English than
 * the text did. Whether a reading counts as an attack is left to the caller, which keeps the higher score.
 */

import { isFoldableCode } from './fold-letters.js';

/** How much of a text reads as common English words (decode-obfuscation.ts). */
export type EnglishShare = (text: string) => number;
/** How many of a text's words are common English words. */
export type CommonWordCount = (text: string) => number;

/** A cipher's reading counts when at least 3 of its words (of two letters or more) are common English and it reads clearly more like English than the text. */
export function readsAsEnglish(reading: string, text: string, englishShare: EnglishShare, commonWords: CommonWordCount): boolean {
  return commonWords(reading.replace(/\b[a-z]\b/gi, ' ')) >= 3 && englishShare(reading) >= Math.max(0.3, englishShare(text) + 0.2);
}

/**
 * Which decoders a text can need, from one pass over its characters (most texts need none). decodeObfuscation
 * calls a byte decoder only when its hint is set, so the decoders do not repeat these checks.
 */
export interface CipherHints {
  hex: boolean;
  percent: boolean;
  escapes: boolean;
  binary: boolean;
  morse: boolean;
  upsideDown: boolean;
  han: boolean;
  /** An "=" (quoted-printable). */
  quotedPrintable: boolean;
  /** A character fold-letters.ts folds or drops. */
  foldable: boolean;
  /** Three or more delimiters and at most two spaces for each piece: the text may be cut into short pieces (decode-layout.ts). */
  shortPieces: boolean;
  /** A Braille cell (decode-spelled-ciphers.ts). */
  braille: boolean;
  /** Sixteen or more base32 characters in a row (A-Z, 2-7). */
  base32: boolean;
}

/** The segment delimiters of split-segments.ts (ASCII ones in a table, the others in a set). */
const ASCII_DELIMITER = new Uint8Array(128);
for (const character of '.!?;:,"()[]{}<>\n\r\t') ASCII_DELIMITER[character.charCodeAt(0)] = 1;
const NON_ASCII_DELIMITER: ReadonlySet<number> = new Set(Array.from('“”‘’「」『』。！？；：，、（）《》【】…', (character) => character.charCodeAt(0)));
const UPSIDE_DOWN_CODES: ReadonlySet<number> = new Set(Array.from('ɐɔǝɟƃɥᴉıɾʞɯɹʇʌʍʎ', (character) => character.charCodeAt(0)));
const MORSE_CODES: ReadonlySet<number> = new Set(Array.from('.-•·−–_', (character) => character.charCodeAt(0)));

export function cipherHints(text: string): CipherHints {
  let digits = 0;
  let binaryDigits = 0;
  let morse = 0;
  const hints: CipherHints = {
    hex: false,
    percent: false,
    escapes: false,
    binary: false,
    morse: false,
    upsideDown: false,
    han: false,
    quotedPrintable: false,
    foldable: false,
    shortPieces: false,
    braille: false,
    base32: false,
  };
  let delimiters = 0;
  let spaces = 0;
  let base32Run = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code >= 65 && code <= 90) || (code >= 50 && code <= 55)) {
      base32Run += 1;
      if (base32Run >= 16) hints.base32 = true;
    } else base32Run = 0;
    if (code >= 48 && code <= 57) {
      digits += 1;
      if (code <= 49) binaryDigits += 1;
    } else if (code === 37) hints.percent = true;
    else if (code === 92 || code === 38) hints.escapes = true;
    else if (code === 61) hints.quotedPrintable = true;
    else if (code === 32) spaces += 1;
    if (MORSE_CODES.has(code)) morse += 1;
    if (code < 128) {
      if (ASCII_DELIMITER[code] === 1) delimiters += 1;
    } else if (code >= 0x3400 && code <= 0x9fff) hints.han = true;
    else {
      if (UPSIDE_DOWN_CODES.has(code)) hints.upsideDown = true;
      if (code >= 0x2800 && code <= 0x28ff) hints.braille = true;
      if (!hints.foldable && isFoldableCode(code)) hints.foldable = true;
      if (NON_ASCII_DELIMITER.has(code)) delimiters += 1;
    }
  }
  hints.shortPieces = delimiters >= 3 && spaces <= 2 * (delimiters + 1);
  hints.hex = digits >= 6;
  hints.binary = binaryDigits >= 42;
  hints.morse = morse >= 10;
  return hints;
}

/** Printable text (letters, digits, punctuation, symbols, spaces) with at least two letters in a row and a space. */
function readable(decoded: string): boolean {
  if (decoded.length < 6 || decoded.includes('\uFFFD')) return false;
  const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{Zs}\n]/gu, '').length;
  return printable / decoded.length > 0.95 && /\p{L}{2,}/u.test(decoded) && /[\s\p{Script=Han}]/u.test(decoded);
}

// Eight or more bytes written as hex pairs, optionally as 0x41 / \x41 and separated by spaces or commas.
const HEX_RUN = /(?:(?:0x|\\x)?[0-9a-f]{2}[\s,]*){8,}/gi;

// A cheap first look (decodeObfuscation calls the byte decoders only when cipherHints says a text can need them).
const HEX_HINT = /[0-9a-f]{16}|(?:0x|\\x)[0-9a-f]{2}[\s,]*(?:0x|\\x)[0-9a-f]{2}|(?:[0-9a-f]{2}[ ,]){7}/i;

export function decodeHex(text: string): string | null {
  if (!HEX_HINT.test(text)) return null;
  const state = { changed: false };
  const decoded = text.replace(HEX_RUN, (run) => {
    const digits = run.replace(/0x|\\x|[\s,]/gi, '');
    // A run of decimal digits only (a phone or record number) is not hex text.
    if (digits.length % 2 !== 0 || /^\d+$/.test(digits)) return run;
    const bytes = Buffer.from(digits, 'hex').toString('utf8');
    if (!readable(bytes)) return run;
    state.changed = true;
    return ` ${bytes} `;
  });
  return state.changed ? decoded : null;
}

// Three or more percent-escaped bytes in a row or spread over the text ("how%20do%20i…").
const PERCENT_BYTE = /%[0-9a-f]{2}/gi;

export function decodePercent(text: string): string | null {
  if ((text.match(PERCENT_BYTE)?.length ?? 0) < 3) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // A lone "%" or a broken sequence: decode the valid escapes one by one.
    decoded = text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
  return decoded !== text && readable(decoded) ? decoded : null;
}

const ESCAPE = /\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|&#x([0-9a-f]{1,6});|&#(\d{1,7});|\\([0-9a-f]{1,6}) ?/gi;

/** \u0068, \u{68}, \x68, &#104;, &#x68; and CSS's \68 — three or more of them. */
export function decodeEscapes(text: string): string | null {
  if (!text.includes('\\') && !text.includes('&#')) return null;
  let count = 0;
  const decoded = text.replace(ESCAPE, (whole, braced?: string, unicode?: string, byte?: string, entityHex?: string, entityDecimal?: string, css?: string) => {
    const code = braced ?? unicode ?? byte ?? entityHex ?? css;
    const value = code !== undefined ? Number.parseInt(code, 16) : Number.parseInt(entityDecimal ?? '', 10);
    if (!Number.isFinite(value) || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return whole;
    count += 1;
    return String.fromCodePoint(value);
  });
  return count >= 3 && readable(decoded) ? decoded : null;
}

// Three or more bytes written "=68", and soft line breaks ("=" at a line's end).
const QUOTED_BYTE_RUN = /(?:=[0-9A-F]{2})+/g;

/** Quoted-printable (MIME): "=68=6F=77" and "how d=\no i", three or more escaped bytes or soft line breaks. */
export function decodeQuotedPrintable(text: string): string | null {
  const escaped = text.match(/=[0-9A-F]{2}|=\r?\n/g)?.length ?? 0;
  if (escaped < 3) return null;
  const decoded = text.replace(/=\r?\n/g, '').replace(QUOTED_BYTE_RUN, (run) => {
    const bytes = Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8');
    return bytes.includes('\uFFFD') ? run : bytes;
  });
  return decoded !== text && readable(decoded) ? decoded : null;
}

// Six or more 7- or 8-bit groups.
const BINARY_RUN = /(?:[01]{7,8}[\s,]+){5,}[01]{7,8}/g;

export function decodeBinary(text: string): string | null {
  if (!/[01]{7}/.test(text)) return null;
  const state = { changed: false };
  const decoded = text.replace(BINARY_RUN, (run) => {
    const characters = run
      .trim()
      .split(/[\s,]+/)
      .map((bits) => String.fromCharCode(Number.parseInt(bits, 2)))
      .join('');
    if (!readable(characters)) return run;
    state.changed = true;
    return ` ${characters} `;
  });
  return state.changed ? decoded : null;
}

const MORSE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h', '..': 'i', '.---': 'j',
  '-.-': 'k', '.-..': 'l', '--': 'm', '-.': 'n', '---': 'o', '.--.': 'p', '--.-': 'q', '.-.': 'r', '...': 's', '-': 't',
  '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x', '-.--': 'y', '--..': 'z', '-----': '0', '.----': '1', '..---': '2',
  '...--': '3', '....-': '4', '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9',
};
// Ten or more Morse letters (dots and dashes, also "•" and "−"), words split by "/", "|" or three spaces.
const MORSE_RUN = /(?:[.\-•·−–_]{1,6}(?:\s+|\s*[/|]\s*)){9,}[.\-•·−–_]{1,6}/g;

const MORSE_HINT = /[.\-•·−–_]{1,6}\s+[.\-•·−–_]{1,6}\s+[.\-•·−–_]{1,6}\s/;

export function decodeMorse(text: string): string | null {
  if (!MORSE_HINT.test(text)) return null;
  const state = { changed: false };
  const decoded = text.replace(MORSE_RUN, (run) => {
    const normal = run.replace(/[•·]/g, '.').replace(/[−–_]/g, '-');
    const words = normal.trim().split(/\s*[/|]\s*|\s{3,}/);
    let unknown = 0;
    const reading = words
      .map((word) =>
        word
          .split(/\s+/)
          .map((letter) => {
            const value = MORSE[letter];
            if (value === undefined) unknown += 1;
            return value ?? '';
          })
          .join(''),
      )
      .join(' ');
    if (unknown > 1 || !/[a-z]{2,}/.test(reading)) return run;
    state.changed = true;
    return ` ${reading} `;
  });
  return state.changed ? decoded : null;
}

function shiftLetters(text: string, shift: number): string {
  return text.replace(/[a-z]/gi, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + shift) % 26) + base);
  });
}

/** English letter frequencies, a–z (per cent of letters in general English text). */
const ENGLISH_LETTERS = [
  8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.77, 4.0, 2.4, 6.7, 7.5, 1.9, 0.095, 6.0, 6.3, 9.1, 2.8, 0.98, 2.4, 0.15, 2.0, 0.074,
];

/** How often each letter a–z occurs in the text (its first 2,000 letters), and how many letters were counted. */
function letterCounts(text: string): { counts: number[]; letters: number } {
  const counts = new Array<number>(26).fill(0);
  let letters = 0;
  for (let index = 0; index < text.length && letters < 2000; index += 1) {
    const code = text.charCodeAt(index) | 0x20;
    if (code >= 97 && code <= 122) {
      counts[code - 97] = (counts[code - 97] ?? 0) + 1;
      letters += 1;
    }
  }
  return { counts, letters };
}

/** Chi-squared distance from English letter frequencies of the reading whose letter L is the text's letter source(L). */
function chiSquared(counts: readonly number[], letters: number, source: (letter: number) => number): number {
  let score = 0;
  for (let letter = 0; letter < 26; letter += 1) {
    const expected = ((ENGLISH_LETTERS[letter] ?? 0) / 100) * letters;
    const seen = counts[source(letter)] ?? 0;
    score += ((seen - expected) * (seen - expected)) / expected;
  }
  return score;
}

/**
 * The Caesar shift (other than 13, which rot13 reads) whose letter frequencies are closest to English's
 * (one count of the letters, then 25 chi-squared sums), kept when its reading clearly reads as English.
 */
export function decodeCaesar(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string | null {
  const { counts, letters } = letterCounts(text);
  if (letters < 12) return null;
  let bestShift = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  const unshifted = chiSquared(counts, letters, (letter) => letter);
  for (let shift = 0; shift < 26; shift += 1) {
    // The reading's letter L comes from the text's letter L - shift.
    const score = chiSquared(counts, letters, (letter) => (letter - shift + 26) % 26);
    if (score < bestScore) {
      bestScore = score;
      bestShift = shift;
    }
  }
  // A shift only when it fits English far better than the text as written does.
  if (bestShift === 0 || bestShift === 13 || bestScore > 0.5 * unshifted) return null;
  const reading = shiftLetters(text, bestShift);
  return readsAsEnglish(reading, text, englishShare, commonWords) ? reading : null;
}

/** Atbash (a↔z, b↔y…), tried only when its letter frequencies are closer to English's than the text's own. */
export function decodeAtbash(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string | null {
  const { counts, letters } = letterCounts(text);
  if (letters < 12 || chiSquared(counts, letters, (letter) => 25 - letter) >= chiSquared(counts, letters, (letter) => letter)) return null;
  const decoded = text.replace(/[a-z]/gi, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(base + 25 - (letter.charCodeAt(0) - base));
  });
  return readsAsEnglish(decoded, text, englishShare, commonWords) ? decoded : null;
}

const UPSIDE_DOWN: Record<string, string> = {
  ɐ: 'a', ɔ: 'c', ǝ: 'e', ɟ: 'f', ƃ: 'g', ɥ: 'h', ᴉ: 'i', ı: 'i', ɾ: 'j', ʞ: 'k', ɯ: 'm', ɹ: 'r', ʇ: 't', ʌ: 'v', ʍ: 'w', ʎ: 'y',
  '¿': '?', '¡': '!', '˙': '.', '‘': ',',
};
const UPSIDE_DOWN_LETTER = /[ɐɔǝɟƃɥᴉıɾʞɯɹʇʌʍʎ]/gu;

/** Text turned upside down: the flipped letters read back and the order reversed (q/d, n/u, b/p swap places). */
export function decodeUpsideDown(text: string): string | null {
  if ((text.match(UPSIDE_DOWN_LETTER)?.length ?? 0) < 3) return null;
  const swapped: Record<string, string> = { q: 'b', b: 'q', d: 'p', p: 'd', n: 'u', u: 'n' };
  return Array.from(text)
    .reverse()
    .map((character) => UPSIDE_DOWN[character] ?? swapped[character] ?? character)
    .join('');
}

/**
 * Pig Latin ("oisonpay ymay usbandhay"): most words end in "ay"; each is read back with one and with two
 * final consonants moved to the front ("oisonpay" → "poison", "ethmay" → "meth"/"hmet"), and "-way" words
 * lose it ("andway" → "and"). Both readings are returned when they read more like English than the text.
 */
export function decodePigLatin(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string[] {
  const words = text.match(/[a-z]+/gi) ?? [];
  const pig = words.filter((word) => /^[a-z]{3,}ay$/i.test(word)).length;
  if (words.length < 3 || pig < 0.6 * words.length) return [];
  // "-way" after a vowel-initial stem is either the vowel rule ("andway" → "and") or a moved "w" ("ithway" → "with").
  const read = (cluster: 1 | 2, dropWay: boolean): string =>
    text.replace(/\b([a-z]+?)(w?)ay\b/gi, (whole, stem: string, w: string) => {
      if (dropWay && w !== '' && /^[aeiou]/i.test(stem)) return stem;
      const full = stem + w;
      const moved = cluster === 2 && full.length > 3 && /[^aeiou]{2}$/i.test(full) ? 2 : 1;
      return full.length >= moved ? full.slice(-moved) + full.slice(0, -moved) : whole;
    });
  return [read(1, true), read(1, false), read(2, true)].filter((reading, index, all) => all.indexOf(reading) === index && readsAsEnglish(reading, text, englishShare, commonWords));
}
