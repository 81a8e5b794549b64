/**
 * results.jsonl as an append-only store: each record is one `write` of one line (flushed to the OS
 * before the next item starts), so a killed run loses at most the line being written. On open, a
 * torn last line (no trailing newline, or unparsable) is cut off, and the last record per
 * (benchmark, item, run hash) wins.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resultKey, type EvalResultRecord } from '../eval-result-record.js';

export interface ResultStore {
  readonly path: string;
  /** Records already in the file, by resultKey + run hash (last one wins). */
  readonly existing: Map<string, EvalResultRecord>;
  /** Lines dropped on open because they were torn or unparsable. */
  readonly tornLines: number;
  append(record: EvalResultRecord): void;
  close(): void;
}

export function storeKey(record: Pick<EvalResultRecord, 'benchmark' | 'item_id' | 'run_hash'>): string {
  return `${resultKey(record.benchmark, record.item_id)}\u0000${record.run_hash}`;
}

/** Every parsable record of a results file (torn or broken lines skipped). */
export function readResultRecords(path: string): { records: EvalResultRecord[]; tornLines: number; validBytes: number } {
  if (!existsSync(path)) return { records: [], tornLines: 0, validBytes: 0 };
  const buffer = readFileSync(path);
  const records: EvalResultRecord[] = [];
  let tornLines = 0;
  let start = 0;
  let validBytes = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(0x0a, start);
    if (end === -1) {
      tornLines += 1; // no newline: the write of this line was interrupted
      break;
    }
    const line = buffer.subarray(start, end).toString('utf8').trim();
    start = end + 1;
    if (line === '') {
      validBytes = start;
      continue;
    }
    try {
      records.push(JSON.parse(line) as EvalResultRecord);
    } catch {
      tornLines += 1;
    }
    validBytes = start;
  }
  return { records, tornLines, validBytes };
}

export function openResultStore(path: string): ResultStore {
  const { records, tornLines, validBytes } = readResultRecords(path);
  const existing = new Map<string, EvalResultRecord>();
  for (const record of records) existing.set(storeKey(record), record);
  const descriptor = openSync(path, existsSync(path) ? 'r+' : 'w');
  // Cut a torn tail so the next line starts on a fresh line.
  ftruncateSync(descriptor, validBytes);
  let position = validBytes;
  return {
    path,
    existing,
    tornLines,
    append(record) {
      const bytes = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
      let written = 0;
      while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written, position + written);
      position += bytes.length;
    },
    close() {
      closeSync(descriptor);
    },
  };
}
