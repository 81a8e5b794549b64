/**
 * Reads a YAML table file of project-written phrases, templates or word lists from data/guard/
 * (e.g. `generators/generate-contrast-requests` → data/guard/generators/generate-contrast-requests.yaml).
 * Training time only; data/guard/README.md says where each file came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DataFormatError } from '../../src/core/errors.js';
import { guardDataPath } from './guard-data-path.js';

export interface GeneratorTables {
  /** The named table; throws when the file does not define it. */
  get(name: string): unknown;
}

export function readGeneratorTables(name: string): GeneratorTables {
  const file = join(guardDataPath(), `${name}.yaml`);
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataFormatError(`Cannot read the table file ${file}`, { cause: error, file, fix: 'Restore data/guard/ from git.' });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new DataFormatError(`${file} is not a YAML mapping of tables.`, { file, fix: 'Restore data/guard/ from git.' });
  const tables = parsed as Record<string, unknown>;
  return {
    get(table: string): unknown {
      if (!(table in tables)) throw new DataFormatError(`${file} has no table ${table}.`, { file, fix: 'Restore data/guard/ from git.' });
      return tables[table];
    },
  };
}
