/**
 * Near-duplicate removal at the card's scale (300,000 items), streaming in two passes:
 * 1. read the JSONL line by line; per item keep only an exact-duplicate hash (normalised text), a
 *    MinHash signature, its id and its score (typed arrays: memory is bounded by n × permutations);
 * 2. exact duplicates are joined by hash; near duplicates by LSH banding (sorted band keys), each
 *    candidate pair confirmed by its estimated Jaccard ≥ threshold; clusters by union-find;
 * 3. read the file again and write each item to kept or removed: the best-scored item of each
 *    cluster is kept (ties: the first in the file), the others name the item they duplicate.
 */
import { createHash } from 'node:crypto';
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import { countLines, streamJsonl, streamJsonlLines } from '../engine/read-jsonl.js';
import { recordId, recordScore, requireRecordText } from '../engine/record-text.js';
import { createJsonlWriter } from '../engine/write-jsonl.js';
import { createTokenHasher, fmix32 } from './hash-tokens.js';
import { createMinHasher, DEFAULT_SHINGLES, lshParameters, signatureSimilarity, type ShingleSettings } from './minhash.js';
import { createUnionFind } from './union-find.js';

export interface DedupOptions {
  input: string;
  out: string;
  removed?: string;
  /** Jaccard similarity at or above which two items are near duplicates (default 0.8). */
  threshold?: number;
  permutations?: number;
  shingles?: ShingleSettings;
  /** Candidate comparisons per LSH bucket are capped (a bucket of n identical keys is compared against its first items). */
  bucketCap?: number;
  progress?: ProgressReporter;
}

export interface DedupResult {
  items: number;
  kept: number;
  removedExact: number;
  removedNear: number;
  clusters: number;
  bands: number;
  rows: number;
  candidatePairs: number;
}

function growUint32(array: Uint32Array<ArrayBuffer>, needed: number): Uint32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Uint32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

function growFloat64(array: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Float64Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

export async function dedupItems(options: DedupOptions): Promise<DedupResult> {
  const threshold = options.threshold ?? 0.8;
  const permutations = options.permutations ?? 128;
  const { bands, rows } = lshParameters(threshold, permutations);
  const hashTokens = createTokenHasher();
  const hasher = createMinHasher(permutations, options.shingles ?? DEFAULT_SHINGLES);
  const cap = options.bucketCap ?? 64;

  // Pass 1: signatures, exact hashes, ids, scores.
  let signatures = new Uint32Array(1024 * permutations);
  let scores = new Float64Array(1024);
  const ids: string[] = [];
  const exact = new Map<string, number>();
  const exactOf: number[] = []; // index of the first item with the same normalised text, or -1
  let count = 0;
  const lines = options.progress ? await countLines(options.input) : 0;
  options.progress?.start('dedup: signatures', lines, 0);
  for await (const { line, record } of streamJsonl(options.input)) {
    const text = requireRecordText(record, options.input, line);
    const tokens = hashTokens(text);
    signatures = growUint32(signatures, (count + 1) * permutations);
    scores = growFloat64(scores, count + 1);
    hasher.sign(tokens, signatures, count * permutations);
    const score = recordScore(record);
    scores[count] = score ?? Number.NEGATIVE_INFINITY;
    ids.push(recordId(record, line));
    const digest = createHash('sha1');
    digest.update(Buffer.from(tokens.h1.buffer, 0, tokens.length * 4));
    digest.update(Buffer.from(tokens.h2.buffer, 0, tokens.length * 4));
    const key = digest.digest('base64');
    const first = exact.get(key);
    if (first === undefined) {
      exact.set(key, count);
      exactOf.push(-1);
    } else exactOf.push(first);
    count += 1;
    options.progress?.tick('dedup: signatures');
  }
  options.progress?.finish('dedup: signatures');
  exact.clear();

  // Exact duplicates first; only the first of each exact group goes through LSH.
  const sets = createUnionFind(count);
  const representatives: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const first = exactOf[index] ?? -1;
    if (first >= 0) sets.union(first, index);
    else representatives.push(index);
  }
  const indexBits = Math.max(1, Math.ceil(Math.log2(count + 1)));
  const keyBits = Math.min(32, 53 - indexBits);
  const keyScale = 2 ** indexBits;
  const keyMask = keyBits >= 32 ? 0xffffffff : 2 ** keyBits - 1;
  const packed = new Float64Array(representatives.length);
  let candidatePairs = 0;
  for (let band = 0; band < bands; band += 1) {
    for (let position = 0; position < representatives.length; position += 1) {
      const item = representatives[position] ?? 0;
      let key = band * 0x9e3779b1;
      const start = item * permutations + band * rows;
      for (let row = 0; row < rows; row += 1) key = Math.imul(key ^ (signatures[start + row] ?? 0), 0x01000193);
      key = fmix32(key);
      packed[position] = (keyBits >= 32 ? key : key & keyMask) * keyScale + item;
    }
    packed.sort();
    let runStart = 0;
    for (let position = 1; position <= packed.length; position += 1) {
      const sameKey = position < packed.length && Math.floor((packed[position] ?? 0) / keyScale) === Math.floor((packed[runStart] ?? 0) / keyScale);
      if (sameKey) continue;
      const runLength = position - runStart;
      if (runLength > 1) {
        const anchors = Math.min(runLength, cap);
        for (let left = runStart; left < runStart + anchors; left += 1) {
          const a = (packed[left] ?? 0) % keyScale;
          for (let right = left + 1; right < position && right < left + 1 + cap; right += 1) {
            const b = (packed[right] ?? 0) % keyScale;
            if (sets.find(a) === sets.find(b)) continue;
            candidatePairs += 1;
            if (signatureSimilarity(signatures, permutations, a, b) >= threshold) {
              sets.union(a, b);
            }
          }
        }
      }
      runStart = position;
    }
  }

  // The keeper of each cluster: best score, then first in the file.
  const keeper = new Int32Array(count).fill(-1);
  const size = new Int32Array(count);
  for (let index = 0; index < count; index += 1) {
    const root = sets.find(index);
    size[root] = (size[root] ?? 0) + 1;
    const current = keeper[root] ?? -1;
    if (current === -1 || (scores[index] ?? 0) > (scores[current] ?? 0)) keeper[root] = index;
  }
  let clusters = 0;
  for (let index = 0; index < count; index += 1) if ((size[index] ?? 0) > 1) clusters += 1;

  // Pass 2: write kept and removed items.
  const kept = createJsonlWriter(options.out);
  const removed = options.removed ? createJsonlWriter(options.removed) : undefined;
  let removedExact = 0;
  let removedNear = 0;
  let index = 0;
  options.progress?.start('dedup: write', count, 0);
  for await (const { text, parse } of streamJsonlLines(options.input)) {
    options.progress?.tick('dedup: write');
    const root = sets.find(index);
    const best = keeper[root] ?? index;
    if (best === index) kept.writeLine(text);
    else {
      const groupOf = (item: number) => ((exactOf[item] ?? -1) >= 0 ? (exactOf[item] ?? item) : item);
      const isExact = groupOf(index) === groupOf(best);
      if (isExact) removedExact += 1;
      else removedNear += 1;
      removed?.write({ ...parse(), dedup: { duplicate_of: ids[best], reason: isExact ? 'exact' : 'near', similarity: Number(signatureSimilarity(signatures, permutations, index, best).toFixed(3)) } });
    }
    index += 1;
  }
  options.progress?.finish('dedup: write');
  options.progress?.stop();
  kept.commit();
  removed?.commit();
  return { items: count, kept: count - removedExact - removedNear, removedExact, removedNear, clusters, bands, rows, candidatePairs };
}
