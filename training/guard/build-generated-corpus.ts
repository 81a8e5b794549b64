/**
 * Regenerates data/guard/corpus/generated/ from the written corpus and the wrapper templates
 * (deterministic for a seed) and reports the corpus totals. Run by `npm run train:guard` before
 * training, or alone with `npm run train:guard -- --corpus-only`.
 */
import { generateCorpusVariants, writeGeneratedCorpus } from './generate-corpus-variants.js';
import { readCorpus, readWrapperTemplates, type CorpusFileRecord } from './read-corpus.js';

export interface CorpusTotals {
  records: number;
  harmful: number;
  benign: number;
  emergency: number;
  byLabelKindLanguageSplit: Record<string, number>;
}

export function corpusTotals(records: CorpusFileRecord[]): CorpusTotals {
  const totals: CorpusTotals = { records: records.length, harmful: 0, benign: 0, emergency: 0, byLabelKindLanguageSplit: {} };
  for (const record of records) {
    totals[record.label] += 1;
    const key = `${record.label}/${record.kind}/${record.language}/${record.split}`;
    totals.byLabelKindLanguageSplit[key] = (totals.byLabelKindLanguageSplit[key] ?? 0) + 1;
  }
  totals.byLabelKindLanguageSplit = Object.fromEntries(Object.entries(totals.byLabelKindLanguageSplit).sort(([left], [right]) => left.localeCompare(right)));
  return totals;
}

export function buildGeneratedCorpus(seed: number, log: (line: string) => void = () => {}): CorpusFileRecord[] {
  // Emergency-head records get no wrapped variants: those would train the risk head.
  const written = readCorpus({ generated: false, emergencyHead: false });
  const templates = readWrapperTemplates();
  const counts = writeGeneratedCorpus(generateCorpusVariants(written, templates, seed));
  log(`corpus: ${written.length} written records, ${templates.length} wrapper templates; generated ${Object.entries(counts).map(([file, count]) => `${file} ${count}`).join(', ')}`);
  const all = readCorpus();
  const totals = corpusTotals(all);
  log(`corpus totals: ${totals.harmful} harmful, ${totals.benign} benign, ${totals.emergency} emergency (${totals.records} records)`);
  return all;
}
