/**
 * Hashed n-gram features shared by training and run time: English word unigrams (stop words left out)
 * and word bigrams (unless both words are stop words), Chinese character bigrams and trigrams, and
 * intent cues (intent-cues.ts) with their conjunctions. Each
 * distinct feature gets the value 1/sqrt(count), so long texts do not accumulate evidence by length.
 */
import { intentCueFeatures } from './intent-cues.js';
import { isHanCharacter } from '../detect/detect-language.js';
import { normalizeText } from './normalize-text.js';

export interface TextFeatures {
  /** 32-bit FNV-1a hashes of the feature names (one per distinct feature). */
  hashes: Uint32Array;
  /** Human-readable names, same order as `hashes` (used for explanations). */
  names: string[];
  /** The value every feature takes (1/sqrt(number of features)). */
  value: number;
}

const STOP_WORDS = new Set(
  (
    'a an the and or but if then of to in on at by for with from as into about over under is are was were be been being am ' +
    'do does did done have has had having i me my mine we us our you your yours he him his she her hers it its they them their ' +
    'this that these those there here what which who whom whose when where why how can could would should will shall may might must ' +
    'without with within not no nor so than too very just also any some all each every other such own same more most less few only both either ' +
    'please tell give get let s t don doesn isn aren wasn weren won wouldn couldn shouldn can t ll re ve d m'
  ).split(' '),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** FNV-1a over the UTF-16 code units of a string, as an unsigned 32-bit integer. */
export function hashFeature(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Splits normalised text into word tokens and runs of Chinese characters. */
export function tokenize(normalized: string): { words: string[]; hanRuns: string[] } {
  const words: string[] = [];
  const hanRuns: string[] = [];
  for (const piece of normalized.split(' ')) {
    if (!piece) continue;
    let word = '';
    let han = '';
    for (const character of piece) {
      if (isHanCharacter(character)) {
        if (word) words.push(word);
        word = '';
        han += character;
      } else {
        if (han) hanRuns.push(han);
        han = '';
        word += character;
      }
    }
    if (word) words.push(word);
    if (han) hanRuns.push(han);
  }
  return { words, hanRuns };
}

/** Feature names of already normalised text (deduplicated, in first-seen order). */
export function featureNames(normalized: string): string[] {
  const { words, hanRuns } = tokenize(normalized);
  const seen = new Set<string>();
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    const stop = STOP_WORDS.has(word);
    if (!stop && word.length > 1) seen.add(word);
    const next = words[index + 1];
    if (next !== undefined && !(stop && STOP_WORDS.has(next))) seen.add(word + ' ' + next);
  }
  for (const run of hanRuns) {
    const characters = Array.from(run);
    if (characters.length === 1) seen.add(characters[0] as string);
    for (let index = 0; index + 1 < characters.length; index += 1) {
      seen.add((characters[index] as string) + (characters[index + 1] as string));
      const third = characters[index + 2];
      if (third !== undefined) seen.add((characters[index] as string) + (characters[index + 1] as string) + third);
    }
  }
  for (const cue of intentCueFeatures(normalized)) seen.add(cue);
  return Array.from(seen);
}

export function extractFeatures(text: string): TextFeatures {
  const names = featureNames(normalizeText(text));
  const hashes = new Uint32Array(names.length);
  for (let index = 0; index < names.length; index += 1) hashes[index] = hashFeature(names[index] as string);
  return { hashes, names, value: names.length > 0 ? 1 / Math.sqrt(names.length) : 0 };
}
