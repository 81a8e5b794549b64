/**
 * English typed without spaces ("howdoipoisonmyhusbandwithoutherknowing") read back as words. The
 * classifier reads words and word pairs, so a run-on request was one unknown token: allowed. Each long
 * run of letters is split into the likeliest words by dynamic programming over a word list ranked by
 * frequency (a word's cost is log(rank · log N), the usual Zipf estimate), and the text with its runs split
 * is one more decoded reading: the classifier keeps the higher score, so a wrong split of an ordinary long
 * token costs nothing but the time to score it. The list, assets/guard/english-words.txt, is built from
 * permitted training text by training/guard/build-english-words.ts and read on the first long run.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';

/**
 * Runs of 16 letters or more: an ordinary long word that is not in the list ("retroactively", 13) is left
 * alone — split into pieces ("re tro actively") it read as an obfuscated text, which the wrapping-invariant
 * test caught; a request typed without spaces is longer ("iwanttokillmyself" is 17). A run that is one listed word
 * stays whole ("electroencephalography").
 */
const RUN = /[a-z]{16,}/gi;
const HAS_RUN = /[a-z]{16,}/i;
/** The most letters split per text (the rest is left as written), so a long run-on text costs a few ms at most. */
const MAX_LETTERS = 2_000;
/** A reading needs at least this many words, at most this share of letters no word covers. */
const MIN_WORDS = 3;
const MAX_UNKNOWN_SHARE = 0.2;
/**
 * The split's cost per letter above which the run is not English words (chosen on dev): dev English records
 * with all spaces and punctuation removed cost 1.84 per letter at the median, 2.77 at the 99th percentile (4.08
 * at most); base64 runs of the same texts cost 8.8 at the median and 4.3 at least.
 */
const MAX_COST_PER_LETTER = 3.5;


interface WordCosts {
  costs: ReadonlyMap<string, number>;
  /** Every proper prefix of a listed word: the split stops extending a piece once it is none. */
  prefixes: ReadonlySet<string>;
  longest: number;
  unknownLetter: number;
}

let wordCosts: WordCosts | undefined;

function readWordCosts(): WordCosts {
  const path = resolvePackagePath('assets', 'guard', 'english-words.txt');
  let words: string[];
  try {
    words = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's English word list ${path}`, {
      cause: error,
      fix: 'Restore assets/guard/english-words.txt from git or rebuild it: node --import tsx training/guard/build-english-words.ts',
    });
  }
  const scale = Math.log(Math.max(words.length, 2));
  const costs = new Map<string, number>();
  const prefixes = new Set<string>();
  let longest = 1;
  for (const [rank, word] of words.entries()) {
    costs.set(word, Math.log((rank + 1) * scale));
    for (let length = 1; length < word.length; length += 1) prefixes.add(word.slice(0, length));
    longest = Math.max(longest, word.length);
  }
  // A letter no word covers costs more than the rarest word, so any split into known words wins.
  return { costs, prefixes, longest, unknownLetter: Math.log((words.length + 1) * scale) + 3 };
}

/** Reads the word list now (a server at start-up: the first run-on request does not wait ~35 ms for it). */
export function prepareRunOnWords(): void {
  wordCosts ??= readWordCosts();
}

/** The listed English words, most frequent first (read on first use). */
export function listedEnglishWords(): string[] {
  wordCosts ??= readWordCosts();
  return [...wordCosts.costs.keys()];
}

/** The likeliest words of a lower-case run, and how many of its letters no word covers. */
export function splitRun(run: string): { words: string[]; unknown: number; costPerLetter: number } {
  wordCosts ??= readWordCosts();
  const { costs, prefixes, longest, unknownLetter } = wordCosts;
  const best = new Float64Array(run.length + 1).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(run.length + 1);
  best[0] = 0;
  // Forward over the start of each piece: a letter no word covers, then each listed word starting here,
  // extended only while it is still the prefix of some word (a few lookups per letter, not one per length).
  for (let start = 0; start < run.length; start += 1) {
    const here = best[start] as number;
    if (here + unknownLetter < (best[start + 1] as number)) {
      best[start + 1] = here + unknownLetter;
      from[start + 1] = -start - 1;
    }
    const last = Math.min(run.length, start + longest);
    for (let end = start + 1; end <= last; end += 1) {
      const piece = run.slice(start, end);
      const cost = costs.get(piece);
      if (cost !== undefined && here + cost < (best[end] as number)) {
        best[end] = here + cost;
        from[end] = start;
      }
      if (!prefixes.has(piece)) break;
    }
  }
  const words: string[] = [];
  let unknown = 0;
  let pending = '';
  for (let end = run.length; end > 0; ) {
    const link = from[end] as number;
    if (link < 0) {
      pending = run.charAt(end - 1) + pending;
      unknown += 1;
      end -= 1;
      continue;
    }
    if (pending !== '') words.unshift(pending);
    pending = '';
    words.unshift(run.slice(link, end));
    end = link;
  }
  if (pending !== '') words.unshift(pending);
  return { words, unknown, costPerLetter: run.length === 0 ? 0 : (best[run.length] as number) / run.length };
}

/** The text with each long run of letters that reads as several English words split into them, or null. */
export function splitRunOnWords(text: string): string | null {
  if (!HAS_RUN.test(text)) return null;
  let letters = 0;
  const result = text.replace(RUN, (run) => {
    if (letters >= MAX_LETTERS) return run;
    const lower = run.toLowerCase();
    wordCosts ??= readWordCosts();
    // the common case: a long word of the list ("hypertension", "acetaminophen")
    if (wordCosts.costs.has(lower)) return run;
    letters += run.length;
    const { words, unknown, costPerLetter } = splitRun(lower);
    if (words.length < MIN_WORDS || unknown > run.length * MAX_UNKNOWN_SHARE || costPerLetter > MAX_COST_PER_LETTER) return run;
    return ` ${words.join(' ')} `;
  });
  // a split run gains spaces, so any split shows as a change
  return result === text ? null : result;
}
