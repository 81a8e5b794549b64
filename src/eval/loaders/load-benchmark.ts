/**
 * Loads one benchmark given on the command line: detects its format from the path, extension and
 * columns (or takes the format given with `name@format:path`) and returns typed items.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { ConfigError, DataFormatError } from '../../core/errors.js';
import type { Benchmark, BenchmarkCategory, BenchmarkItem } from '../benchmark-types.js';
import { choiceItemsFromRecords, type ChoiceColumnMapping, type ChoiceItemsResult } from './choice-items-from-records.js';
import { detectLanguage } from './parse-options.js';
import { readCsvTable, readJsonLines, readXlsxTable, requireColumns, type SourceTable } from './read-records.js';
import { findMedSafetyBenchRoot, loadEthicsDilemmas, loadHarmfulPromptJsonl, loadMedSafetyBench, loadOverRefusalCsv } from './load-safety-sets.js';
import { loadSafetyBench, splitSafetyBenchPath } from './load-safetybench.js';

export const BENCHMARK_FORMATS = [
  'medagents',
  'choice-jsonl',
  'jsonl',
  'cmexam',
  'pediabench',
  'cmmlu',
  'ceval',
  'medethiceval',
  'medethiceval-dilemma',
  'safetybench',
  'msb',
  'xstest',
  'harmful-jsonl',
] as const;
export type BenchmarkFormat = (typeof BENCHMARK_FORMATS)[number];

export interface LoadBenchmarkOptions {
  name: string;
  path: string;
  format?: string;
  /** Column mapping for `jsonl` (generic) and overrides for the other choice formats. */
  columns?: Partial<ChoiceColumnMapping>;
}

const SAFETY_FORMATS = new Set<string>(['medethiceval', 'safetybench', 'msb', 'xstest', 'harmful-jsonl', 'medethiceval-dilemma']);
const LETTER_COLUMNS = 'ABCDEFGHIJ'.split('');

function has(columns: string[], ...names: string[]): boolean {
  return names.every((name) => columns.includes(name));
}

function csvFilesOf(directory: string): string[] {
  const folder = existsSync(join(directory, 'test')) ? join(directory, 'test') : directory;
  return readdirSync(folder)
    .filter((name) => name.toLowerCase().endsWith('.csv'))
    .sort()
    .map((name) => join(folder, name));
}

function formatFromColumns(columns: string[]): BenchmarkFormat | undefined {
  if (has(columns, 'harmful_medical_request')) return 'msb';
  if (has(columns, 'Question', 'A', 'B', 'Answer')) return 'cmmlu';
  if (has(columns, 'question', 'A', 'B', 'answer')) return 'ceval';
  if (has(columns, 'Question', 'Options', 'Answer')) return 'cmexam';
  if (has(columns, 'questions', 'options', 'answers')) return 'pediabench';
  if (has(columns, 'question', 'options', 'answer')) return 'medethiceval';
  if (has(columns, 'case', 'query')) return 'medethiceval-dilemma';
  if (has(columns, 'prompt') && (columns.includes('label') || columns.includes('type'))) return 'xstest';
  return undefined;
}

/** Detects the format of a benchmark path; undefined when nothing matches. */
/** An empty file (zero bytes, or only whitespace) is named as such, not as an unknown format. */
function assertNotBlank(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) return;
  const size = statSync(path).size;
  if (size === 0 || (size < 4096 && readFileSync(path, 'utf8').trim() === '')) {
    throw new DataFormatError(`Benchmark file ${path} is empty.`, { file: path, fix: 'Point --bench at a file with benchmark items (one JSON object per line, or a CSV/XLSX with a header row).' });
  }
}

export async function detectBenchmarkFormat(path: string): Promise<BenchmarkFormat | undefined> {
  const [first = path] = path.split(',');
  if (!existsSync(first)) {
    throw new ConfigError(`Benchmark path ${first} does not exist.`, { key: 'bench', fix: 'Check the path in --bench name:path.' });
  }
  if (statSync(first).isDirectory()) {
    if (findMedSafetyBenchRoot(first)) return 'msb';
    const csv = csvFilesOf(first)[0];
    return csv ? formatFromColumns(readCsvTable(csv).columns) : undefined;
  }
  assertNotBlank(first);
  const extension = extname(first).toLowerCase();
  if (extension === '.xlsx') return formatFromColumns((await readXlsxTable(first)).columns);
  if (extension === '.csv') return formatFromColumns(readCsvTable(first).columns);
  if (extension === '.jsonl') {
    const record = readJsonLines(first)[0]?.record ?? {};
    if ('options' in record && 'answer_idx' in record) return 'medagents';
    if ('options' in record && 'answer' in record) return 'choice-jsonl';
    if (['prompt', 'forbidden_prompt', 'goal', 'request'].some((field) => field in record)) return 'harmful-jsonl';
    return undefined;
  }
  if (extension === '.json') {
    const { answers } = splitSafetyBenchPath(path);
    if (answers || /safetybench|test_(zh|en)/i.test(basename(first))) return 'safetybench';
  }
  return undefined;
}

function mapping(base: ChoiceColumnMapping, overrides: Partial<ChoiceColumnMapping> | undefined): ChoiceColumnMapping {
  return { ...base, ...(overrides ?? {}) };
}

async function tableOf(path: string): Promise<SourceTable> {
  return extname(path).toLowerCase() === '.xlsx' ? readXlsxTable(path) : readCsvTable(path);
}

async function loadChoice(format: BenchmarkFormat, path: string, columns: Partial<ChoiceColumnMapping> | undefined): Promise<ChoiceItemsResult> {
  const isJsonl = extname(path).toLowerCase() === '.jsonl';
  switch (format) {
    case 'medagents':
      return choiceItemsFromRecords(readJsonLines(path), path, mapping({ id: 'realidx', question: 'question', options: 'options', answer: 'answer_idx', subject: 'subject' }, columns));
    case 'choice-jsonl':
      return choiceItemsFromRecords(readJsonLines(path), path, mapping({ id: 'id', question: 'question', options: 'options', answer: 'answer', subject: 'disease_group' }, columns));
    case 'jsonl': {
      if (!columns?.question || !columns.options || !columns.answer) {
        throw new ConfigError('The generic jsonl format needs a column mapping.', {
          key: 'columns',
          fix: 'Add --columns <name>=question:<field>,options:<field>,answer:<field>[,id:<field>].',
        });
      }
      return choiceItemsFromRecords(readJsonLines(path), path, mapping({ question: columns.question, options: columns.options, answer: columns.answer }, columns));
    }
    case 'cmexam':
    case 'pediabench': {
      if (isJsonl) return loadChoice('choice-jsonl', path, columns);
      const table = await tableOf(path);
      const base: ChoiceColumnMapping =
        format === 'cmexam'
          ? { question: 'Question', options: 'Options', answer: 'Answer', idPrefix: 'row' }
          : { question: 'questions', options: 'options', answer: 'answers', subject: 'Disease Groups', idPrefix: 'row' };
      const chosen = mapping(base, columns);
      requireColumns(table, [chosen.question, chosen.answer, ...(Array.isArray(chosen.options) ? [] : [chosen.options])]);
      return choiceItemsFromRecords(table.rows, path, chosen);
    }
    case 'cmmlu':
    case 'ceval': {
      const files = statSync(path).isDirectory() ? csvFilesOf(path) : [path];
      const result: ChoiceItemsResult = { items: [], skipped: 0 };
      for (const file of files) {
        const table = readCsvTable(file);
        const letters = LETTER_COLUMNS.filter((letter) => table.columns.includes(letter));
        const base: ChoiceColumnMapping =
          format === 'cmmlu'
            ? { ...(table.columns[0] === '' ? { id: '' } : {}), question: 'Question', options: letters, answer: 'Answer' }
            : { id: 'id', question: 'question', options: letters, answer: 'answer' };
        const chosen = mapping(base, columns);
        requireColumns(table, [chosen.question, chosen.answer, 'A', 'B']);
        const subject = basename(file, '.csv').replace(/_(test|val|dev)$/, '');
        const part = choiceItemsFromRecords(table.rows, file, { ...chosen, idPrefix: subject });
        const prefix = files.length > 1 ? `${subject}/` : '';
        for (const item of part.items) result.items.push({ ...item, id: prefix + item.id, subject: item.subject ?? subject });
        result.skipped += part.skipped;
      }
      return result;
    }
    case 'medethiceval': {
      const table = readCsvTable(path);
      const chosen = mapping({ id: 'uuid', question: 'question', options: 'options', answer: 'answer' }, columns);
      requireColumns(table, [chosen.question, chosen.answer, chosen.options as string]);
      return choiceItemsFromRecords(table.rows, path, chosen);
    }
    case 'safetybench':
      return { items: loadSafetyBench(path), skipped: 0 };
    default:
      throw new Error(`not a multiple-choice format: ${format}`);
  }
}

export async function loadBenchmark(options: LoadBenchmarkOptions): Promise<Benchmark> {
  const requested = options.format;
  if (requested !== undefined && !(BENCHMARK_FORMATS as readonly string[]).includes(requested)) {
    throw new ConfigError(`Unknown benchmark format "${requested}" for ${options.name}.`, {
      key: 'bench',
      fix: `Known formats: ${BENCHMARK_FORMATS.join(', ')}.`,
    });
  }
  for (const file of options.path.split(',')) assertNotBlank(file);
  const format = (requested as BenchmarkFormat | undefined) ?? (await detectBenchmarkFormat(options.path));
  if (!format) {
    throw new DataFormatError(`Cannot tell the format of ${options.path} (benchmark ${options.name}).`, {
      file: options.path,
      fix: `Name it: --bench ${options.name}@<format>:${options.path} with one of ${BENCHMARK_FORMATS.join(', ')}.`,
    });
  }
  let items: BenchmarkItem[];
  let skipped = 0;
  if (format === 'msb') items = loadMedSafetyBench(options.path);
  else if (format === 'xstest') items = loadOverRefusalCsv(options.path);
  else if (format === 'harmful-jsonl') items = loadHarmfulPromptJsonl(options.path);
  else if (format === 'medethiceval-dilemma') items = loadEthicsDilemmas(options.path);
  else {
    const result = await loadChoice(format, options.path, options.columns);
    items = result.items;
    skipped = result.skipped;
  }
  const [first] = items;
  if (!first) {
    throw new DataFormatError(`${options.path}: benchmark ${options.name} has no items.`, { file: options.path, fix: 'Check the file and its format.' });
  }
  const texts = items.map((item) => (item.kind === 'multiple-choice' ? item.question : item.prompt));
  const category: BenchmarkCategory = SAFETY_FORMATS.has(format) ? 'safety' : 'knowledge';
  return { name: options.name, format, kind: first.kind, category, language: detectLanguage(texts), path: options.path, items, skipped };
}

