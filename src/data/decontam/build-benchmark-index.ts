/**
 * Indexes benchmark files for decontamination: every file any eval loader reads (a folder is walked
 * for .jsonl/.json/.csv/.xlsx files), each item's text (question and options, or prompt) cut into
 * n-grams of tokens (English words; Chinese characters). Items shorter than n tokens (but at least
 * `minShort`) are indexed whole, and so is a question shorter than n tokens on its own. Files no loader reads are listed as skipped, with the reason.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { describeError } from '../../core/errors.js';
import { loadBenchmark } from '../../eval/loaders/load-benchmark.js';
import { parseBenchSpec } from '../../eval/parse-eval-arguments.js';
import { createTokenHasher } from '../dedup/hash-tokens.js';
import { createNgramTable, type NgramTable } from './ngram-table.js';
import { createWindowHasher } from './window-hashes.js';

export interface BenchmarkItemRef {
  benchmark: string;
  file: string;
  item_id: string;
  /** The start of the item's text, for the report. */
  excerpt: string;
}

export interface BenchmarkIndex {
  n: number;
  table: NgramTable;
  items: BenchmarkItemRef[];
  /**
   * Items shorter than n tokens (at least `minShort`): their first `minShort` tokens → item, and the
   * item's length and whole-sequence key, so a match is confirmed on the whole item.
   */
  shortTable: NgramTable;
  minShort: number;
  shortLength: Int32Array;
  shortHigh: Uint32Array;
  shortLow: Uint32Array;
  /** The benchmark item of each short entry. */
  shortItem: Int32Array;
  files: Array<{ file: string; benchmark: string; format: string; items: number }>;
  skipped: Array<{ file: string; reason: string }>;
  /** Items with fewer than `minShort` tokens (not indexed). */
  tooShort: number;
}

const EXTENSIONS = new Set(['.jsonl', '.json', '.csv', '.xlsx']);

function walk(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const child = join(path, name);
      return statSync(child).isDirectory() ? walk(child) : EXTENSIONS.has(extname(name).toLowerCase()) ? [child] : [];
    });
}

export async function buildBenchmarkIndex(specs: string[], options: { n?: number; minShort?: number } = {}): Promise<BenchmarkIndex> {
  const n = options.n ?? 13;
  const minShort = options.minShort ?? 8;
  const hashTokens = createTokenHasher();
  const windows = createWindowHasher();
  const items: BenchmarkItemRef[] = [];
  const files: BenchmarkIndex['files'] = [];
  const skipped: BenchmarkIndex['skipped'] = [];
  let tooShort = 0;
  const table = createNgramTable(1 << 20);
  const shortTable = createNgramTable(1024);
  const short: Array<{ item: number; length: number; high: number; low: number }> = [];
  for (const text of specs) {
    const spec = parseBenchSpec(text);
    const root = spec.path;
    for (const file of walk(root)) {
      const name = file === root ? spec.name : `${spec.name}/${relative(root, file).replace(/\.[^.]+$/u, '')}`;
      let benchmark;
      try {
        benchmark = await loadBenchmark({ name, path: file, ...(spec.format && file === root ? { format: spec.format } : {}) });
      } catch (error) {
        skipped.push({ file, reason: describeError(error) });
        continue;
      }
      files.push({ file, benchmark: name, format: benchmark.format, items: benchmark.items.length });
      for (const item of benchmark.items) {
        const itemText = item.kind === 'multiple-choice' ? `${item.question}\n${item.options.map((option) => option.text).join('\n')}` : item.prompt;
        const tokens = hashTokens(itemText);
        if (tokens.length < minShort) {
          tooShort += 1;
          continue;
        }
        const index = items.length;
        items.push({ benchmark: name, file: basename(file), item_id: item.id, excerpt: (item.kind === 'multiple-choice' ? item.question : item.prompt).slice(0, 120) });
        const addShort = () => {
          windows.window(0, windows.count);
          short.push({ item: index, length: windows.count, high: windows.high, low: windows.low });
          windows.window(0, minShort);
          shortTable.add(windows.high, windows.low, short.length - 1);
        };
        windows.load(tokens);
        if (tokens.length < n) {
          addShort();
          continue;
        }
        for (let start = 0; start + n <= tokens.length; start += 1) {
          windows.window(start, n);
          table.add(windows.high, windows.low, index);
        }
        // A question shorter than n tokens is also matched whole, so a copy of the question alone is found.
        if (item.kind === 'multiple-choice') {
          const question = hashTokens(item.question);
          if (question.length >= minShort && question.length < n) {
            windows.load(question);
            addShort();
          }
        }
      }
    }
  }
  return {
    n,
    table,
    items,
    shortTable,
    minShort,
    shortLength: Int32Array.from(short.map((entry) => entry.length)),
    shortHigh: Uint32Array.from(short.map((entry) => entry.high)),
    shortLow: Uint32Array.from(short.map((entry) => entry.low)),
    shortItem: Int32Array.from(short.map((entry) => entry.item)),
    files,
    skipped,
    tooShort,
  };
}
