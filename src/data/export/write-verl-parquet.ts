/**
 * verl's parquet rows, written with hyparquet-writer under an explicit nested schema (prompt is a list of
 * {role, content} structs; reward_model and extra_info are structs), read back with hyparquet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ExportRow } from './export-formats.js';

const text = (name: string, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED') => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: repetition });

const VERL_SCHEMA = [
  { name: 'root', num_children: 5 },
  text('data_source'),
  { name: 'prompt', repetition_type: 'REQUIRED' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED' as const, num_children: 2 },
  text('role'),
  text('content'),
  text('ability'),
  { name: 'reward_model', repetition_type: 'REQUIRED' as const, num_children: 2 },
  text('style'),
  text('ground_truth'),
  { name: 'extra_info', repetition_type: 'REQUIRED' as const, num_children: 5 },
  text('split'),
  { name: 'index', type: 'INT64' as const, repetition_type: 'REQUIRED' as const },
  text('id'),
  text('question'),
  text('kind', 'OPTIONAL'),
];

const COLUMNS = ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'] as const;

export async function writeVerlParquet(file: string, rows: ExportRow[]): Promise<void> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const prepared: ExportRow[] = rows.map((row) => {
    const extra = row.extra_info as Record<string, unknown>;
    return { ...row, extra_info: { ...extra, index: BigInt(Number(extra.index)) } };
  });
  const buffer = parquetWriteBuffer({
    columnData: COLUMNS.map((name) => ({ name, data: prepared.map((row) => row[name]) })),
    schema: VERL_SCHEMA,
    kvMetadata: [{ key: 'writer', value: 'safemed data export (verl rows)' }],
  });
  writeFileSync(file, Buffer.from(buffer));
}

/** The rows of a parquet file as plain objects (INT64 as numbers). */
export async function readParquetRows(file: string): Promise<ExportRow[]> {
  const { parquetReadObjects } = await import('hyparquet');
  const bytes = readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const rows = await parquetReadObjects({ file: buffer });
  return JSON.parse(JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value))) as ExportRow[];
}
