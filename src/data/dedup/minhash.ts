/**
 * MinHash signatures over shingles (word shingles for English, character shingles for Chinese: a
 * text is Chinese when most of its tokens are CJK characters) and the LSH banding that finds
 * candidate pairs for a Jaccard threshold (bands and rows chosen to minimise false positives plus
 * false negatives, as datasketch does).
 */
import { createSeededRandom } from '../../eval/engine/sample-items.js';
import type { TokenHashes } from './hash-tokens.js';

export interface ShingleSettings {
  /** Words per shingle for mostly non-CJK text (default 3). */
  word: number;
  /** Characters per shingle for mostly CJK text (default 3). */
  char: number;
}

export const DEFAULT_SHINGLES: ShingleSettings = { word: 3, char: 3 };

export interface MinHasher {
  readonly permutations: number;
  /** Writes the signature of `tokens` into `target` at `offset`. */
  sign(tokens: TokenHashes, target: Uint32Array, offset: number): void;
}

export function createMinHasher(permutations: number, shingles: ShingleSettings, seed = 1): MinHasher {
  const random = createSeededRandom(seed);
  const multipliers = new Int32Array(permutations);
  const offsets = new Int32Array(permutations);
  for (let index = 0; index < permutations; index += 1) {
    multipliers[index] = (Math.floor(random() * 0x100000000) | 1) | 0;
    offsets[index] = Math.floor(random() * 0x100000000) | 0;
  }
  const minimum = new Uint32Array(permutations);
  return {
    permutations,
    sign(tokens, target, offset) {
      const minima = minimum;
      const a = multipliers;
      const b = offsets;
      const h1 = tokens.h1;
      minima.fill(0xffffffff);
      const k = tokens.cjk * 2 > tokens.length ? shingles.char : shingles.word;
      const count = Math.max(1, tokens.length - k + 1);
      const width = Math.min(k, tokens.length);
      for (let start = 0; start < count; start += 1) {
        let shingle = 0x9747b28c;
        for (let index = 0; index < width; index += 1) shingle = Math.imul(shingle ^ (h1[start + index] as number), 0x9e3779b1) + index;
        shingle = Math.imul(shingle ^ (shingle >>> 15), 0x2c1b3c6d);
        for (let permutation = 0; permutation < permutations; permutation += 1) {
          let value = Math.imul(shingle ^ (b[permutation] as number), a[permutation] as number);
          value = (value ^ (value >>> 16)) >>> 0;
          if (value < (minima[permutation] as number)) minima[permutation] = value;
        }
      }
      target.set(minimum, offset);
    },
  };
}

/** Estimated Jaccard similarity: the share of equal signature positions. */
export function signatureSimilarity(signatures: Uint32Array, permutations: number, left: number, right: number): number {
  let equal = 0;
  const a = left * permutations;
  const b = right * permutations;
  for (let index = 0; index < permutations; index += 1) if (signatures[a + index] === signatures[b + index]) equal += 1;
  return equal / permutations;
}

function integrate(f: (x: number) => number, low: number, high: number): number {
  const steps = 200;
  const width = (high - low) / steps;
  let area = 0;
  for (let index = 0; index < steps; index += 1) area += f(low + (index + 0.5) * width) * width;
  return area;
}

/**
 * LSH bands × rows for a threshold: minimises the weighted false positive + false negative areas.
 * Recall is weighted up (0.1 / 0.9): every candidate pair is confirmed on its signatures anyway, so
 * an extra candidate costs one comparison while a missed pair is a duplicate left in the set.
 */
export function lshParameters(threshold: number, permutations: number, weights = { falsePositive: 0.1, falseNegative: 0.9 }): { bands: number; rows: number } {
  let best = { bands: 1, rows: permutations, error: Number.POSITIVE_INFINITY };
  for (let bands = 1; bands <= permutations; bands += 1) {
    const maxRows = Math.floor(permutations / bands);
    for (let rows = 1; rows <= maxRows; rows += 1) {
      const falsePositive = integrate((s) => 1 - (1 - s ** rows) ** bands, 0, threshold);
      const falseNegative = integrate((s) => 1 - (1 - (1 - s ** rows) ** bands), threshold, 1);
      const error = weights.falsePositive * falsePositive + weights.falseNegative * falseNegative;
      if (error < best.error) best = { bands, rows, error };
    }
  }
  return { bands: best.bands, rows: best.rows };
}
