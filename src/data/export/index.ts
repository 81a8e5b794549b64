/**
 * Exports of SafeMed data for training engines. Owned by the RL-glue area; `safemed data export` (the
 * data pipeline) and `safemed train recipe` both call it.
 *
 * API
 *   exportRecords(records, { format, stage, outDir, name }) → { files, rows, datasetInfo? }
 *     records  ExportRecordInput[]: { id, messages (last = user), target?: {reasoning, answer},
 *              label?: {kind?: harmful|benign|exam, answer?: ["B"], options?}, source?, dimension?, language?, split? }
 *              (validated with zod; a bad record throws DataFormatError naming its id)
 *     format   'llamafactory-alpaca' | 'llamafactory-sharegpt' | 'ms-swift' | 'trl' | 'verl' | 'openai-jsonl'
 *     stage    'sft' (rows carry the `<think>…</think><answer>…</answer>` target) | 'grpo' (rows carry the label)
 *     writes   <outDir>/<name>.jsonl, or <name>.parquet for verl; for LLaMA-Factory also merges the
 *              entry into <outDir>/dataset_info.json
 *   readBackExport(file, format) → rows, after checking every row against the format's schema
 *   toRow(record, format, stage, index), validateRows(rows, format, file), datasetInfoEntry(format, fileName),
 *   renderTarget(target), labelString(record) — the pieces, for callers that stream.
 *
 * The label string (verl ground_truth, MS-Swift solution, TRL label) is JSON such as
 * {"kind":"exam","answer":"B"} — what `safemed reward` parses (src/reward/parse-reward-label.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '../../core/errors.js';
import { datasetInfoEntry, type DatasetInfoEntry } from './dataset-info.js';
import { EXPORT_FORMATS, toRow, validateRows, type ExportFormat, type ExportRow, type ExportStage } from './export-formats.js';
import { exportRecordSchema, type ExportRecord, type ExportRecordInput } from './export-record.js';
import { readParquetRows, writeVerlParquet } from './write-verl-parquet.js';

export { EXPORT_FORMATS, toRow, validateRows, rowSchemas, type ExportFormat, type ExportRow, type ExportStage } from './export-formats.js';
export { exportRecordSchema, labelString, renderTarget, type ExportRecord, type ExportRecordInput } from './export-record.js';
export { datasetInfoEntry, type DatasetInfoEntry } from './dataset-info.js';
export { readParquetRows, writeVerlParquet } from './write-verl-parquet.js';

export interface ExportOptions {
  format: ExportFormat;
  stage: ExportStage;
  outDir: string;
  /** File stem and LLaMA-Factory dataset name (default safemed_<stage>). */
  name?: string;
}

export interface ExportResult {
  files: string[];
  rows: number;
  /** The data file (jsonl or parquet). */
  dataFile: string;
  datasetInfo?: Record<string, DatasetInfoEntry>;
}

export function parseExportRecords(records: ExportRecordInput[]): ExportRecord[] {
  return records.map((record, index) => {
    const parsed = exportRecordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const id = typeof record.id === 'string' ? record.id : `#${index + 1}`;
      throw new DataFormatError(`Export record ${id}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}.`, { line: index + 1, fix: 'See the ExportRecord shape at the top of src/data/export/index.ts.' });
    }
    return parsed.data;
  });
}

export async function exportRecords(records: ExportRecordInput[], options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new DataFormatError(`Unknown export format "${options.format}".`, { fix: `Formats: ${EXPORT_FORMATS.join(', ')}.` });
  }
  if (options.stage === 'grpo' && (options.format === 'llamafactory-alpaca' || options.format === 'llamafactory-sharegpt' || options.format === 'openai-jsonl')) {
    throw new DataFormatError(`${options.format} is an SFT format; GRPO data goes to ms-swift, trl or verl.`, { fix: 'Use --stage sft, or another format.' });
  }
  const parsed = parseExportRecords(records);
  const rows = parsed.map((record, index) => toRow(record, options.format, options.stage, index));
  validateRows(rows, options.format, '(in memory)');
  mkdirSync(options.outDir, { recursive: true });
  const name = options.name ?? `safemed_${options.stage}`;
  const files: string[] = [];
  let dataFile: string;
  if (options.format === 'verl') {
    dataFile = join(options.outDir, `${name}.parquet`);
    await writeVerlParquet(dataFile, rows);
  } else {
    dataFile = join(options.outDir, `${name}.jsonl`);
    writeFileSync(dataFile, rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : ''));
  }
  files.push(dataFile);
  let datasetInfo: Record<string, DatasetInfoEntry> | undefined;
  if (options.format === 'llamafactory-alpaca' || options.format === 'llamafactory-sharegpt') {
    const infoFile = join(options.outDir, 'dataset_info.json');
    const existing = existsSync(infoFile) ? (JSON.parse(readFileSync(infoFile, 'utf8')) as Record<string, DatasetInfoEntry>) : {};
    datasetInfo = { ...existing, [name]: datasetInfoEntry(options.format, `${name}.jsonl`) };
    writeFileSync(infoFile, JSON.stringify(datasetInfo, null, 2) + '\n');
    files.push(infoFile);
  }
  return { files, rows: rows.length, dataFile, ...(datasetInfo ? { datasetInfo } : {}) };
}

/** Reads an exported file back and validates every row (parquet for verl, JSONL otherwise). */
export async function readBackExport(file: string, format: ExportFormat): Promise<ExportRow[]> {
  let rows: ExportRow[];
  if (format === 'verl') rows = await readParquetRows(file);
  else {
    rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as ExportRow;
        } catch {
          throw new DataFormatError(`${file}:${index + 1} is not valid JSON.`, { file, line: index + 1 });
        }
      });
  }
  validateRows(rows, format, file);
  return rows;
}
