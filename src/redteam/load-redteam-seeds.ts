/**
 * Harmful seed requests for the red team, from CSV, JSONL, plain-text files or a MedSafetyBench
 * folder (the eval loaders read them). A seed keeps its file's dimension and language when the file
 * has them; otherwise the guard infers them (and the seed says so in `inferred`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DataFormatError } from '../core/errors.js';
import { readCsvTable, readJsonLines, type SourceRecord } from '../eval/loaders/read-records.js';
import { findMedSafetyBenchRoot, loadMedSafetyBench } from '../eval/loaders/load-safety-sets.js';
import type { RedteamLanguage, RedteamSeed } from './redteam-types.js';

/** Columns / fields that may hold the request text, in order of preference. */
const TEXT_FIELDS = ['request', 'prompt', 'text', 'seed', 'harmful_medical_request', 'goal', 'Goal', 'forbidden_prompt', 'Behavior', 'query', 'question'];

export interface SeedInference {
  /** The guard's dimension for a text (an id of the spec), used when the seed file has none. */
  dimension(text: string): string;
  language(text: string): RedteamLanguage;
}

export interface LoadRedteamSeedsOptions {
  infer: SeedInference;
  /** Known dimension ids; a seed file naming another one is an error. */
  dimensions: Set<string>;
}

interface RawSeed {
  id: string;
  text: string;
  dimension?: string;
  language?: string;
  where: string;
}

function pickText(record: Record<string, unknown>): string | undefined {
  for (const field of TEXT_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  const messages = record.messages;
  if (Array.isArray(messages)) {
    const users = messages.filter((message): message is { role: string; content: string } => typeof message === 'object' && message !== null && (message as { role?: unknown }).role === 'user' && typeof (message as { content?: unknown }).content === 'string');
    const last = users.at(-1);
    if (last) return last.content.trim();
  }
  return undefined;
}

function rawFromRecords(rows: SourceRecord[], file: string, prefix: string): RawSeed[] {
  return rows.map((row) => {
    const text = pickText(row.record);
    if (text === undefined) {
      throw new DataFormatError(`${file}:${row.line}: no request text (looked for ${TEXT_FIELDS.slice(0, 6).join(', ')}, …).`, {
        file,
        line: row.line,
        fix: 'Give each seed a "request" (or "prompt" / "text") field.',
      });
    }
    const id = row.record.id ?? row.record.seed_id;
    const dimension = row.record.dimension;
    const language = row.record.language;
    return {
      id: typeof id === 'string' || typeof id === 'number' ? String(id) : `${prefix}:${row.line}`,
      text: text.replace(/<\|eot_id\|>\s*$/u, '').trim(),
      ...(typeof dimension === 'string' && dimension !== '' ? { dimension } : {}),
      ...(typeof language === 'string' && language !== '' ? { language } : {}),
      where: `${file}:${row.line}`,
    };
  });
}

function readRawSeeds(path: string): RawSeed[] {
  if (!existsSync(path)) throw new DataFormatError(`Seed file ${path} does not exist.`, { file: path, fix: 'Check the path given to --seeds.' });
  const prefix = basename(path).replace(/\.[^.]+$/u, '');
  if (statSync(path).isDirectory()) {
    if (!findMedSafetyBenchRoot(path)) {
      throw new DataFormatError(`${path}: a folder of seeds must have the MedSafetyBench layout (gpt4/category_N.csv …).`, { file: path, fix: 'Point --seeds at a CSV, JSONL or text file, or at a MedSafetyBench folder.' });
    }
    return loadMedSafetyBench(path).map((item) => ({ id: `msb/${item.id}`, text: item.prompt, where: `${path} ${item.id}` }));
  }
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return rawFromRecords(readCsvTable(path).rows, path, prefix);
  if (extension === '.jsonl' || extension === '.ndjson') return rawFromRecords(readJsonLines(path), path, prefix);
  if (extension === '.txt') {
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line, index) => ({ line: line.replace(/<\|eot_id\|>\s*$/u, '').trim(), index }))
      .filter((entry) => entry.line !== '')
      .map((entry) => ({ id: `${prefix}:${entry.index + 1}`, text: entry.line, where: `${path}:${entry.index + 1}` }));
  }
  throw new DataFormatError(`${path}: cannot tell the seed format from the extension "${extension || '(none)'}".`, { file: path, fix: 'Use .csv, .jsonl or .txt, or a MedSafetyBench folder.' });
}

export function loadRedteamSeeds(paths: string[], options: LoadRedteamSeedsOptions): RedteamSeed[] {
  const seeds: RedteamSeed[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const raw = readRawSeeds(path);
    if (raw.length === 0) throw new DataFormatError(`${path}: the seed file is empty.`, { file: path, fix: 'Give at least one harmful request.' });
    for (const entry of raw) {
      let id = entry.id;
      for (let suffix = 2; seen.has(id); suffix += 1) id = `${entry.id}#${suffix}`;
      seen.add(id);
      const inferred: RedteamSeed['inferred'] = [];
      let language: RedteamLanguage;
      if (entry.language === 'en' || entry.language === 'zh') language = entry.language;
      else if (entry.language === undefined) {
        language = options.infer.language(entry.text);
        inferred.push('language');
      } else throw new DataFormatError(`${entry.where}: language must be "en" or "zh", found "${entry.language}".`, { fix: 'Use en or zh, or leave it out to infer it.' });
      let dimension: string;
      if (entry.dimension !== undefined) {
        if (!options.dimensions.has(entry.dimension)) {
          throw new DataFormatError(`${entry.where}: unknown dimension "${entry.dimension}".`, { fix: `Use a dimension id of the safety specification (${[...options.dimensions].slice(0, 4).join(', ')}, …) or leave it out.` });
        }
        dimension = entry.dimension;
      } else {
        dimension = options.infer.dimension(entry.text);
        inferred.push('dimension');
      }
      seeds.push({ id, text: entry.text, dimension, language, inferred });
    }
  }
  return seeds;
}
