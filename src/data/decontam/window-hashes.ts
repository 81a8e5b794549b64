/**
 * Polynomial hashes of every token window of a given length (two independent 32-bit hashes → a
 * 64-bit key), from prefix sums so any window length costs one pass. The length is mixed into the
 * key, so windows of different lengths never collide by construction.
 */
import type { TokenHashes } from '../dedup/hash-tokens.js';

const BASE_1 = 0x01000193;
const BASE_2 = 0x5bd1e995;

export interface WindowHasher {
  /** Loads a token sequence (computes prefix hashes). */
  load(tokens: TokenHashes): void;
  /** Calls `visit(start, high, low)` for every window of `length` tokens. */
  windows(length: number, visit: (start: number, high: number, low: number) => void): void;
}

export function createWindowHasher(): WindowHasher {
  let prefix1 = new Uint32Array(1025);
  let prefix2 = new Uint32Array(1025);
  let count = 0;
  const powers = new Map<number, [number, number]>();
  const powerOf = (length: number): [number, number] => {
    let power = powers.get(length);
    if (!power) {
      let p1 = 1;
      let p2 = 1;
      for (let index = 0; index < length; index += 1) {
        p1 = Math.imul(p1, BASE_1);
        p2 = Math.imul(p2, BASE_2);
      }
      power = [p1, p2];
      powers.set(length, power);
    }
    return power;
  };
  return {
    load(tokens) {
      if (prefix1.length < tokens.length + 1) {
        prefix1 = new Uint32Array(tokens.length * 2 + 1);
        prefix2 = new Uint32Array(tokens.length * 2 + 1);
      }
      count = tokens.length;
      let a = 0;
      let b = 0;
      for (let index = 0; index < count; index += 1) {
        a = (Math.imul(a, BASE_1) + (tokens.h1[index] ?? 0)) | 0;
        b = (Math.imul(b, BASE_2) + (tokens.h2[index] ?? 0)) | 0;
        prefix1[index + 1] = a;
        prefix2[index + 1] = b;
      }
    },
    windows(length, visit) {
      if (length > count) return;
      const [p1, p2] = powerOf(length);
      const salt = Math.imul(length, 0x9e3779b1);
      for (let start = 0; start + length <= count; start += 1) {
        const high = ((prefix1[start + length] ?? 0) - Math.imul(prefix1[start] ?? 0, p1)) ^ salt;
        const low = (prefix2[start + length] ?? 0) - Math.imul(prefix2[start] ?? 0, p2);
        visit(start, high >>> 0, low >>> 0);
      }
    },
  };
}
