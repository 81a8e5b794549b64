/**
 * Latin letters in disguise, read back as plain letters: accents and combining marks typed on every letter
 * ("hów dó í" or "h\u0301ow"), letters with strokes or without dots ("ı", "ł", "ø"), small capitals ("ᴘᴏɪsᴏɴ"),
 * negative squared or circled letters and regional indicators ("🅿🅾🅸🆂🅾🅽"), and the characters Unicode says to
 * ignore when displaying (Hangul fillers, variation selectors, tag characters, bidi controls). A reader sees
 * the same words; the classifier read unknown tokens. The transliteration of each such character is
 * any-ascii's (ISC); only letters of the Latin script (their combining marks dropped) and letter-like symbols are
 * transliterated — Chinese, Cyrillic and Greek are left as written (Cyrillic and Greek look-alikes inside
 * Latin words are decode-obfuscation.ts's homoglyphs).
 */
import anyAscii from 'any-ascii';

/** Characters a display ignores (Unicode's Default_Ignorable_Code_Point: soft hyphen, joiners, fillers, selectors, tags, bidi controls). */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * A character to transliterate: a non-ASCII letter of the Latin script or a letter-like
 * symbol (letterlike symbols, enclosed alphanumerics, mathematical letters, enclosed alphanumeric supplement
 * with the regional indicators).
 */
const FOLDABLE = /[\p{Script=Latin}\u2100-\u214F\u2460-\u24FF\u{1D400}-\u{1D7FF}\u{1F100}-\u{1F1FF}]/u;
/** Combining marks on a Latin letter (after NFD: "ó" is "o" + U+0301); marks on Cyrillic, Greek or other letters stay. */
const MARKS_ON_LATIN = /(?<=[A-Za-z\p{Script=Latin}])\p{M}+/gu;
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
  if ((code >= 0x2100 && code <= 0x214f) || (code >= 0x2460 && code <= 0x24ff)) return true;
  if ((code >= 0x2c60 && code <= 0x2c7f) || (code >= 0xa720 && code <= 0xa7ff) || (code >= 0xab30 && code <= 0xab6f)) return true;
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

function foldCharacter(character: string): string {
  return FOLDABLE.test(character) ? anyAscii(character) : character;
}

/**
 * The text with ignorable characters dropped and disguised Latin letters transliterated; null when that
 * changes nothing. Upside-down letters ("ɐ", "ǝ") are Latin-script IPA letters too, so a caller that also
 * reads upside-down text reads it from the text as written.
 */
export function foldLetters(text: string): string | null {
  if (!mayNeedFolding(text)) return null;
  const folded = text
    .replace(IGNORABLE, '')
    .normalize('NFD')
    .replace(MARKS_ON_LATIN, '')
    .replace(NON_ASCII_RUN, (run) => {
      let out = '';
      for (const character of run) out += foldCharacter(character);
      return out;
    })
    .normalize('NFC');
  return folded === text || folded === text.normalize('NFC') ? null : folded;
}
