/** Writes JSONL whole or not at all (temporary file + rename), line by line so large sets stay streaming. */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JsonlWriter {
  write(record: unknown): void;
  /** Writes one line that is already JSON (copied as it is). */
  writeLine(json: string): void;
  /** Renames the temporary file into place. */
  commit(): void;
  readonly count: number;
}

export function createJsonlWriter(path: string): JsonlWriter {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  const descriptor = openSync(temporary, 'w');
  let buffer: string[] = [];
  let size = 0;
  let count = 0;
  const writeLine = (json: string) => {
    const line = json + '\n';
    buffer.push(line);
    size += line.length;
    count += 1;
    if (size > 1 << 20) flush();
  };
  const flush = () => {
    if (buffer.length === 0) return;
    writeSync(descriptor, buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    write(record) {
      writeLine(JSON.stringify(record));
    },
    writeLine,
    commit() {
      flush();
      closeSync(descriptor);
      renameSync(temporary, path);
    },
    get count() {
      return count;
    },
  };
}

export function writeJsonlAtomically(path: string, records: Iterable<unknown>): number {
  const writer = createJsonlWriter(path);
  for (const record of records) writer.write(record);
  writer.commit();
  return writer.count;
}
