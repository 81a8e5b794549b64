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
import { listedEnglishWords } from './split-run-on-words.js';
import { readSpecDataLines } from './read-spec-data-lines.js';

interface Vocabulary {
  english: ReadonlySet<string>;
  /** The matcher's words, in the file's order (the first wins a tie). */
  targets: readonly string[];
  targetSet: ReadonlySet<string>;
}

let vocabulary: Vocabulary | undefined;

function readVocabulary(): Vocabulary {
  const lines = readSpecDataLines('emergency-typo-words.txt', 'emergency word list');
  const words = lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return { english: new Set(listedEnglishWords()), targets: words, targetSet: new Set(words) };
}

/** Whether `word` becomes `target` by one edit: a letter dropped, added or changed, or two neighbours swapped. */
function oneEditApart(word: string, target: string): boolean {
  const difference = word.length - target.length;
  if (difference > 1 || difference < -1) return false;
  let start = 0;
  while (start < word.length && start < target.length && word.charCodeAt(start) === target.charCodeAt(start)) start += 1;
  let wordEnd = word.length;
  let targetEnd = target.length;
  while (wordEnd > start && targetEnd > start && word.charCodeAt(wordEnd - 1) === target.charCodeAt(targetEnd - 1)) {
    wordEnd -= 1;
    targetEnd -= 1;
  }
  const wordRest = wordEnd - start;
  const targetRest = targetEnd - start;
  if (wordRest <= 1 && targetRest <= 1) return wordRest + targetRest > 0;
  // two neighbours swapped: "wierd" / "weird"
  return wordRest === 2 && targetRest === 2 && word.charAt(start) === target.charAt(start + 1) && word.charAt(start + 1) === target.charAt(start);
}

/** The first listed word one edit away from `word`, or undefined. */
function nearestWord(word: string, targets: readonly string[]): string | undefined {
  for (const target of targets) if (oneEditApart(word, target)) return target;
  return undefined;
}

/** The text with the matcher's words read back from their typos; null when none was found. */
export function readTypos(text: string): string | null {
  if (!/[a-z]{4}/i.test(text)) return null;
  vocabulary ??= readVocabulary();
  const { english, targets, targetSet } = vocabulary;
  const read = text.replace(/[A-Za-z]{4,20}/g, (written) => {
    const word = written.toLowerCase();
    if (english.has(word) || targetSet.has(word)) return written;
    return nearestWord(word, targets) ?? written;
  });
  // a replaced word is never the word it replaces, so an unchanged text had no typo the list could read
  return read === text ? null : read;
}
