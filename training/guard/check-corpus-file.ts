/**
 * Checks new guard corpus files before they are committed:
 *   node --import tsx training/guard/check-corpus-file.ts [--fix-split] data/guard/corpus/written/b2-en-01.jsonl [...]
 * (`--fix-split` first rewrites every record's `split` to the one its scenario hashes to.)
 * Every line must parse against the record schema with the split its scenario hashes to; ids must be
 * new; no record may share an English word 8-gram or a Chinese character 8-gram with a record of
 * another split (a train record with any dev/test record or the independent held-out set, a dev record
 * with any training text). Prints every problem with its line and exits 1 when there is one.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEvaluationJsonl } from '../../src/guard/classifier/evaluate-corpus.js';
import { allTexts, corpusRecordSchema, splitOfScenario, type CorpusRecord } from './corpus-record.js';
import { guardDataPath } from './guard-data-path.js';
import { findOverlap, indexEvaluationTexts } from './ngram-overlap.js';
import { evaluationItems, generatorTexts, tableTexts } from './project-training-texts.js';
import { readCorpus } from './read-corpus.js';

interface NewRecord {
  where: string;
  record: CorpusRecord;
}

/** The independent held-out set (data/guard/holdout/*.jsonl), read as `safemed guard eval` reads it. */
function holdoutTexts(): { id: string; texts: string[] }[] {
  const folder = guardDataPath('holdout');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => parseEvaluationJsonl(readFileSync(join(folder, name), 'utf8')).records)
    .map((record) => ({ id: `holdout:${record.id}`, texts: record.text !== undefined ? [record.text] : (record.messages ?? []).map((message) => message.content) }));
}

function fixSplits(file: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const fixed = lines.map((line) => {
    if (!line.trim()) return line;
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (typeof value.scenario !== 'string') return line;
      value.split = splitOfScenario(value.scenario);
      return JSON.stringify(value);
    } catch {
      return line;
    }
  });
  writeFileSync(file, fixed.join('\n'));
}

function main(args: string[]): number {
  const fix = args.includes('--fix-split');
  const files = args.filter((arg) => arg !== '--fix-split');
  if (files.length === 0) {
    console.error('usage: node --import tsx training/guard/check-corpus-file.ts [--fix-split] <file.jsonl> [...]');
    return 2;
  }
  if (fix) for (const file of files) fixSplits(file);
  const problems: string[] = [];
  const fresh: NewRecord[] = [];
  const targets = new Set(files.map((file) => resolve(file)));
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((raw, index) => {
        const line = raw.trim();
        if (!line) return;
        const where = `${file}:${index + 1}`;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          problems.push(`${where}: not valid JSON`);
          return;
        }
        const parsed = corpusRecordSchema.safeParse(value);
        if (!parsed.success) {
          problems.push(`${where}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ')}`);
          return;
        }
        const expected = splitOfScenario(parsed.data.scenario);
        if (parsed.data.split !== expected) problems.push(`${where}: split "${parsed.data.split}" but scenario ${parsed.data.scenario} hashes to "${expected}"`);
        fresh.push({ where, record: parsed.data });
      });
  }
  // Existing records: everything in the corpus except the files being checked.
  const existing = readCorpus().filter((record) => !targets.has(resolve(guardDataPath('corpus', record.file))));
  const ids = new Set(existing.map((record) => record.id));
  const seen = new Set<string>();
  for (const { where, record } of fresh) {
    if (ids.has(record.id) || seen.has(record.id)) problems.push(`${where}: duplicate id ${record.id}`);
    seen.add(record.id);
  }
  // Train records must not share an 8-gram with any evaluation text (existing dev/test, held-out set, new dev records).
  const newEvaluation = fresh.filter((item) => item.record.split !== 'train').map((item) => ({ id: item.record.id, texts: allTexts(item.record) }));
  const evaluationIndex = indexEvaluationTexts([...evaluationItems(existing), ...holdoutTexts(), ...newEvaluation]);
  for (const { where, record } of fresh) {
    if (record.split !== 'train') continue;
    for (const text of allTexts(record)) {
      const hit = findOverlap(evaluationIndex, text);
      if (hit) problems.push(`${where}: (${record.id}, train) shares "${hit.gram.slice(2)}" with ${hit.evaluationId}: rephrase it`);
    }
  }
  // New dev records must not share an 8-gram with any training text.
  if (newEvaluation.length > 0) {
    const devIndex = indexEvaluationTexts(newEvaluation);
    const training = [
      ...existing.filter((record) => record.split === 'train').flatMap((record) => allTexts(record).map((text) => ({ source: record.id, text }))),
      ...fresh.filter((item) => item.record.split === 'train').flatMap((item) => allTexts(item.record).map((text) => ({ source: item.record.id, text }))),
      ...tableTexts(),
      ...generatorTexts(),
    ];
    for (const item of training) {
      const hit = findOverlap(devIndex, item.text);
      if (hit) problems.push(`${hit.evaluationId} (dev) shares "${hit.gram.slice(2)}" with training text ${item.source}: rephrase it`);
    }
  }
  const counts = new Map<string, number>();
  for (const { record } of fresh) counts.set(`${record.label}/${record.kind}/${record.language}/${record.split}`, (counts.get(`${record.label}/${record.kind}/${record.language}/${record.split}`) ?? 0) + 1);
  console.log(`${fresh.length} records: ${[...counts].sort().map(([key, count]) => `${key} ${count}`).join(', ')}`);
  for (const problem of problems.slice(0, 200)) console.log(problem);
  if (problems.length > 200) console.log(`… and ${problems.length - 200} more`);
  console.log(problems.length === 0 ? 'OK' : `${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
