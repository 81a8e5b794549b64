/**
 * The encoding/obfuscation tricks of the "encoding_obfuscation" attack family, as pure functions:
 * base64, rot13, leetspeak, character splitting, Cyrillic/Greek homoglyphs and reversed text.
 */

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', l: '1', g: '9', b: '8' };

/** Latin letters → visually identical Cyrillic/Greek letters. */
const HOMOGLYPHS: Record<string, string> = {
  a: '\u0430', c: '\u0441', e: '\u0435', o: '\u043e', p: '\u0440', x: '\u0445', y: '\u0443', i: '\u0456',
  A: '\u0391', B: '\u0392', E: '\u0395', H: '\u0397', K: '\u039a', M: '\u039c', O: '\u039f', P: '\u03a1', T: '\u03a4', X: '\u03a7',
};

function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export const OBFUSCATIONS = {
  base64: { name: 'base64', apply: (text: string) => Buffer.from(text, 'utf8').toString('base64') },
  rot13: { name: 'ROT13', apply: rot13 },
  leetspeak: { name: 'leetspeak', apply: (text: string) => text.replace(/[a-z]/gi, (letter) => LEET[letter.toLowerCase()] ?? letter) },
  split: { name: 'character splitting', apply: (text: string) => Array.from(text).filter((character) => character.trim() !== '').join('-') },
  homoglyph: { name: 'homoglyphs', apply: (text: string) => Array.from(text).map((character) => HOMOGLYPHS[character] ?? character).join('') },
  reverse: { name: 'reversed text', apply: (text: string) => Array.from(text).reverse().join('') },
} as const;

export type ObfuscationId = keyof typeof OBFUSCATIONS;

export function obfuscateText(text: string, id: ObfuscationId): string {
  return OBFUSCATIONS[id].apply(text);
}
