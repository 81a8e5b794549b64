/**
 * Writes assets/guard/english-words.txt: English words by frequency (most frequent first), for
 * src/guard/detect/split-run-on-words.ts, which reads English typed without spaces
 * ("howdoipoisonmyhusband") back as words. Counted in permitted training text only: the hand-written English records
 * of the guard corpus' train split, wrapped kinds excepted (the words of harmful and benign requests alike) and the MedQuAD
 * questions and answers and Alpaca instructions of ../shared/data/benign. A word is kept when it occurs at
 * least MIN_COUNT times; at most MAX_WORDS are kept.
 *
 * Run: node --import tsx training/guard/build-english-words.ts [--data-dir ../shared/data] [--out assets/guard/english-words.txt]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { userText } from './corpus-record.js';
import { readCorpus } from './read-corpus.js';

const MIN_COUNT = 3;
const MAX_WORDS = 30_000;

const { values } = parseArgs({ options: { out: { type: 'string' }, 'data-dir': { type: 'string' } } });
const out = values.out ?? fileURLToPath(new URL('../../assets/guard/english-words.txt', import.meta.url));
const dataDir = values['data-dir'] ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));

const counts = new Map<string, number>();
const count = (text: string) => {
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
};
let corpusTexts = 0;
// Hand-written records only, and not the wrapped kinds: generated and wrapped records hold encodings (base64,
// rot13, leetspeak) whose pieces would enter the list as words.
for (const record of readCorpus({ generated: false })) {
  if (record.split !== 'train' || record.language !== 'en' || record.kind === 'wrapped' || record.kind === 'wrapped_benign') continue;
  count(userText(record));
  corpusTexts += 1;
}
const medquad = readFileSync(join(dataDir, 'benign', 'medquad.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
for (const line of medquad) {
  const row = JSON.parse(line) as { question?: string; answer?: string | null };
  count(row.question ?? '');
  count(row.answer ?? '');
}
const alpaca = JSON.parse(readFileSync(join(dataDir, 'benign', 'alpaca_harmless_train.json'), 'utf8')) as Array<{ instruction?: string }>;
for (const row of alpaca) count(row.instruction ?? '');

// One-letter words are only "a" and "i"; other single letters are what a bad split leaves.
const words = [...counts]
  .filter(([word, seen]) => seen >= MIN_COUNT && (word.length > 1 || word === 'a' || word === 'i'))
  .sort((left, right) => right[1] - left[1] || (left[0] < right[0] ? -1 : 1))
  .slice(0, MAX_WORDS)
  .map(([word]) => word);
writeFileSync(
  out,
  `# English words, most frequent first (one per line), for src/guard/detect/split-run-on-words.ts.\n` +
    `# Written by training/guard/build-english-words.ts from the guard corpus' hand-written English train records, wrapped kinds excepted (${String(corpusTexts)}),\n` +
    `# MedQuAD questions and answers (${String(medquad.length)}) and Alpaca instructions (${String(alpaca.length)}); words seen ${String(MIN_COUNT)}+ times.\n` +
    `${words.join('\n')}\n`,
);
process.stdout.write(`${String(words.length)} words -> ${out}\n`);
