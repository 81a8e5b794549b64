/**
 * Finds obfuscated text and decodes it so the classifier can re-scan it: base64, rot13, leetspeak,
 * character splitting ("k i l l"), homoglyphs (Cyrillic/Greek look-alikes, full-width and
 * mathematical letters), zero-width characters and reversed text, and the encodings of
 * decode-ciphers.ts (hex, percent-encoding, escapes, binary, Morse, Caesar, Atbash, upside-down, Pig
 * Latin, quoted-printable), disguised Latin letters (fold-letters.ts: accents on every letter, small capitals,
 * squared letters, ignorable characters) and layouts that cut a request apart (decode-layout.ts: HTML tags,
 * one word per line, spaced Chinese, camel case, a right-to-left override) and English typed without spaces
 * (split-run-on-words.ts). Returns only variants that differ from the input; whether one counts as an attack is decided
 * by the caller after re-scanning.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';
import {
  cipherHints,
  decodeAtbash,
  decodeBinary,
  type CipherHints,
  decodeCaesar,
  decodeEscapes,
  decodeHex,
  decodeMorse,
  decodePercent,
  decodePigLatin,
  decodeQuotedPrintable,
  decodeUpsideDown,
} from './decode-ciphers.js';
import { joinShortSegments, joinSpacedHan, readBidiOverride, readTableCells, splitCamelCase, stripMarkup } from './decode-layout.js';
import { foldLetters } from './fold-letters.js';
import { readCantoneseAsMandarin } from './read-cantonese.js';
import { readEmojiWords } from './read-emoji-words.js';
import { readDisemvowelled } from './read-disemvowelled.js';
import { decodeBase32, decodeBraille, decodeDecimalCodes, decodeLetterNumbers, decodeNato, decodeOctalEscapes, decodeRot47 } from './decode-spelled-ciphers.js';
import { splitRunOnWords } from './split-run-on-words.js';

export type ObfuscationKind =
  | 'base64'
  | 'rot13'
  | 'leetspeak'
  | 'character_splitting'
  | 'homoglyph'
  | 'zero_width'
  | 'reversed'
  | 'hex'
  | 'percent_encoding'
  | 'escapes'
  | 'binary'
  | 'morse'
  | 'caesar'
  | 'atbash'
  | 'upside_down'
  | 'pig_latin'
  | 'quoted_printable'
  | 'letter_folding'
  | 'markup'
  | 'layout'
  | 'character_codes'
  | 'braille'
  | 'spelling_alphabet'
  | 'letter_numbers'
  | 'base32'
  | 'rot47'
  | 'disemvowelled'
  /** Written Cantonese read in Mandarin words (read-cantonese.ts): a language, not a disguise. */
  | 'dialect'
  /** Emoji read as the words they stand for (read-emoji-words.ts): emoji are also decoration, so no disguise either. */
  | 'emoji_words';

export interface DecodedVariant {
  kind: ObfuscationKind;
  text: string;
  /**
   * The decoding shows on its own that the text was obfuscated on purpose, whatever it says: a text written
   * in leetspeak throughout whose reading has at least two more common English words than the text as written.
   */
  deliberate?: true;
}

const COMMON_WORDS = new Set(
  (
    'the and to of a i you how what is in for make can do with my on it that me give tell get someone without kill people use ' +
    'an as at by or if into so all any more most some such than then there also only other new one two time way from this these those ' +
    'have has had be are was were not no your our their his her they them he she we would could should will may might must ' +
    'why when where which who describe explain provide create write list develop design compose draft generate plan guide steps step ' +
    'patient patients medical doctor doctors health information care treatment drug drugs medication hospital clinic nurse physician data records ' +
    'about while during after before using use used help need want know like just even over under between through against'
  ).split(' '),
);

function commonWords(words: readonly string[]): number {
  let hits = 0;
  for (const word of words) if (COMMON_WORDS.has(word)) hits += 1;
  return hits;
}

/** Share of word tokens that are very common English words (a cheap "reads as English" score). */
export function englishWordShare(text: string): number {
  const words = text.toLowerCase().match(/[a-z]+/g);
  if (!words || words.length === 0) return 0;
  return commonWords(words) / words.length;
}

/**
 * How many tokens are very common English words, a token being a run of letters, digits and leet symbols
 * ("h0w" is one token and not a word; "i2amu" read from "12amu" is not "i" + "amu").
 */
function commonWordCount(text: string): number {
  return commonWords(text.toLowerCase().match(/[a-z0-9@$!|+]+/g) ?? []);
}

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + 13) % 26) + base);
  });
}

const ZERO_WIDTH = /[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u180E]/g;

const HOMOGLYPHS: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', һ: 'h', ӏ: 'l', ո: 'n', ս: 'u',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I',
  α: 'a', ο: 'o', ρ: 'p', ν: 'v', ι: 'i', κ: 'k', τ: 't', υ: 'u', χ: 'x', ε: 'e', Α: 'A', Β: 'B', Ε: 'E', Κ: 'K', Μ: 'M', Ο: 'O', Ρ: 'P', Τ: 'T',
};
const HOMOGLYPH_PATTERN = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'g');
const STYLED_LATIN = /[\uFF21-\uFF3A\uFF41-\uFF5A]|[\u{1D400}-\u{1D7FF}]|[\u24B6-\u24E9]/u;

function decodeHomoglyphs(text: string): string | null {
  const hasStyled = STYLED_LATIN.test(text);
  // Only map look-alikes that sit inside otherwise Latin words, so real Russian or Greek text is left alone.
  const mixed = /[a-z][\u0370-\u03FF\u0400-\u04FF\u0500-\u052F]|[\u0370-\u03FF\u0400-\u04FF\u0500-\u052F][a-z]/i.test(text);
  if (!hasStyled && !mixed) return null;
  let decoded = hasStyled ? text.replace(/[\uFF21-\uFF3A\uFF41-\uFF5A]|[\u{1D400}-\u{1D7FF}]|[\u24B6-\u24E9]/gu, (character) => character.normalize('NFKC')) : text;
  if (mixed) decoded = decoded.replace(HOMOGLYPH_PATTERN, (character) => HOMOGLYPHS[character] ?? character);
  return decoded === text ? null : decoded;
}

const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };
// A token mixing letters with leet digits/symbols, e.g. "k1ll", "p0is0n", "h@ck", but not "covid19" or "b12".
const LEET_TOKEN = /(?<![\w@$])(?=[a-z0-9@$!|+]*[a-z])(?=[a-z0-9@$!|+]*[0-9@$!|+][a-z])[a-z0-9@$!|+]{3,}(?![\w@$])/gi;
// Any token mixing letters with leet digits/symbols, "pu7" and "w17h" too: read this way only in a text already written in leetspeak.
const LOOSE_LEET_TOKEN = /(?<![\w@$])(?=[a-z0-9@$!|+]*[a-z])(?=[a-z0-9@$!|+]*[0-9@$!|+])[a-z0-9@$!|+]{2,}(?![\w@$])/gi;
/** "b12", "covid19", "30mg", "5ml": letters and a number, not leetspeak. */
const NUMBER_LIKE = /^(?:[a-z]+\d+|\d+[a-z]{1,2})$/i;
/** A number with a unit or an ordinal ("30mg", "2x", "4th"); "0f", "1n", "1s" in a leetspeak text are words. */
const NUMBER_WITH_UNIT = /^\d+(?:mg|mcg|ml|kg|g|l|iu|mm|cm|km|lbs?|oz|h|hrs?|min|d|x|k|m|st|nd|rd|th|am|pm|yo|y|wk|mo)$/i;

/**
 * Leetspeak read back as letters. "1" stands for "i" or "l" ("k1ll", "l37ha1", "w1f3"), so a text with a "1"
 * in a leet word gives two readings, one each way: the classifier keeps the higher score of its variants.
 * A text with two or more clear leet words is read as leetspeak throughout, so words that end in a leet
 * digit ("pu7", "0f") are read too; numbers with units ("30mg") never are. Such a text is `deliberate` when
 * its reading has at least two more common English words ("h0w d0 1" → "how do i"); medical alphanumerics
 * ("hba1c", "h1n1") decode to no common words.
 */
function decodeLeetspeak(text: string): DecodedVariant[] {
  let clear = 0;
  for (const match of text.matchAll(LEET_TOKEN)) if (!NUMBER_LIKE.test(match[0])) clear += 1;
  if (clear === 0) return [];
  const throughout = clear >= 2;
  const state = { hasOne: false };
  const read = (one: string): string =>
    text.replace(throughout ? LOOSE_LEET_TOKEN : LEET_TOKEN, (token) => {
      if ((throughout ? NUMBER_WITH_UNIT : NUMBER_LIKE).test(token)) return token;
      return token.replace(/[0-9@$!|+]/g, (character) => {
        if (character !== '1') return LEET[character] ?? character;
        state.hasOne = true;
        return one;
      });
    });
  const readings = [read('i')];
  if (state.hasOne) readings.push(read('l'));
  const deliberate = throughout && commonWordCount(readings[0] as string) >= commonWordCount(text) + 2;
  return readings.map((reading) => (deliberate ? { kind: 'leetspeak', text: reading, deliberate } : { kind: 'leetspeak', text: reading }));
}

// Three or more single letters joined by one separator: "k i l l", "p.o.i.s.o.n", "m-e-t-h".
const SPLIT_LETTERS = /(?<![\p{L}\p{N}])\p{L}(?:[ .\-*_/|]\p{L}){2,}(?![\p{L}\p{N}])/gu;

function decodeCharacterSplitting(text: string): string | null {
  const state = { changed: false };
  const decoded = text.replace(SPLIT_LETTERS, (run) => {
    const letters = run.split(/[ .\-*_/|]/);
    if (letters.length < 3) return run;
    state.changed = true;
    // "i p o i s o n": a leading or trailing English one-letter word ("i", "a") stays a word.
    const head = letters.length >= 5 && /^[ia]$/i.test(letters[0] as string) ? `${letters.shift() as string} ` : '';
    const tail = letters.length >= 5 && /^[ia]$/i.test(letters[letters.length - 1] as string) ? ` ${letters.pop() as string}` : '';
    return `${head}${letters.join('')}${tail}`;
  });
  return state.changed ? decoded : null;
}

const BASE64_RUN = /(?:[A-Za-z0-9+/_-]{4}){4,}(?:[A-Za-z0-9+/_-]{3}=?|[A-Za-z0-9+/_-]{2}(?:==)?)?/g;
/** Base64 broken into lines (MIME wraps it at 76 characters; any width): two or more lines of base64 characters only. */
const BASE64_LINES = /(?:^|(?<=\n))(?:[A-Za-z0-9+/_-]{4,}[ \t]*\r?\n){1,}[A-Za-z0-9+/_-]{2,}={0,2}(?=[ \t]*(?:\r?\n|$))/g;

/** The bytes as text: UTF-8, else UTF-16 (little-endian, as Windows and .NET encode strings) when that reads as text. */
function bytesAsText(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  if (bytes.length % 2 !== 0 || readsAsDecoded(utf8)) return utf8;
  const utf16 = bytes.toString('utf16le');
  return readsAsDecoded(utf16) ? utf16 : utf8;
}

function readsAsDecoded(decoded: string): boolean {
  // Letters, digits, punctuation, symbols ("+", "%") and spaces; U+FFFD marks bytes that were not UTF-8.
  const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{Zs}\n]|\uFFFD/gu, '').length;
  return decoded.length >= 8 && printable / decoded.length > 0.95 && /\p{L}{2,}/u.test(decoded) && /[\s\p{Script=Han}]/u.test(decoded);
}

/**
 * Base64, standard or URL-safe ("-", "_"), padded or not, also broken into lines, read as UTF-8 or UTF-16 (probing
 * round 5: a refused request in base64 wrapped every 8 characters, URL-safe without padding or of UTF-16 text was
 * allowed, 17, 2 and 24 of 25).
 */
function decodeBase64(written: string): string | null {
  const text = written.includes('\n') ? written.replace(BASE64_LINES, (lines) => lines.replace(/\s+/g, '')) : written;
  const parts: string[] = [];
  const read = (run: string): string => bytesAsText(Buffer.from(run, 'base64'));
  for (const match of text.matchAll(BASE64_RUN)) {
    const run = match[0];
    if (!/[0-9+/=_-]/.test(run) && !/[A-Z].*[a-z].*[A-Z]/.test(run)) continue;
    const decoded = read(run);
    if (readsAsDecoded(decoded)) parts.push(decoded);
  }
  if (parts.length === 0) return null;
  return text.replace(BASE64_RUN, (run) => {
    const decoded = read(run);
    return parts.includes(decoded) ? ` ${decoded} ` : run;
  });
}

let chineseWords: ReadonlySet<number> | undefined;

/** The two-character words of assets/guard/chinese-common-words.txt, each as its two UTF-16 codes in one number. */
function readChineseWords(): ReadonlySet<number> {
  const path = resolvePackagePath('assets', 'guard', 'chinese-common-words.txt');
  try {
    const lines = readFileSync(path, 'utf8').split('\n');
    const words = lines.map((line) => line.trim()).filter((line) => line.length === 2 && !line.startsWith('#'));
    return new Set(words.map((word) => word.charCodeAt(0) * 0x10000 + word.charCodeAt(1)));
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's list of common Chinese words ${path}`, { cause: error, fix: 'Restore assets/guard/chinese-common-words.txt from git.' });
  }
}

/** A sentence-final mark (Chinese or Latin) — Chinese text ends its sentences with one and never opens with one. */
const SENTENCE_FINAL = /[。？！?!]/;

/**
 * Chinese written backwards: read backwards, it has at least 2 common two-character words and more than
 * twice as many as read forwards (one pass over the character pairs, both ways at once); or it opens with a
 * sentence-final mark, does not end with one, and has more of them backwards than forwards (the question mark of
 * "？来人没也来下摔他让…" is where the sentence ended). A doubled character (爷爷, 谢谢) reads the same both ways
 * and counts for neither: it made a reversed request with a grandfather in it read as forwards (probing round 6).
 */
function decodeReversedChinese(text: string): string | null {
  if (text.length > 600) return null;
  chineseWords ??= readChineseWords();
  let forward = 0;
  let backward = 0;
  for (let index = 0; index + 1 < text.length; index += 1) {
    const first = text.charCodeAt(index);
    const second = text.charCodeAt(index + 1);
    if (first < 0x3400 || second < 0x3400 || first === second) continue;
    if (chineseWords.has(first * 0x10000 + second)) forward += 1;
    if (chineseWords.has(second * 0x10000 + first)) backward += 1;
  }
  const trimmed = text.trim();
  const endsAtItsStart = trimmed.length > 1 && SENTENCE_FINAL.test(trimmed.charAt(0)) && !SENTENCE_FINAL.test(trimmed.charAt(trimmed.length - 1));
  const reversed = (backward >= 2 && backward >= 2 * forward + 1) || (endsAtItsStart && backward > forward);
  return reversed ? Array.from(text).reverse().join('') : null;
}

/** At least 12 Latin letters, and at least four times as many as Chinese characters (one pass over the codes). */
function mostlyLatin(text: string): boolean {
  let latin = 0;
  let han = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (((code | 0x20) >= 97 && (code | 0x20) <= 122)) latin += 1;
    else if (code >= 0x3400 && code <= 0x9fff) han += 1;
  }
  return latin >= 12 && latin >= 4 * han;
}

/** Encodings of bytes or characters, each recognisable by its own alphabet. */
const BYTE_DECODERS: readonly [ObfuscationKind, keyof CipherHints, (text: string) => string | null][] = [
  ['hex', 'hex', decodeHex],
  ['percent_encoding', 'percent', decodePercent],
  ['escapes', 'escapes', decodeEscapes],
  ['binary', 'binary', decodeBinary],
  ['morse', 'morse', decodeMorse],
  ['upside_down', 'upsideDown', decodeUpsideDown],
  ['quoted_printable', 'quotedPrintable', decodeQuotedPrintable],
  ['character_codes', 'hex', decodeDecimalCodes],
  ['character_codes', 'escapes', decodeOctalEscapes],
  ['braille', 'braille', decodeBraille],
  ['base32', 'base32', decodeBase32],
];

export function decodeObfuscation(text: string): DecodedVariant[] {
  const variants: DecodedVariant[] = [];
  let base = text;
  if (ZERO_WIDTH.test(text)) {
    base = text.replace(ZERO_WIDTH, '');
    variants.push({ kind: 'zero_width', text: base });
  }
  const homoglyph = decodeHomoglyphs(base);
  if (homoglyph) {
    base = homoglyph;
    variants.push({ kind: 'homoglyph', text: base });
  }
  let hints = cipherHints(base);
  // A right-to-left override shows text typed backwards forwards: read from the text as written (the fold drops the override).
  const overridden = hints.foldable ? readBidiOverride(text) : null;
  if (overridden !== null) variants.push({ kind: 'reversed', text: overridden });
  const folded = hints.foldable ? foldLetters(base) : null;
  if (folded !== null) {
    variants.push({ kind: 'letter_folding', text: folded });
    // Upside-down letters are Latin (IPA) letters the fold would transliterate: such text is read as written.
    if (!hints.upsideDown) base = folded;
  }
  const stripped = stripMarkup(base);
  if (stripped !== null) {
    base = stripped;
    variants.push({ kind: 'markup', text: base });
  }
  // The rare text that was folded or stripped is looked at again.
  if (base !== text && (folded !== null || stripped !== null)) hints = cipherHints(base);
  if (hints.shortPieces) for (const joined of joinShortSegments(base)) variants.push({ kind: 'layout', text: joined });
  const camel = splitCamelCase(base);
  if (camel !== null) variants.push({ kind: 'layout', text: camel });
  const table = readTableCells(base);
  if (table !== null) variants.push({ kind: 'layout', text: table });
  const runOn = splitRunOnWords(base);
  if (runOn !== null) variants.push({ kind: 'layout', text: runOn });
  const base64 = decodeBase64(base);
  if (base64) variants.push({ kind: 'base64', text: base64 });
  for (const [kind, hint, decode] of BYTE_DECODERS) {
    if (!hints[hint]) continue;
    const decoded = decode(base);
    if (decoded !== null) variants.push({ kind, text: decoded });
  }
  const letterNumbers = hints.hex ? decodeLetterNumbers(base, englishWordShare, commonWordCount) : null;
  if (letterNumbers !== null) variants.push({ kind: 'letter_numbers', text: letterNumbers });
  const originalShare = englishWordShare(base);
  if (/[a-z]{3,}/i.test(base) && originalShare < 0.2) {
    // Text that does not read as English is also read in rot13 whenever that reads more like English: the
    // classifier keeps the higher score, so a false decoding costs nothing and a missed one hides a request.
    const rotated = rot13(base);
    if (englishWordShare(rotated) > originalShare + 0.05) variants.push({ kind: 'rot13', text: rotated });
    const nato = decodeNato(base, englishWordShare, commonWordCount);
    if (nato !== null) variants.push({ kind: 'spelling_alphabet', text: nato });
    const reversed = Array.from(base).reverse().join('');
    if (englishWordShare(reversed) >= Math.max(0.25, originalShare + 0.15)) variants.push({ kind: 'reversed', text: reversed });
    if (mostlyLatin(base)) {
      // Letter-for-letter ciphers only on text written in Latin letters (not the units of a Chinese vignette).
      const caesar = decodeCaesar(base, englishWordShare, commonWordCount);
      if (caesar !== null) variants.push({ kind: 'caesar', text: caesar });
      const atbash = decodeAtbash(base, englishWordShare, commonWordCount);
      if (atbash !== null) variants.push({ kind: 'atbash', text: atbash });
      for (const reading of decodePigLatin(base, englishWordShare, commonWordCount)) variants.push({ kind: 'pig_latin', text: reading });
      // ROT47 rotates digits and punctuation too ("Wow" → "(@H")
      const rotated47 = decodeRot47(base, englishWordShare, commonWordCount);
      if (rotated47 !== null) variants.push({ kind: 'rot47', text: rotated47 });
    }
  }
  // English without its vowels reads as few common words (≤ 0.24 on the round-5 probes; ordinary English ≥ 0.36 at the 10th percentile)
  const devowelled = originalShare < 0.3 && mostlyLatin(base) ? readDisemvowelled(base) : null;
  if (devowelled !== null) variants.push({ kind: 'disemvowelled', text: devowelled });
  const emojiWords = readEmojiWords(base);
  if (emojiWords !== null) variants.push({ kind: 'emoji_words', text: emojiWords });
  const mandarin = hints.han ? readCantoneseAsMandarin(base) : null;
  if (mandarin !== null) variants.push({ kind: 'dialect', text: mandarin });
  const spacedHan = hints.han ? joinSpacedHan(base) : null;
  if (spacedHan !== null) variants.push({ kind: 'layout', text: spacedHan });
  const reversedChinese = hints.han ? decodeReversedChinese(base) : null;
  if (reversedChinese !== null) variants.push({ kind: 'reversed', text: reversedChinese });
  const leet = decodeLeetspeak(base);
  variants.push(...leet);
  const split = decodeCharacterSplitting(leet[0]?.text ?? base);
  if (split) variants.push({ kind: 'character_splitting', text: split });
  // Readings of readings: a layout read back can leave its letters spaced apart ("i w a n t …"), and letters
  // joined back make one run ("justswallowedallmypills"); both are read on into words.
  for (const variant of [...variants]) {
    const joined = variant.kind === 'layout' ? decodeCharacterSplitting(variant.text) : null;
    const words = splitRunOnWords(joined ?? variant.text);
    if (words !== null) variants.push({ kind: variant.kind, text: words });
    else if (joined !== null) variants.push({ kind: variant.kind, text: joined });
  }
  return variants;
}
