/**
 * Latin letters in disguise, read back as plain letters: accents and combining marks typed on every letter
 * ("hów dó í" or "h\u0301ow"), letters with strokes or without dots ("ı", "ł", "ø"), small capitals ("ᴘᴏɪsᴏɴ"),
 * negative squared or circled letters and regional indicators ("🅿🅾🅸🆂🅾🅽"), and the characters Unicode says to
 * ignore when displaying (Hangul fillers, variation selectors, tag characters, bidi controls). A reader sees
 * the same words; the classifier read unknown tokens. The transliteration of each such character is
 * any-ascii's (ISC), written to assets/guard/latin-letter-fold.txt by training/guard/build-latin-letter-fold.ts
 * and read on the first text that needs it; only letters of the Latin script (their combining marks dropped) and letter-like symbols are
 * transliterated — Chinese, Cyrillic and Greek are left as written (Cyrillic and Greek look-alikes inside
 * Latin words are decode-obfuscation.ts's homoglyphs). In a text written mostly in Latin letters, letters of
 * other scripts that look like Latin letters (Armenian "օ", Cherokee "Ꭺ", Lisu "ꓲ") become those letters, by
 * Unicode's confusables table as the unhomoglyph package (MIT) ships it, loaded on the first such text.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';

/**
 * Unicode tag characters U+E0020–U+E007E: invisible copies of the printable ASCII characters (meant for language
 * tags, used in emoji flag sequences). A display shows nothing, but a language model reads the ASCII they copy,
 * so a request written in them is invisible to a reviewer and plain to the model ("ASCII smuggling"): the fold
 * reads them as that ASCII.
 */
const TAG_CHARACTERS = /[\u{E0020}-\u{E007E}]/gu;
/** Characters a display ignores (Unicode's Default_Ignorable_Code_Point: soft hyphen, joiners, fillers, selectors, tags, bidi controls). */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const ASCII_ONLY = /^[\x00-\x7F]*$/;
/** Runs NFKC may change: anything but ASCII, CJK ideographs and the CJK and full-width punctuation Chinese is written with. */
const COMPATIBILITY_RUN = /[^\x00-\x7F\u3000-\u303F\u4E00-\u9FFF\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]+/gu;

/**
 * The text as a reader sees it: compatibility forms made ordinary (NFKC: full-width Latin letters and digits,
 * ligatures, the ideographic space) and ignorable characters dropped (zero-width spaces and joiners, soft hyphens); Chinese punctuation
 * is kept, as Chinese phrases are matched with it. For the readers that take the text as written (the emergency
 * matcher, the health-topic check, the sentence encoder), which read a word with a zero-width space inside it or
 * full-width letters as unknown words (probing round 4). ASCII text is returned as it is.
 */
export function asDisplayed(text: string): string {
  return ASCII_ONLY.test(text)
    ? text
    : withPlainApostrophes(text.replace(COMPATIBILITY_RUN, (run) => run.normalize('NFKC')).replace(IGNORABLE, '').replace(/\u3000/g, ' '));
}

/** A typographic apostrophe (’, or ‘ ʼ ` ´ typed for one) between two Latin letters: "don’t", "I’m", "she´s". */
const TYPED_APOSTROPHE = /(?<=[A-Za-z])[\u2018\u2019\u02BC`\u00B4](?=[A-Za-z])/g;
const MAY_HOLD_TYPED_APOSTROPHE = /[\u2018\u2019\u02BC`\u00B4]/;

/**
 * The text with apostrophes inside English words written as "'": phones and word processors type "’" ("I’m going to
 * jump tonight, it’s the only way"), and every reader of the guard took it for a closing quote — the segmenter split
 * "wasn’t" into two segments and the emergency matcher's "it's", "can't", "i'm" did not match (probing round 5: 124 of
 * 800 dev texts with apostrophes changed action when typed with "’", emergencies escalate → allow). Other text is
 * returned as it is (one scan).
 */
export function withPlainApostrophes(text: string): string {
  return MAY_HOLD_TYPED_APOSTROPHE.test(text) ? text.replace(TYPED_APOSTROPHE, "'") : text;
}

/**
 * A character to transliterate: a non-ASCII letter of the Latin script or a letter-like
 * symbol (letterlike symbols, enclosed alphanumerics, mathematical letters, enclosed alphanumeric supplement
 * with the regional indicators).
 */
const FOLDABLE = /[\p{Script=Latin}\u2100-\u214F\u2460-\u24FF\u{1D400}-\u{1D7FF}\u{1F100}-\u{1F1FF}]/u;
/**
 * Combining marks on a Latin letter (after NFD: "ó" is "o" + U+0301) or on a Chinese character (which never
 * takes one); marks on Cyrillic, Greek or other letters stay.
 */
const MARKS_ON_LATIN = /(?<=[A-Za-z\p{Script=Latin}\p{Script=Han}])\p{M}+/gu;
const NON_ASCII_RUN = /[^\x00-\x7F]+/g;

/**
 * Whether a UTF-16 code (not ASCII, not a Chinese character) can be, or start, a character to fold or drop.
 * Dashes, quotes and ellipses, which Chinese text uses all the time, cannot.
 */
export function isFoldableCode(code: number): boolean {
  if (code < 0xad) return false;
  // Latin-1 letters to Latin Extended Additional (combining marks, IPA, small capitals, Hangul fillers, Mongolian selectors)
  if (code <= 0x1eff) return true;
  if (code < 0x200b) return false;
  // joiners and bidi controls, superscripts and subscripts, letterlike symbols, enclosed alphanumerics
  if (code <= 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2060 && code <= 0x209f)) return true;
  // combining marks for symbols (an enclosing circle or keycap around each letter)
  if (code >= 0x20d0 && code <= 0x20ff) return true;
  if ((code >= 0x2100 && code <= 0x214f) || (code >= 0x2460 && code <= 0x24ff)) return true;
  if ((code >= 0x2c60 && code <= 0x2c7f) || (code >= 0xa4d0 && code <= 0xa4ff) || (code >= 0xa720 && code <= 0xa7ff) || (code >= 0xab30 && code <= 0xab6f)) return true;
  // Hangul filler, variation selectors, combining half marks, byte-order mark, halfwidth filler, specials
  if (code === 0x3164 || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xfe20 && code <= 0xfe2f) || code === 0xfeff || code === 0xffa0 || (code >= 0xfff0 && code <= 0xfff8)) return true;
  // fullwidth Latin letters
  if ((code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a)) return true;
  // high surrogates of mathematical letters (U+1D400…), enclosed supplement (U+1F100…) and tags (U+E0000…)
  return code === 0xd835 || code === 0xd83c || code === 0xdb40;
}

/** Whether a text can hold a character to fold or drop (one pass over its codes; decode-ciphers.ts's cipherHints makes the same look). */
export function mayNeedFolding(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (isFoldableCode(text.charCodeAt(index))) return true;
  return false;
}

let letterFold: ReadonlyMap<number, string> | undefined;

/** assets/guard/latin-letter-fold.txt: code point → the ASCII letters it reads as. */
function readLetterFold(): ReadonlyMap<number, string> {
  const path = resolvePackagePath('assets', 'guard', 'latin-letter-fold.txt');
  try {
    const table = new Map<number, string>();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [code = '', letters = ''] = line.split('\t');
      table.set(Number.parseInt(code, 16), letters);
    }
    return table;
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's table of disguised Latin letters ${path}`, {
      cause: error,
      fix: 'Restore assets/guard/latin-letter-fold.txt from git or rebuild it: node --import tsx training/guard/build-latin-letter-fold.ts',
    });
  }
}

function foldCharacter(character: string): string {
  if (!FOLDABLE.test(character)) return character;
  const code = character.codePointAt(0) ?? 0;
  // Parenthesized small letters (⒜ … ⒵) and numbers (⑴ … ⒇), which the table leaves out: a word of them reads as its letters.
  if (code >= 0x249c && code <= 0x24b5) return String.fromCharCode(0x61 + code - 0x249c);
  if (code >= 0x2474 && code <= 0x2487) return String(code - 0x2473);
  letterFold ??= readLetterFold();
  return letterFold.get(code) ?? character;
}

let confusables: Readonly<Record<string, string>> | undefined;

/** Unicode's confusables: a character → the characters it looks like (unhomoglyph's data file). */
function readConfusables(): Readonly<Record<string, string>> {
  confusables ??= createRequire(import.meta.url)('unhomoglyph/data.json') as Record<string, string>;
  return confusables;
}

/** A letter of a script other than Latin and the CJK ones: Armenian, Cherokee, Lisu, Cyrillic, Greek… */
const OTHER_SCRIPT_LETTER = /(?![\p{Script=Latin}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])\p{L}/gu;

/**
 * In a text with more ASCII letters than letters of other scripts, or whose other letters nearly all (90 %) look
 * like Latin ones, each letter that looks like one or two ASCII letters is replaced by them; a text in Armenian,
 * Russian or Greek (fewer ASCII letters, many letters unlike Latin ones) is left alone.
 */
function mapLookAlikes(text: string): string {
  const others = text.match(OTHER_SCRIPT_LETTER);
  if (others === null) return text;
  let ascii = 0;
  for (let index = 0; index < text.length; index += 1) if (((text.charCodeAt(index) | 0x20) >= 97 && (text.charCodeAt(index) | 0x20) <= 122)) ascii += 1;
  const table = readConfusables();
  const latinOf = (letter: string): string | undefined => {
    const prototype = table[letter];
    return prototype !== undefined && /^[A-Za-z]{1,2}$/.test(prototype) ? prototype : undefined;
  };
  // Fewer ASCII letters than others (none at all when every letter is a look-alike: Lisu capitals): still a
  // disguise when most other letters are Latin look-alikes (Cherokee capitals for most of the alphabet, a few
  // missing from the table); real Russian, Greek or Armenian text has far fewer (about half at most).
  if (ascii < others.length && others.filter((letter) => latinOf(letter) !== undefined).length < others.length * LOOK_ALIKE_SHARE) return text;
  const mapped = text.replace(OTHER_SCRIPT_LETTER, (letter) => latinOf(letter) ?? letter);
  // The table folds capital I into its prototype "l" (Lisu "ꓲ" → "l"): in text written in capitals it is an I.
  return mostlyCapitals(mapped) ? mapped.replace(/l/g, 'I') : mapped;
}

/** Share of a mostly non-ASCII text's other letters that must be Latin look-alikes for it to be read as Latin. */
const LOOK_ALIKE_SHARE = 0.8;

/** At least 80 % of the ASCII letters are capitals (and there are a few). */
function mostlyCapitals(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) upper += 1;
    else if (code >= 97 && code <= 122) lower += 1;
  }
  return upper >= 4 && upper >= 4 * lower;
}

/**
 * The text with ignorable characters dropped and disguised Latin letters transliterated; null when that
 * changes nothing. Upside-down letters ("ɐ", "ǝ") are Latin-script IPA letters too, so a caller that also
 * reads upside-down text reads it from the text as written.
 */
export function foldLetters(text: string): string | null {
  if (!mayNeedFolding(text)) return null;
  const folded = text
    .replace(TAG_CHARACTERS, (tag) => String.fromCharCode((tag.codePointAt(0) ?? 0) - 0xe0000))
    .replace(IGNORABLE, '')
    .normalize('NFD')
    .replace(MARKS_ON_LATIN, '')
    .replace(NON_ASCII_RUN, (run) => {
      let out = '';
      for (const character of run) out += foldCharacter(character);
      return out;
    })
    .normalize('NFC');
  const mapped = mapLookAlikes(folded);
  return mapped === text || mapped === text.normalize('NFC') ? null : mapped;
}
