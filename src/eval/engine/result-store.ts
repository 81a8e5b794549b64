/**
 * results.jsonl, the eval run's resume log: the engine's append-only store (append-only-store.ts)
 * keyed by benchmark, item and run hash. Each record is one `write` of one line, so a killed run
 * loses at most the line being written; a torn last line is cut off on open; the last record per key wins.
 */
import type { EvalResultRecord } from '../eval-result-record.js';
import { resultKey } from '../eval-result-record.js';
import { openAppendOnlyStore, readAppendOnlyLog, type AppendOnlyStore } from './append-only-store.js';

export type ResultStore = AppendOnlyStore<EvalResultRecord>;

export function storeKey(record: Pick<EvalResultRecord, 'benchmark' | 'item_id' | 'run_hash'>): string {
  return `${resultKey(record.benchmark, record.item_id)}\u0000${record.run_hash}`;
}

/** Every parsable record of a results file (torn or broken lines skipped). */
export function readResultRecords(path: string): { records: EvalResultRecord[]; tornLines: number; validBytes: number } {
  return readAppendOnlyLog<EvalResultRecord>(path);
}

export function openResultStore(path: string): ResultStore {
  return openAppendOnlyStore<EvalResultRecord>(path, storeKey);
}
