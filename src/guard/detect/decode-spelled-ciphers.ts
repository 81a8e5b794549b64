/**
 * Encodings that spell a text out character by character, which a language model reads back without effort
 * and the guard did not (probing round 5: every refused English probe request written in them was allowed,
 * risk ≤ 0.08): decimal character codes ("72 111 119 32 100 111…"), octal escapes ("\150\157\167"), Braille
 * letters ("⠓⠕⠺ ⠙⠕ ⠊"), the NATO spelling alphabet ("hotel oscar whiskey / delta oscar"), letter numbers
 * (A1Z26: "8-15-23 4-15 9"), base32 and ROT47. Each decoder returns null unless the text holds its encoding
 * and the reading is readable text (the ones that map letters to letters: unless it reads as English); the
 * caller keeps the higher score, so a false reading costs nothing.
 */
import { readsAsEnglish, type CommonWordCount, type EnglishShare } from './decode-ciphers.js';

/** Printable text (letters, digits, punctuation, symbols, spaces) with two letters in a row and a space or a Chinese character. */
function readable(decoded: string): boolean {
  if (decoded.length < 6 || decoded.includes('\uFFFD')) return false;
  const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{S}\p{Zs}\n]/gu, '').length;
  return printable / decoded.length > 0.95 && /\p{L}{2,}/u.test(decoded) && /[\s\p{Script=Han}]/u.test(decoded);
}


// Eight or more decimal character codes (2 to 7 digits) separated by spaces or commas.
const DECIMAL_CODE_RUN = /(?<![\d.])(?:\d{2,7}[ \t,;]+){7,}\d{2,7}(?![\d.])/g;

/** Decimal character codes: "72 111 119 32 100 111 …" (ASCII or Unicode code points, a space written as 32). */
export function decodeDecimalCodes(text: string): string | null {
  const state = { changed: false };
  const decoded = text.replace(DECIMAL_CODE_RUN, (run) => {
    const codes = run.split(/[ \t,;]+/).map(Number);
    if (codes.some((code) => code < 9 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) return run;
    const characters = String.fromCodePoint(...codes);
    if (!readable(characters)) return run;
    state.changed = true;
    return ` ${characters} `;
  });
  return state.changed ? decoded : null;
}

// Four or more octal byte escapes in a row: "\150\157\167".
const OCTAL_RUN = /(?:\\[0-3][0-7]{2}\s?){4,}/g;

/** Octal byte escapes ("\150\157\167", C and shell), read as UTF-8. */
export function decodeOctalEscapes(text: string): string | null {
  if (!text.includes('\\')) return null;
  const state = { changed: false };
  const decoded = text.replace(OCTAL_RUN, (run) => {
    const bytes = Buffer.from(run.match(/[0-3][0-7]{2}/g)?.map((octal) => Number.parseInt(octal, 8)) ?? []).toString('utf8');
    if (!readable(bytes)) return run;
    state.changed = true;
    return bytes;
  });
  return state.changed ? decoded : null;
}

/** Braille letters a–z (grade 1), in alphabetical order; ⠼ makes the next letters a–j the digits 1–0. */
const BRAILLE_LETTERS = '⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵';
const BRAILLE_PUNCTUATION: Readonly<Record<string, string>> = { '⠀': ' ', '⠂': ',', '⠲': '.', '⠦': '?', '⠖': '!', '⠆': ';', '⠒': ':', '⠤': '-', '⠄': "'", '⠠': '' };
const BRAILLE_RUN = /[\u2800-\u28FF][\u2800-\u28FF\s.,?!'-]*[\u2800-\u28FF]/g;

/** Braille cells read as the letters they stand for (grade 1, with the number sign), when 8 or more are letters. */
export function decodeBraille(text: string): string | null {
  const state = { changed: false };
  const decoded = text.replace(BRAILLE_RUN, (run) => {
    let out = '';
    let letters = 0;
    let number = false;
    for (const cell of run) {
      const index = BRAILLE_LETTERS.indexOf(cell);
      if (cell === '⠼') number = true;
      else if (index >= 0) {
        letters += 1;
        out += number && index < 10 ? String((index + 1) % 10) : String.fromCharCode(97 + index);
      } else {
        if (!/[\u2800-\u28FF]/.test(cell) || cell === '⠀') number = false;
        out += BRAILLE_PUNCTUATION[cell] ?? (/[\u2800-\u28FF]/.test(cell) ? '' : cell);
      }
    }
    if (letters < 8) return run;
    state.changed = true;
    return out;
  });
  return state.changed ? decoded : null;
}

const NATO_WORDS = ['alfa', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey', 'x-ray', 'yankee', 'zulu'];
const NATO_LETTER: ReadonlyMap<string, string> = new Map([
  ...NATO_WORDS.map((word) => [word, word.charAt(0)] as const),
  ['alpha', 'a'],
  ['juliet', 'j'],
  ['xray', 'x'],
  ['whisky', 'w'],
]);
const NATO_WORD = `(?:${[...NATO_LETTER.keys()].join('|')})`;
// Six or more spelling-alphabet words in a row, words of the text separated by "/", "|", "," or a line break.
const NATO_RUN = new RegExp(`\\b${NATO_WORD}(?:(?:\\s*[/|,\\n]\\s*|\\s+)${NATO_WORD}){5,}\\b`, 'gi');

/** The NATO spelling alphabet ("hotel oscar whiskey / delta oscar"): each word's letter, words split at "/", "|", "," or a line break. */
export function decodeNato(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string | null {
  const state = { changed: false };
  const decoded = text.replace(NATO_RUN, (run) => {
    const words = run.split(/\s*[/|,\n]\s*/).map((word) =>
      word
        .split(/\s+/)
        .map((spelled) => NATO_LETTER.get(spelled.toLowerCase()) ?? '')
        .join(''),
    );
    const reading = words.join(' ');
    if (!readsAsEnglish(reading, run, englishShare, commonWords)) return run;
    state.changed = true;
    return ` ${reading} `;
  });
  return state.changed ? decoded : null;
}

const LETTER_NUMBER = '(?:2[0-6]|1\\d|0?[1-9])';
// Letters as their numbers 1-26, joined by "-" or "." inside a word; six or more words of them.
const A1Z26_RUN = new RegExp(`(?<![\\d.-])${LETTER_NUMBER}(?:[-.]${LETTER_NUMBER})*(?:[ /|,]+${LETTER_NUMBER}(?:[-.]${LETTER_NUMBER})*){5,}(?![\\d.-])`, 'g');

/** A1Z26: letters as their place in the alphabet ("8-15-23 4-15 9"), when the reading is English. */
export function decodeLetterNumbers(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string | null {
  const state = { changed: false };
  const decoded = text.replace(A1Z26_RUN, (run) => {
    const reading = run
      .split(/[ /|,]+/)
      .map((word) =>
        word
          .split(/[-.]/)
          .map((number) => String.fromCharCode(96 + Number(number)))
          .join(''),
      )
      .join(' ');
    if (!readsAsEnglish(reading, run, englishShare, commonWords)) return run;
    state.changed = true;
    return ` ${reading} `;
  });
  return state.changed ? decoded : null;
}

// Sixteen or more base32 characters (RFC 4648: A-Z and 2-7, "=" padding), no spaces.
const BASE32_RUN = /(?<![A-Za-z0-9])[A-Z2-7]{16,}={0,6}(?![A-Za-z0-9])/g;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Base32 (RFC 4648), read as UTF-8. */
export function decodeBase32(text: string): string | null {
  const state = { changed: false };
  const decoded = text.replace(BASE32_RUN, (run) => {
    const bytes: number[] = [];
    let value = 0;
    let bits = 0;
    for (const character of run.replace(/=+$/, '')) {
      value = ((value << 5) | BASE32_ALPHABET.indexOf(character)) & 0xffff;
      bits += 5;
      if (bits >= 8) {
        bytes.push((value >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    const reading = Buffer.from(bytes).toString('utf8');
    if (!readable(reading)) return run;
    state.changed = true;
    return ` ${reading} `;
  });
  return state.changed ? decoded : null;
}

/** ROT47: every printable ASCII character but the space rotated by 47 (letters, digits and punctuation alike), when the reading is English. */
export function decodeRot47(text: string, englishShare: EnglishShare, commonWords: CommonWordCount): string | null {
  const reading = text.replace(/[!-~]/g, (character) => String.fromCharCode(33 + ((character.charCodeAt(0) + 14) % 94)));
  return readsAsEnglish(reading, text, englishShare, commonWords) ? reading : null;
}
