/**
 * Readers for the file formats benchmark releases use (CSV with or without BOM, JSON lines, JSON,
 * xlsx), each returning records with the line (or spreadsheet row) they came from so loaders can
 * name file, line and column in a DataFormatError.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DataFormatError } from '../../core/errors.js';
import { valueText } from './value-text.js';

export interface SourceRecord {
  /** 1-based line of the record's first line in the file (spreadsheet row number for xlsx). */
  line: number;
  record: Record<string, unknown>;
}

export interface SourceTable {
  file: string;
  columns: string[];
  rows: SourceRecord[];
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataFormatError(`Cannot read benchmark file ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
      fix: 'Check the path given to --bench.',
    });
  }
}

export function readCsvTable(file: string): SourceTable {
  const text = readText(file);
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text, { bom: true, relax_column_count: true, info: true, skip_empty_lines: true }) as never;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new DataFormatError(`${file}${line ? `:${line}` : ''}: malformed CSV: ${(error as Error).message}`, {
      file,
      ...(line ? { line } : {}),
      cause: error,
      fix: 'Fix the quoting in the CSV file (RFC 4180) or re-export it.',
    });
  }
  const header = parsed[0]?.record.map((name) => name.trim()) ?? [];
  if (header.length === 0) throw new DataFormatError(`${file}: empty CSV file (no header row).`, { file, line: 1, fix: 'Give a CSV with a header row.' });
  const rows: SourceRecord[] = [];
  let previousEnd = parsed[0]?.info.lines ?? 1;
  for (const entry of parsed.slice(1)) {
    const startLine = previousEnd + 1;
    previousEnd = entry.info.lines;
    if (entry.record.length !== header.length) {
      throw new DataFormatError(
        `${file}:${startLine}: expected ${header.length} columns (${header.join(', ')}), found ${entry.record.length}.`,
        { file, line: startLine, column: header[Math.min(entry.record.length, header.length - 1)], fix: 'Fix or remove the row.' },
      );
    }
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => (record[name] = entry.record[index]));
    rows.push({ line: startLine, record });
  }
  return { file, columns: header, rows };
}

export function readJsonLines(file: string): SourceRecord[] {
  const text = readText(file);
  const rows: SourceRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const body = raw.trim();
    if (body === '') return;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      throw new DataFormatError(`${file}:${index + 1}: not valid JSON: ${(error as Error).message}`, {
        file,
        line: index + 1,
        cause: error,
        fix: 'Each line of a JSONL file must be one JSON object.',
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataFormatError(`${file}:${index + 1}: expected a JSON object.`, { file, line: index + 1, fix: 'Each line of a JSONL file must be one JSON object.' });
    }
    rows.push({ line: index + 1, record: value as Record<string, unknown> });
  });
  return rows;
}

export function readJsonFile(file: string): unknown {
  const text = readText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataFormatError(`${file}: not valid JSON: ${(error as Error).message}`, { file, cause: error, fix: 'Check the JSON file.' });
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return valueText(value.text);
    if ('result' in value) return valueText(value.result);
    if (value instanceof Date) return value.toISOString();
  }
  return valueText(value);
}

/** The first sheet of an xlsx file as a table (row 1 is the header). */
export async function readXlsxTable(file: string): Promise<SourceTable> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(file);
  } catch (error) {
    throw new DataFormatError(`Cannot read spreadsheet ${file}: ${(error as Error).message}`, { file, cause: error, fix: 'Give an .xlsx file (Excel 2007+).' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new DataFormatError(`${file}: the workbook has no sheet.`, { file, fix: 'Give an .xlsx file with one sheet.' });
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, column) => (header[column - 1] = cellText(cell.value).trim()));
  const rows: SourceRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => (record[name] = cellText(row.getCell(index + 1).value)));
    if (Object.values(record).every((value) => valueText(value).trim() === '')) return;
    rows.push({ line: rowNumber, record });
  });
  return { file, columns: header, rows };
}

/** A required non-empty string field; a DataFormatError naming file, line and column otherwise. */
export function requireText(source: SourceRecord, column: string, file: string): string {
  const value = source.record[column];
  if (value === undefined || value === null || valueText(value).trim() === '') {
    throw new DataFormatError(`${file}:${source.line}: missing value in column "${column}".`, {
      file,
      line: source.line,
      column,
      fix: `Every row needs a non-empty "${column}".`,
    });
  }
  return typeof value === 'string' ? value : valueText(value);
}

/** Throws when the table lacks a required column. */
export function requireColumns(table: { file: string; columns: string[] }, required: string[]): void {
  for (const column of required) {
    if (!table.columns.includes(column)) {
      throw new DataFormatError(`${table.file}:1: missing column "${column}" (found: ${table.columns.join(', ') || 'none'}).`, {
        file: table.file,
        line: 1,
        column,
        fix: `Give a file with the columns ${required.join(', ')}, or name the format with --bench name@format:path.`,
      });
    }
  }
}
