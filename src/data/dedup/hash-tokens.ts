/**
 * Tokenises text for dedup and decontamination without building strings: a Chinese (CJK) character
 * is one token, a run of other letters and digits is one word token; everything else separates.
 * Text is normalised on the fly (full-width ASCII folded, lower case), so "Ｆever," and "fever"
 * are the same token. Each token gets two independent 32-bit hashes (64 bits together).
 */

export interface TokenHashes {
  /** First hash of each token (valid up to `length`). */
  h1: Uint32Array;
  /** Second, independent hash of each token. */
  h2: Uint32Array;
  length: number;
  /** How many of the tokens are CJK characters. */
  cjk: number;
}

function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0x3040 && code <= 0x30ff) || (code >= 0xac00 && code <= 0xd7af);
}

const LETTER = /[\p{L}\p{N}]/u;

/** Normalised code of a character that belongs to a word, or -1 for a separator. */
function wordCode(code: number): number {
  if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0; // full-width ASCII → ASCII
  if (code < 128) {
    if (code >= 65 && code <= 90) return code | 0x20;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) return code;
    return -1;
  }
  if (code >= 0xd800 && code <= 0xdfff) return -1; // astral characters (emoji…) separate
  const character = String.fromCharCode(code);
  return LETTER.test(character) ? character.toLowerCase().charCodeAt(0) : -1;
}

export function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createTokenHasher(): (text: string) => TokenHashes {
  let h1 = new Uint32Array(1024);
  let h2 = new Uint32Array(1024);
  const result: TokenHashes = { h1, h2, length: 0, cjk: 0 };
  const push = (a: number, b: number) => {
    if (result.length === h1.length) {
      const n1 = new Uint32Array(h1.length * 2);
      n1.set(h1);
      const n2 = new Uint32Array(h2.length * 2);
      n2.set(h2);
      h1 = n1;
      h2 = n2;
      result.h1 = h1;
      result.h2 = h2;
    }
    h1[result.length] = fmix32(a);
    h2[result.length] = fmix32(b ^ 0x9e3779b9);
    result.length += 1;
  };
  return (text) => {
    result.length = 0;
    result.cjk = 0;
    let a = 0x811c9dc5;
    let b = 0x01000193;
    let inWord = false;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (isCjk(code)) {
        if (inWord) push(a, b);
        inWord = false;
        push(Math.imul(code ^ 0x2f, 0x01000193), Math.imul(code ^ 0x5bd1e995, 0x27d4eb2d));
        result.cjk += 1;
        continue;
      }
      const normal = wordCode(code);
      if (normal === -1) {
        if (inWord) push(a, b);
        inWord = false;
        continue;
      }
      if (!inWord) {
        a = 0x811c9dc5;
        b = 0x01000193;
        inWord = true;
      }
      a = Math.imul(a ^ normal, 0x01000193);
      b = Math.imul(b ^ normal, 0x5bd1e995) + 0x6b43a9b5;
    }
    if (inWord) push(a, b);
    return result;
  };
}

/** The token texts (same rules), for showing what matched. */
export function tokenTexts(text: string): string[] {
  const tokens: string[] = [];
  let word = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (isCjk(code)) {
      if (word !== '') tokens.push(word);
      word = '';
      tokens.push(text[index] ?? '');
      continue;
    }
    const normal = wordCode(code);
    if (normal === -1) {
      if (word !== '') tokens.push(word);
      word = '';
    } else word += String.fromCharCode(normal);
  }
  if (word !== '') tokens.push(word);
  return tokens;
}

/** Joins tokens for display: no spaces between CJK characters. */
export function joinTokens(tokens: string[]): string {
  let text = '';
  for (const token of tokens) {
    const cjk = token.length === 1 && isCjk(token.charCodeAt(0));
    const previousCjk = text.length > 0 && isCjk(text.charCodeAt(text.length - 1));
    text += text === '' || (cjk && previousCjk) ? token : ` ${token}`;
  }
  return text;
}
