/**
 * Writes assets/guard/latin-letter-fold.txt: for each non-ASCII letter of the Latin script and each
 * letter-like symbol (letterlike symbols, enclosed alphanumerics, mathematical letters, the enclosed
 * alphanumeric supplement with the regional indicators), the ASCII letters it reads as — any-ascii's
 * transliteration (ISC). src/guard/detect/fold-letters.ts reads the file on the first text that holds such a
 * character, so the guard does not load any-ascii's 550 kB table (~15 ms) at every start.
 *
 * Run: node --import tsx training/guard/build-latin-letter-fold.ts [--out assets/guard/latin-letter-fold.txt]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import anyAscii from 'any-ascii';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? fileURLToPath(new URL('../../assets/guard/latin-letter-fold.txt', import.meta.url));

/** The characters fold-letters.ts transliterates (keep in step with its FOLDABLE pattern). */
const FOLDABLE = /[\p{Script=Latin}\u2100-\u214F\u2460-\u24FF\u{1D400}-\u{1D7FF}\u{1F100}-\u{1F1FF}]/u;

const lines: string[] = [];
for (let code = 0x80; code <= 0x1ffff; code += 1) {
  if (code >= 0xd800 && code <= 0xdfff) continue;
  const character = String.fromCodePoint(code);
  if (!FOLDABLE.test(character)) continue;
  const ascii = anyAscii(character.normalize('NFD').replace(/\p{M}+/gu, '') || character);
  // Only readings that are letters (or nothing): a symbol's punctuation reading ("(C)") is no letter.
  if (ascii === character || !/^[A-Za-z]{0,3}$/.test(ascii)) continue;
  lines.push(`${code.toString(16)}\t${ascii}`);
}
writeFileSync(
  out,
  `# Latin letters in disguise and the ASCII letters they read as (hex code point, tab, letters).\n` +
    `# Written by training/guard/build-latin-letter-fold.ts from any-ascii 0.3.3 (ISC); read by src/guard/detect/fold-letters.ts.\n` +
    `${lines.join('\n')}\n`,
);
process.stdout.write(`${lines.length} characters -> ${out}\n`);
