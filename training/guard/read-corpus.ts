/**
 * Loads the guard corpus (data/guard/corpus/{written,generated}/*.jsonl) and the wrapper templates
 * (data/guard/wrappers/*.jsonl), validating every line with zod, recomputing every split from the
 * scenario id and failing on a mismatch or a duplicate id. Training time only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DataFormatError } from '../../src/core/errors.js';
import { corpusRecordSchema, splitOfScenario, type CorpusRecord } from './corpus-record.js';
import { guardDataPath } from './guard-data-path.js';

export interface CorpusFileRecord extends CorpusRecord {
  /** The file (relative to data/guard/corpus) the record came from. */
  file: string;
}

function jsonlFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}

function parseLines<T>(file: string, schema: z.ZodType<T>, onRecord: (record: T, line: number) => void): void {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line.length === 0) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new DataFormatError(`${file}:${index + 1}: not valid JSON`, { file, line: index + 1, fix: 'Fix the line.' });
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new DataFormatError(`${file}:${index + 1}: ${issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid record'}`, { file, line: index + 1, fix: 'Fix the line (schema: training/guard/corpus-record.ts).' });
      }
      onRecord(parsed.data, index + 1);
    });
}

export interface ReadCorpusOptions {
  /** Include data/guard/corpus/generated/ (default true). */
  generated?: boolean;
  /** Root of the corpus (default data/guard/corpus). */
  folder?: string;
}

export function readCorpus(options: ReadCorpusOptions = {}): CorpusFileRecord[] {
  const root = options.folder ?? guardDataPath('corpus');
  const parts = options.generated === false ? ['written'] : ['written', 'generated'];
  const records: CorpusFileRecord[] = [];
  const ids = new Map<string, string>();
  for (const part of parts) {
    for (const name of jsonlFiles(join(root, part))) {
      const file = join(root, part, name);
      parseLines(file, corpusRecordSchema, (record, line) => {
        const where = `${file}:${line}`;
        const expected = splitOfScenario(record.scenario);
        if (record.split !== expected) {
          throw new DataFormatError(`${where}: split "${record.split}" but scenario ${record.scenario} hashes to "${expected}"`, { file, line, fix: 'The split is computed from the scenario id, never chosen by hand.' });
        }
        const previous = ids.get(record.id);
        if (previous !== undefined) throw new DataFormatError(`${where}: duplicate id ${record.id} (first in ${previous})`, { file, line, fix: 'Give every record its own id.' });
        ids.set(record.id, where);
        records.push({ ...record, file: `${part}/${name}` });
      });
    }
  }
  return records;
}

export const wrapperTemplateSchema = z
  .object({
    id: z.string().min(1),
    family: z.string().min(1),
    language: z.enum(['en', 'zh']),
    pool: z.enum(['train', 'heldout']),
    template: z.string().includes('{request}'),
  })
  .strict();

export type WrapperTemplate = z.infer<typeof wrapperTemplateSchema>;

export function readWrapperTemplates(folder: string = guardDataPath('wrappers')): WrapperTemplate[] {
  const templates: WrapperTemplate[] = [];
  for (const name of jsonlFiles(folder)) parseLines(join(folder, name), wrapperTemplateSchema, (template) => templates.push(template));
  return templates;
}
