/**
 * Loads the guard corpus (data/guard/corpus/{written,generated,emergency-head}/*.jsonl) and the wrapper
 * templates (data/guard/wrappers/*.jsonl), validating every line with zod, recomputing every split from
 * the scenario id and failing on a mismatch or a duplicate id. Records of `emergency-head/` are marked
 * `emergencyHeadOnly` (see EMERGENCY_HEAD_FOLDER). Training time only.
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
  /**
   * Read from EMERGENCY_HEAD_FOLDER: trains only the emergency heads (linear, hidden, encoder) and counts
   * only for the emergency decision point; the risk, dimension, mechanism and principle heads, the risk
   * decision points and the generated variants never see it.
   */
  emergencyHeadOnly?: true;
}

/**
 * data/guard/corpus/emergency-head/: emergencies and their close non-emergency look-alikes that train
 * the emergency heads only (a look-alike that is a good negative for "happening now" can still pull the
 * risk head's recall down). Only `emergency` and `benign` records may live there.
 */
export const EMERGENCY_HEAD_FOLDER = 'emergency-head';

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
  /** Include data/guard/corpus/emergency-head/ (default true; read after the other folders). */
  emergencyHead?: boolean;
  /** Root of the corpus (default data/guard/corpus). */
  folder?: string;
}

export function readCorpus(options: ReadCorpusOptions = {}): CorpusFileRecord[] {
  const root = options.folder ?? guardDataPath('corpus');
  // The emergency-head folder comes last, so the other records keep their order (and the training runs of
  // the heads that never see it stay bit-identical when it grows).
  const parts = ['written', ...(options.generated === false ? [] : ['generated']), ...(options.emergencyHead === false ? [] : [EMERGENCY_HEAD_FOLDER])];
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
        if (part === EMERGENCY_HEAD_FOLDER) {
          if (record.label === 'harmful') throw new DataFormatError(`${where}: a harmful record in ${EMERGENCY_HEAD_FOLDER}/ (it would train no head)`, { file, line, fix: `Put harmful records in written/; ${EMERGENCY_HEAD_FOLDER}/ holds emergencies and benign look-alikes only.` });
          records.push({ ...record, file: `${part}/${name}`, emergencyHeadOnly: true });
        } else records.push({ ...record, file: `${part}/${name}` });
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
