/**
 * The emergency matcher's words read back from their typos: a word of four letters or more that is not an English
 * word (assets/guard/english-words.txt) and is one edit away (a letter dropped, added, changed or two swapped) from
 * one of the matcher's words (src/spec/data/emergency-typo-words.txt) is read as that word: "swalowed" → "swallowed",
 * "sleping pils" → "sleeping pills". Only the emergency matcher reads it (check-input.ts): people in a crisis type
 * fast, and its phrases are spelt right (probing round 6: "i swalowed like 30 of my sleping pils and feel realy wierd"
 * got the crisis text from the emergency head instead of the overdose guidance). Correcting toward every listed
 * English word was tried: a word the list lacks ("drowned") became another ("downed") and made a lifeguard's
 * question an emergency.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';
import { listedEnglishWords } from './split-run-on-words.js';

interface Vocabulary {
  english: ReadonlySet<string>;
  /** The matcher's words, in the file's order (the first wins a tie). */
  targets: ReadonlyMap<string, number>;
}

let vocabulary: Vocabulary | undefined;

function readVocabulary(): Vocabulary {
  const path = resolvePackagePath('src', 'spec', 'data', 'emergency-typo-words.txt');
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split('\n');
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's emergency word list ${path}`, { cause: error, fix: 'Restore src/spec/data/emergency-typo-words.txt from git.' });
  }
  const words = lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return { english: new Set(listedEnglishWords()), targets: new Map(words.map((word, rank) => [word, rank])) };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The first listed word one edit away from `word`, or undefined. */
function nearestWord(word: string, known: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  const consider = (candidate: string): void => {
    const rank = known.get(candidate);
    if (rank !== undefined && rank < bestRank) {
      best = candidate;
      bestRank = rank;
    }
  };
  for (let index = 0; index <= word.length; index += 1) {
    const head = word.slice(0, index);
    const tail = word.slice(index);
    if (tail.length > 0) consider(head + tail.slice(1));
    if (tail.length > 1) consider(head + tail.charAt(1) + tail.charAt(0) + tail.slice(2));
    for (const letter of LETTERS) {
      consider(head + letter + tail);
      if (tail.length > 0) consider(head + letter + tail.slice(1));
    }
  }
  return best;
}

/** The text with the matcher's words read back from their typos; null when none was found. */
export function readTypos(text: string): string | null {
  if (!/[a-z]{4}/i.test(text)) return null;
  vocabulary ??= readVocabulary();
  const { english, targets } = vocabulary;
  const read = text.replace(/[A-Za-z]{4,20}/g, (written) => {
    const word = written.toLowerCase();
    if (english.has(word) || targets.has(word)) return written;
    return nearestWord(word, targets) ?? written;
  });
  // a replaced word is never the word it replaces, so an unchanged text had no typo the list could read
  return read === text ? null : read;
}
