/**
 * An append-only JSONL store, the engine's resume log: each record is one `write` of one line (so a
 * killed run loses at most the line being written); on open, a torn last line is cut off and the
 * last record per key wins. Generic over the record type: eval results, red-team results, data items.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface AppendOnlyStore<Record> {
  readonly path: string;
  /** Records already in the file, by key (last one wins). */
  readonly existing: Map<string, Record>;
  /** Lines dropped on open because they were torn or unparsable. */
  readonly tornLines: number;
  append(record: Record): void;
  close(): void;
}

/** Every parsable line of a JSONL log (torn or broken lines skipped), and where the valid part ends. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the record type its own store wrote
export function readAppendOnlyLog<Record>(path: string): { records: Record[]; tornLines: number; validBytes: number } {
  if (!existsSync(path)) return { records: [], tornLines: 0, validBytes: 0 };
  const buffer = readFileSync(path);
  const records: Record[] = [];
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
      records.push(JSON.parse(line) as Record);
    } catch {
      tornLines += 1;
    }
    validBytes = start;
  }
  return { records, tornLines, validBytes };
}

export function openAppendOnlyStore<Record>(path: string, keyOf: (record: Record) => string): AppendOnlyStore<Record> {
  const { records, tornLines, validBytes } = readAppendOnlyLog<Record>(path);
  const existing = new Map<string, Record>();
  for (const record of records) existing.set(keyOf(record), record);
  const descriptor = openSync(path, existsSync(path) ? 'r+' : 'w');
  ftruncateSync(descriptor, validBytes); // cut a torn tail so the next line starts on a fresh line
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
