/**
 * JSONL input of the data pipeline: a streaming reader (bounded memory, for dedup and decontam at
 * 300k items) and a whole-file reader; both name the file and line of a malformed record.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError, DataFormatError } from '../../core/errors.js';

export interface JsonlRecord {
  /** 1-based line number in the file. */
  line: number;
  record: Record<string, unknown>;
}

export function assertInputFile(path: string, flag: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ConfigError(`${flag} ${path}: no such file.`, { key: flag, fix: `Give an existing JSONL file to ${flag}.` });
  }
}

function parseLine(text: string, file: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataFormatError(`${file}:${line}: not valid JSON: ${(error as Error).message}`, { file, line, cause: error, fix: 'Each line of a JSONL file must be one JSON object; fix or remove that line.' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataFormatError(`${file}:${line}: expected a JSON object.`, { file, line, fix: 'Each line of a JSONL file must be one JSON object.' });
  }
  return value as Record<string, unknown>;
}

/** Counts the lines of a file without holding it (for a progress total). */
export async function countLines(file: string): Promise<number> {
  let count = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) count += 1;
    if (bytes.length > 0) last = bytes[bytes.length - 1] ?? 0x0a;
  }
  return last === 0x0a ? count : count + 1;
}

/** Streams the non-blank lines of a JSONL file unparsed (for passes that copy most lines as they are). */
export async function* streamJsonlLines(file: string): AsyncGenerator<{ line: number; text: string; parse: () => Record<string, unknown> }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const text = raw.trim();
    if (text === '') continue;
    const number = line;
    yield { line: number, text, parse: () => parseLine(text, file, number) };
  }
}

/** Streams a JSONL file record by record (blank lines skipped). */
export async function* streamJsonl(file: string): AsyncGenerator<JsonlRecord> {
  for await (const { line, parse } of streamJsonlLines(file)) yield { line, record: parse() };
}

export function readJsonl(file: string): JsonlRecord[] {
  const records: JsonlRecord[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const text = raw.trim();
      if (text !== '') records.push({ line: index + 1, record: parseLine(text, file, index + 1) });
    });
  return records;
}
