/**
 * Hashed n-gram features shared by training and run time. A text is split into segments at punctuation
 * (detect/split-segments.ts); each segment gives English word unigrams (stop words left out) and word
 * bigrams (unless both are stop words), Chinese character bigrams and trigrams, Chinese words (when a
 * segmenter is passed), and the intent cues that fire in it (intent-cues.ts). A span of segments has the
 * union of its segments' features plus the pairwise conjunctions of the cues that fire anywhere in it
 * (`#lethal&#evasion`). Every distinct feature of a span gets the value 1/sqrt(count + 3), so long texts
 * do not accumulate evidence by length and one-word texts do not weigh like sentences. FNV-1a hashing.
 */
import { isHanCharacter } from '../detect/detect-language.js';
import { splitSegments } from '../detect/split-segments.js';
import { intentCueNames } from './intent-cues.js';
import { normalizeText } from './normalize-text.js';

/** What the class heads read of a span: its distinct feature hashes and the value each takes. */
export interface SpanHashes {
  hashes: ArrayLike<number>;
  value: number;
}

export interface TextFeatures {
  /** 32-bit FNV-1a hashes of the feature names (one per distinct feature). */
  hashes: Uint32Array;
  /** Human-readable names, same order as `hashes` (used for explanations). */
  names: string[];
  /** The value every feature takes (1/sqrt(number of features)). */
  value: number;
}

/** Splits Chinese text into words (e.g. jieba); optional, the model says whether it was trained with one. */
export type ChineseWordSegmenter = (text: string) => string[];

/** The features of one segment, before the span-level cue conjunctions. */
export interface SegmentFeatures {
  names: string[];
  hashes: number[];
  /** Intent cues that fire in the segment. */
  cues: string[];
  han: number;
  latin: number;
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

/**
 * Feature values are 1/sqrt(count + FEATURE_SMOOTHING): a one-word text ("Hello", "Osteoclasts") carries
 * little evidence, so its single feature must not weigh as much as a whole sentence's features together.
 */
export const FEATURE_SMOOTHING = 3;

/** The value every feature of a text (or span) with `count` distinct features takes. */
export function featureValue(count: number): number {
  return count > 0 ? 1 / Math.sqrt(count + FEATURE_SMOOTHING) : 0;
}

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

/** Word and character n-gram names of one normalised segment (deduplicated, first-seen order). */
function ngramNames(normalized: string, segmenter: ChineseWordSegmenter | undefined): Set<string> {
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
    if (segmenter && characters.length > 1) for (const word of segmenter(run)) if (Array.from(word).length > 1) seen.add(`w:${word}`);
  }
  return seen;
}

export function segmentFeatures(segment: string, segmenter?: ChineseWordSegmenter, candidateCues?: readonly string[]): SegmentFeatures {
  const normalized = normalizeText(segment);
  const names = Array.from(ngramNames(normalized, segmenter));
  const cues = candidateCues !== undefined && candidateCues.length === 0 ? [] : intentCueNames(normalized, candidateCues);
  names.push(...cues);
  let han = 0;
  let latin = 0;
  for (const character of segment) {
    const code = character.charCodeAt(0);
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) latin += 1;
    else if (code >= 0x2e80 && isHanCharacter(character)) han += 1;
  }
  return { names, hashes: names.map(hashFeature), cues, han, latin };
}

/** The conjunction feature of two cues, in a fixed order. */
export function cueConjunction(left: string, right: string): string {
  return left < right ? `${left}&${right}` : `${right}&${left}`;
}

/** Features of a span of segments: the union of their features plus the conjunctions of their cues. */
export function spanFeatures(segments: SegmentFeatures[]): TextFeatures {
  // Keyed by hash, exactly as the run-time span scorer counts features (create-risk-assessor.ts).
  const seen = new Map<number, string>();
  const add = (name: string, hash: number): void => {
    if (!seen.has(hash)) seen.set(hash, name);
  };
  const cues: string[] = [];
  for (const segment of segments) {
    for (let index = 0; index < segment.names.length; index += 1) add(segment.names[index] as string, segment.hashes[index] as number);
    for (const cue of segment.cues) {
      if (cues.includes(cue)) continue;
      for (const other of cues) {
        const name = cueConjunction(other, cue);
        add(name, hashFeature(name));
      }
      cues.push(cue);
    }
  }
  const names = Array.from(seen.values());
  return { hashes: Uint32Array.from(seen.keys()), names, value: featureValue(names.length) };
}

/** The features of every segment of a text (the cues are tested on the whole text first, then per segment). */
export function textSegmentFeatures(text: string, segmenter?: ChineseWordSegmenter): SegmentFeatures[] {
  const segments = splitSegments(text);
  const candidateCues = segments.length > 1 ? intentCueNames(normalizeText(text)) : undefined;
  return segments.map((segment) => segmentFeatures(segment, segmenter, candidateCues));
}

/** The features of a whole text (the span of all its segments). */
export function extractFeatures(text: string, segmenter?: ChineseWordSegmenter): TextFeatures {
  return spanFeatures(textSegmentFeatures(text, segmenter));
}
