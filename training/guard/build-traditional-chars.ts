/**
 * Writes assets/guard/traditional-chars.txt: the characters that tell a text is written in traditional
 * Chinese, so the guard reads it as simplified (src/guard/detect/simplify-chinese.ts) — the classifier and
 * the emergency phrases were written in simplified characters, and a traditional request scored like
 * gibberish (dev, fast path: 16 % of traditional harmful requests flagged against 69 % simplified).
 *
 * A character counts when OpenCC's Taiwan-traditional → simplified converter changes it and it is not
 * ordinary in simplified text: characters found in 3 or more Chinese records of data/guard/corpus (written
 * in simplified characters) are left out ("么", "著": 什么, 著名), because the converter is only run on a
 * text that has at least one of the characters listed.
 *
 * Run: node --import tsx training/guard/build-traditional-chars.ts [--out assets/guard/traditional-chars.txt]
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCorpus } from './read-corpus.js';

interface OpenccModule {
  Converter(options: { from: string; to: string }): (text: string) => string;
}

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? fileURLToPath(new URL('../../assets/guard/traditional-chars.txt', import.meta.url));
const opencc = createRequire(import.meta.url)('opencc-js/t2cn') as OpenccModule;
const toSimplified = opencc.Converter({ from: 'tw', to: 'cn' });

/** How many Chinese corpus records (text or user turns) contain each character. */
function simplifiedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of readCorpus()) {
    if (record.language !== 'zh') continue;
    const text = record.text ?? (record.messages ?? []).map((message) => message.content).join('\n');
    for (const character of new Set(text)) counts.set(character, (counts.get(character) ?? 0) + 1);
  }
  return counts;
}

const counts = simplifiedCounts();
let characters = '';
const leftOut: string[] = [];
for (let code = 0x3400; code <= 0x9fff; code += 1) {
  const character = String.fromCharCode(code);
  if (toSimplified(character) === character) continue;
  if ((counts.get(character) ?? 0) >= 3) leftOut.push(character);
  else characters += character;
}
const header = [
  '# Characters that mark a text as traditional Chinese: the guard reads such a text as simplified.',
  '# Written by training/guard/build-traditional-chars.ts from opencc-js (Taiwan traditional -> simplified),',
  `# leaving out characters found in 3 or more simplified corpus records: ${leftOut.join(' ')}`,
];
writeFileSync(out, `${header.join('\n')}\n${characters}\n`);
console.log(`${String(characters.length)} characters written to ${out}; left out: ${leftOut.join(' ')}`);
