/**
 * Polynomial hashes of token windows (two independent 32-bit hashes → a 64-bit key), from prefix
 * sums so any window costs O(1) after one pass over the tokens. The window length is mixed into the
 * key, so windows of different lengths never collide by construction.
 */
import type { TokenHashes } from '../dedup/hash-tokens.js';

const BASE_1 = 0x01000193;
const BASE_2 = 0x5bd1e995;

export interface WindowHasher {
  /** Loads a token sequence (computes prefix hashes). */
  load(tokens: TokenHashes): void;
  /** Tokens loaded. */
  readonly count: number;
  /** Computes the key of the window [start, start + length) into `high` / `low`. */
  window(start: number, length: number): void;
  high: number;
  low: number;
}

export function createWindowHasher(): WindowHasher {
  let prefix1 = new Int32Array(1025);
  let prefix2 = new Int32Array(1025);
  const powers1: number[] = [1];
  const powers2: number[] = [1];
  const power = (length: number) => {
    while (powers1.length <= length) {
      powers1.push(Math.imul(powers1[powers1.length - 1] as number, BASE_1));
      powers2.push(Math.imul(powers2[powers2.length - 1] as number, BASE_2));
    }
  };
  const hasher: WindowHasher = {
    count: 0,
    high: 0,
    low: 0,
    load(tokens) {
      if (prefix1.length < tokens.length + 1) {
        prefix1 = new Int32Array(tokens.length * 2 + 1);
        prefix2 = new Int32Array(tokens.length * 2 + 1);
      }
      const h1 = tokens.h1;
      const h2 = tokens.h2;
      let a = 0;
      let b = 0;
      for (let index = 0; index < tokens.length; index += 1) {
        a = (Math.imul(a, BASE_1) + (h1[index] as number)) | 0;
        b = (Math.imul(b, BASE_2) + (h2[index] as number)) | 0;
        prefix1[index + 1] = a;
        prefix2[index + 1] = b;
      }
      (hasher as { count: number }).count = tokens.length;
    },
    window(start, length) {
      power(length);
      hasher.high = (((prefix1[start + length] as number) - Math.imul(prefix1[start] as number, powers1[length] as number)) ^ Math.imul(length, 0x9e3779b1)) >>> 0;
      hasher.low = ((prefix2[start + length] as number) - Math.imul(prefix2[start] as number, powers2[length] as number)) >>> 0;
    },
  };
  return hasher;
}
