/**
 * Generated corpus records (data/guard/corpus/generated/): every harmful plain record wrapped in two
 * wrapper templates of different attack families and hidden in one encoding, and every benign record
 * wrapped in one template (`kind: wrapped_benign`).
 * Train-split records use only `pool: train` templates and framings, dev/test records only
 * `pool: heldout` ones, so no wrapper text is shared between training and evaluation.
 * Deterministic: each record's choices come from a generator seeded by (seed, record id), so adding
 * records elsewhere never changes another record's variants.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashFeature } from '../../src/guard/classifier/extract-features.js';
import type { CorpusRecord, CorpusSplit } from './corpus-record.js';
import { ENCODINGS, encodeRequest, type EncodingKind } from './encode-request.js';
import { guardDataPath } from './guard-data-path.js';
import { readGeneratorTables } from './read-generator-tables.js';
import type { WrapperTemplate } from './read-corpus.js';
import { createSeededRandom } from './train-linear-model.js';

type Language = 'en' | 'zh';
type Framings = Record<Language, Record<'train' | 'heldout', Partial<Record<EncodingKind, string[]>>>>;

export interface GeneratedCorpus {
  wrappedHarmful: CorpusRecord[];
  encodedHarmful: CorpusRecord[];
  wrappedBenign: CorpusRecord[];
}

function poolOf(split: CorpusSplit): 'train' | 'heldout' {
  return split === 'train' ? 'train' : 'heldout';
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function base(record: CorpusRecord): Omit<CorpusRecord, 'id' | 'text' | 'messages' | 'kind'> {
  return {
    label: record.label,
    dimension: record.dimension,
    mechanism: record.mechanism,
    perspective: record.perspective,
    language: record.language,
    scenario: record.scenario,
    split: record.split,
  };
}

/** Fills a wrapper template with a request. */
export function wrapWithTemplate(template: string, request: string): string {
  return template.split('{request}').join(request);
}

export function generateCorpusVariants(records: CorpusRecord[], templates: WrapperTemplate[], seed: number): GeneratedCorpus {
  const tables = readGeneratorTables('generators/encoding-framings');
  const framings = { en: tables.get('en'), zh: tables.get('zh') } as Framings;
  const byPool = new Map<string, WrapperTemplate[]>();
  for (const template of templates) {
    const key = `${template.language}:${template.pool}`;
    byPool.set(key, [...(byPool.get(key) ?? []), template]);
  }
  const generated: GeneratedCorpus = { wrappedHarmful: [], encodedHarmful: [], wrappedBenign: [] };
  for (const record of records) {
    if (record.text === undefined) continue;
    const random = createSeededRandom(hashFeature(`${seed}\u0000${record.id}`));
    const pool = byPool.get(`${record.language}:${poolOf(record.split)}`) ?? [];
    if (record.label === 'harmful' && record.kind === 'plain') {
      const first = pool.length > 0 ? pick(pool, random) : undefined;
      const others = pool.filter((template) => template.family !== first?.family);
      const second = others.length > 0 ? pick(others, random) : undefined;
      for (const template of [first, second]) {
        if (template === undefined) continue;
        generated.wrappedHarmful.push({ ...base(record), id: `${record.id}~w~${template.id}`, text: wrapWithTemplate(template.template, record.text), kind: 'wrapped' });
      }
      const encoding = pick(ENCODINGS[record.language], random);
      const framing = framings[record.language][poolOf(record.split)][encoding];
      if (framing && framing.length > 0) {
        const payload = encodeRequest(record.text, encoding, random);
        generated.encodedHarmful.push({ ...base(record), id: `${record.id}~enc~${encoding}`, text: pick(framing, random).split('{payload}').join(payload), kind: 'wrapped' });
      }
    } else if (record.label === 'benign' && record.kind !== 'wrapped_benign' && pool.length > 0) {
      const template = pick(pool, random);
      generated.wrappedBenign.push({ ...base(record), id: `${record.id}~w~${template.id}`, text: wrapWithTemplate(template.template, record.text), kind: 'wrapped_benign' });
    }
  }
  return generated;
}

/** The keys in the order of the corpus schema, for readable diffs. */
function inSchemaOrder(record: CorpusRecord): CorpusRecord {
  const { id, text, messages, label, dimension, mechanism, perspective, language, scenario, kind, split } = record;
  return { id, ...(text === undefined ? {} : { text }), ...(messages === undefined ? {} : { messages }), label, dimension, mechanism, perspective, language, scenario, kind, split };
}

export const GENERATED_FILES = { wrappedHarmful: 'wrapped-harmful.jsonl', encodedHarmful: 'encoded-harmful.jsonl', wrappedBenign: 'wrapped-benign.jsonl' } as const;

export function writeGeneratedCorpus(generated: GeneratedCorpus, folder: string = guardDataPath('corpus', 'generated')): Record<string, number> {
  mkdirSync(folder, { recursive: true });
  const counts: Record<string, number> = {};
  for (const [key, name] of Object.entries(GENERATED_FILES) as [keyof GeneratedCorpus, string][]) {
    const rows = generated[key];
    writeFileSync(join(folder, name), rows.map((row) => JSON.stringify(inSchemaOrder(row))).join('\n') + (rows.length > 0 ? '\n' : ''));
    counts[name] = rows.length;
  }
  return counts;
}
