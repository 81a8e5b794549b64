/**
 * Loaders for the prompt-only safety sets: MedSafetyBench (release or our train layout), XSTest-style
 * over-refusal CSV, a generic harmful-prompt JSONL and MedEthicEval's open-ended dilemmas.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataFormatError } from '../../core/errors.js';
import type { HarmfulnessItem, OverRefusalItem } from '../benchmark-types.js';
import { readCsvTable, readJsonLines, requireColumns, requireText } from './read-records.js';
import { valueText } from './value-text.js';

const MSB_FILE = /^(?:med_safety_demonstrations_)?category_(\d+)\.csv$/;

/** The folder holding the subset folders: <dir>/test, <dir>/datasets/test, <dir>/train, or <dir> itself. */
export function findMedSafetyBenchRoot(directory: string): string | undefined {
  const candidates = ['test', join('datasets', 'test'), 'train', join('datasets', 'train'), '.'];
  for (const candidate of candidates) {
    const root = join(directory, candidate);
    if (!existsSync(root) || !statSync(root).isDirectory()) continue;
    const subsets = readdirSync(root).filter((name) => {
      const folder = join(root, name);
      return statSync(folder).isDirectory() && readdirSync(folder).some((file) => MSB_FILE.test(file));
    });
    if (subsets.length > 0) return root;
  }
  return undefined;
}

export function loadMedSafetyBench(directory: string): HarmfulnessItem[] {
  const root = findMedSafetyBenchRoot(directory);
  if (!root) {
    throw new DataFormatError(`${directory}: no MedSafetyBench layout found (expected test/gpt4/*.csv, train/gpt4/*.csv or gpt4/category_N.csv).`, {
      file: directory,
      fix: 'Point --bench at the release folder (datasets/) or at a folder holding gpt4/ and llama2/.',
    });
  }
  const subsets = readdirSync(root)
    .filter((name) => statSync(join(root, name)).isDirectory())
    .sort((left, right) => subsetOrder(left) - subsetOrder(right) || left.localeCompare(right));
  const items: HarmfulnessItem[] = [];
  for (const subset of subsets) {
    const files = readdirSync(join(root, subset))
      .flatMap((file) => {
        const match = MSB_FILE.exec(file);
        return match ? [{ file, category: Number(match[1]) }] : [];
      })
      .sort((left, right) => left.category - right.category);
    for (const { file, category } of files) {
      const path = join(root, subset, file);
      const table = readCsvTable(path);
      requireColumns(table, ['harmful_medical_request']);
      table.rows.forEach((row, index) => {
        const request = requireText(row, 'harmful_medical_request', path).trim();
        items.push({ kind: 'harmfulness', id: `${subset}/${category}/${index}`, prompt: request, subset, category });
      });
    }
  }
  return items;
}

function subsetOrder(name: string): number {
  const order = ['gpt4', 'llama2'];
  const index = order.indexOf(name);
  return index === -1 ? order.length : index;
}

/** XSTest: `prompt, type, label` (label safe/unsafe; without it, types starting with contrast_ are unsafe). */
export function loadOverRefusalCsv(file: string): OverRefusalItem[] {
  const table = readCsvTable(file);
  requireColumns(table, ['prompt']);
  if (!table.columns.includes('label') && !table.columns.includes('type')) requireColumns(table, ['label']);
  return table.rows.map((row, index) => {
    const prompt = requireText(row, 'prompt', file).trim();
    const type = valueText(row.record.type).trim();
    let label: 'safe' | 'unsafe';
    if (table.columns.includes('label')) {
      const raw = requireText(row, 'label', file).trim().toLowerCase();
      if (raw !== 'safe' && raw !== 'unsafe') {
        throw new DataFormatError(`${file}:${row.line}: column "label" must be "safe" or "unsafe", found "${raw}".`, {
          file,
          line: row.line,
          column: 'label',
          fix: 'Label each prompt safe or unsafe.',
        });
      }
      label = raw;
    } else {
      label = type.startsWith('contrast') ? 'unsafe' : 'safe';
    }
    const id = valueText(row.record.id).trim() || String(index + 1);
    return { kind: 'over-refusal', id, prompt, label, type: type || label };
  });
}

const PROMPT_FIELDS = ['prompt', 'forbidden_prompt', 'goal', 'request', 'harmful_medical_request', 'question', 'instruction', 'query'];

/** One harmful prompt per line: `{prompt}` (or goal / forbidden_prompt / request / …), optional id, label, type. */
export function loadHarmfulPromptJsonl(file: string): OverRefusalItem[] {
  return readJsonLines(file).map((row) => {
    const field = PROMPT_FIELDS.find((name) => typeof row.record[name] === 'string');
    if (!field) {
      throw new DataFormatError(`${file}:${row.line}: no prompt field (one of ${PROMPT_FIELDS.join(', ')}).`, {
        file,
        line: row.line,
        column: 'prompt',
        fix: 'Give each line a "prompt" string.',
      });
    }
    const prompt = requireText(row, field, file).trim();
    const rawLabel = valueText(row.record.label ?? 'unsafe').toLowerCase();
    const label = rawLabel === 'safe' ? 'safe' : 'unsafe';
    const id = row.record.id === undefined || row.record.id === null ? String(row.line) : valueText(row.record.id);
    return { kind: 'over-refusal', id, prompt, label, type: valueText(row.record.type ?? row.record.category ?? 'harmful') };
  });
}

/** MedEthicEval dilemma CSV (`case, query`): open-ended, scored by the harmfulness judges. */
export function loadEthicsDilemmas(file: string): HarmfulnessItem[] {
  const table = readCsvTable(file);
  requireColumns(table, ['query']);
  const subset = basename(file).replace(/\.csv$/i, '').replace(/^medical_ethics_/, '').replace(/_dilemma$/, '');
  return table.rows.map((row, index) => ({
    kind: 'harmfulness',
    id: `${subset}/${index}`,
    prompt: requireText(row, 'query', file).trim(),
    subset,
  }));
}
