/**
 * Encodings an attacker uses to hide a request from a text classifier, done in code: base64, rot13,
 * leetspeak, character splitting and homoglyphs (Latin letters swapped for Cyrillic/Greek look-alikes).
 * Training time only (the run-time decoder is src/guard/detect/decode-obfuscation.ts).
 */
import { rot13 } from '../../src/guard/detect/decode-obfuscation.js';

export type EncodingKind = 'base64' | 'rot13' | 'leetspeak' | 'character_splitting' | 'homoglyph';

/** Encodings that change Chinese text (rot13, leetspeak and Latin homoglyphs leave Han characters alone). */
export const ENCODINGS: Record<'en' | 'zh', EncodingKind[]> = {
  en: ['base64', 'rot13', 'leetspeak', 'character_splitting', 'homoglyph'],
  zh: ['base64', 'character_splitting'],
};

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', l: '1', g: '9' };
const LOOK_ALIKES: Record<string, string> = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', y: 'у', x: 'х', i: 'і' };

export function encodeRequest(text: string, kind: EncodingKind, random: () => number): string {
  switch (kind) {
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'rot13':
      return rot13(text);
    case 'leetspeak':
      return text.replace(/[aeiostlg]/gi, (letter) => (random() < 0.7 ? (LEET[letter.toLowerCase()] ?? letter) : letter));
    case 'character_splitting':
      // Latin words longer than three letters and every Chinese run are spelled out with a separator.
      return text
        .replace(/[A-Za-z]{4,}/g, (word) => (random() < 0.6 ? word.split('').join(random() < 0.5 ? ' ' : '.') : word))
        .replace(/\p{Script=Han}{2,}/gu, (run) => Array.from(run).join(' '));
    case 'homoglyph':
      return text.replace(/[aeopcyxi]/g, (letter) => (random() < 0.5 ? (LOOK_ALIKES[letter] ?? letter) : letter));
  }
}
