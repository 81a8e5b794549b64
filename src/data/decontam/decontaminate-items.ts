/**
 * Decontamination: streams the items, looks up every n-gram of each item's whole text in the
 * benchmark index (and windows the length of short benchmark items), and removes the items that
 * share at least `minMatches` n-grams with some benchmark item. The report names, per removed item,
 * the benchmark items it matched, how many n-grams it shared with each, and the first shared text.
 */
import { writeFileSync } from 'node:fs';
import type { ProgressReporter } from '../../eval/engine/create-progress-reporter.js';
import { countLines, streamJsonlLines } from '../engine/read-jsonl.js';
import { recordId, requireRecordText } from '../engine/record-text.js';
import { createJsonlWriter } from '../engine/write-jsonl.js';
import { createTokenHasher, joinTokens, tokenTexts } from '../dedup/hash-tokens.js';
import type { BenchmarkIndex } from './build-benchmark-index.js';
import { createWindowHasher } from './window-hashes.js';

export interface ContaminationMatch {
  benchmark: string;
  file: string;
  item_id: string;
  excerpt: string;
  shared_ngrams: number;
  /** The first shared n-gram, as normalised tokens. */
  example: string;
}

export interface ContaminationEntry {
  id: string;
  line: number;
  matches: ContaminationMatch[];
}

export interface DecontamOptions {
  input: string;
  out: string;
  removed?: string;
  report?: string;
  index: BenchmarkIndex;
  /** Shared n-grams with one benchmark item that make an item contaminated (default 1). */
  minMatches?: number;
  progress?: ProgressReporter;
}

export interface DecontamResult {
  items: number;
  kept: number;
  removed: number;
  byBenchmark: Record<string, number>;
  entries: ContaminationEntry[];
}

export async function decontaminateItems(options: DecontamOptions): Promise<DecontamResult> {
  const { index } = options;
  const minMatches = options.minMatches ?? 1;
  const hashTokens = createTokenHasher();
  const windows = createWindowHasher();
  const kept = createJsonlWriter(options.out);
  const removed = options.removed ? createJsonlWriter(options.removed) : undefined;
  const entries: ContaminationEntry[] = [];
  const byBenchmark: Record<string, number> = {};
  let items = 0;
  const hits = new Map<number, { count: number; start: number; length: number }>();
  if (options.progress) options.progress.start('decontam', await countLines(options.input), 0);
  for await (const { line, text: raw, parse } of streamJsonlLines(options.input)) {
    items += 1;
    options.progress?.tick('decontam');
    const record = parse();
    const text = requireRecordText(record, options.input, line);
    const tokens = hashTokens(text);
    windows.load(tokens);
    hits.clear();
    const count = windows.count;
    for (let start = 0; start + index.n <= count; start += 1) {
      windows.window(start, index.n);
      const item = index.table.get(windows.high, windows.low);
      if (item === -1) continue;
      const hit = hits.get(item);
      if (hit) hit.count += 1;
      else hits.set(item, { count: 1, start, length: index.n });
    }
    if (index.shortLength.length > 0) {
      for (let start = 0; start + index.minShort <= count; start += 1) {
        windows.window(start, index.minShort);
        const entry = index.shortTable.get(windows.high, windows.low);
        if (entry === -1) continue;
        const length = index.shortLength[entry] as number;
        if (start + length > count) continue;
        windows.window(start, length);
        if (windows.high !== index.shortHigh[entry] || windows.low !== index.shortLow[entry]) continue;
        const item = index.shortItem[entry] as number;
        const hit = hits.get(item);
        if (hit) hit.count += 1;
        else hits.set(item, { count: 1, start, length });
      }
    }
    const matched = [...hits.entries()].filter(([, hit]) => hit.count >= minMatches).sort((left, right) => right[1].count - left[1].count || left[0] - right[0]);
    if (matched.length === 0) {
      kept.writeLine(raw);
      continue;
    }
    const words = tokenTexts(text);
    const matches = matched.slice(0, 5).map(([item, hit]): ContaminationMatch => {
      const ref = index.items[item];
      return { benchmark: ref?.benchmark ?? '?', file: ref?.file ?? '?', item_id: ref?.item_id ?? '?', excerpt: ref?.excerpt ?? '', shared_ngrams: hit.count, example: joinTokens(words.slice(hit.start, hit.start + hit.length)) };
    });
    for (const match of new Set(matches.map((entry) => entry.benchmark))) byBenchmark[match] = (byBenchmark[match] ?? 0) + 1;
    const entry = { id: recordId(record, line), line, matches };
    entries.push(entry);
    removed?.write({ ...record, contamination: matches });
  }
  options.progress?.finish('decontam');
  options.progress?.stop();
  kept.commit();
  removed?.commit();
  const result = { items, kept: items - entries.length, removed: entries.length, byBenchmark, entries };
  if (options.report) {
    writeFileSync(
      options.report,
      JSON.stringify({ n: index.n, min_matches: minMatches, items, removed: entries.length, by_benchmark: byBenchmark, benchmark_files: index.files, skipped_files: index.skipped, benchmark_items_too_short: index.tooShort, contaminated: entries }, null, 2) + '\n',
    );
  }
  return result;
}
