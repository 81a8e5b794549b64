/**
 * `safemed data mix`: the SFT mixture (knowledge CoT / guard / ethics, or any named sources) by
 * ratios. Each source's quota is its share of the total (largest remainder); within a source items
 * are drawn stratified by a field (dimension, subject or language by default), proportionally to the
 * strata sizes; all draws and the final order are seeded, so the same inputs and seed give the same
 * file. A source is never drawn more often than it has items: the default total is the largest one
 * the ratios allow.
 */
import { ConfigError } from '../../core/errors.js';
import { createSeededRandom, sampleItems } from '../../eval/engine/sample-items.js';
import { derivedSeed } from '../engine/settings-hash.js';

export interface MixSource {
  name: string;
  records: Array<Record<string, unknown>>;
  ratio: number;
}

export interface MixOptions {
  sources: MixSource[];
  total?: number;
  /** A record field to stratify by; 'auto' picks dimension, subject or language; 'none' draws plainly. */
  stratifyBy: string;
  seed: number;
}

export interface MixResult {
  records: Array<Record<string, unknown>>;
  total: number;
  bySource: Record<string, { available: number; drawn: number; stratifiedBy: string | null; strata: Record<string, { available: number; drawn: number }> }>;
}

/** Splits `total` over weights with the largest-remainder method (deterministic ties: first wins). */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((accumulator, weight) => accumulator + weight, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map((value) => Math.floor(value));
  let left = total - counts.reduce((accumulator, value) => accumulator + value, 0);
  const order = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const entry of order) {
    if (left <= 0) break;
    counts[entry.index] = (counts[entry.index] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

function stratumField(records: Array<Record<string, unknown>>, stratifyBy: string): string | null {
  if (stratifyBy === 'none') return null;
  if (stratifyBy !== 'auto') return stratifyBy;
  for (const field of ['dimension', 'subject', 'language']) if (records.some((record) => typeof record[field] === 'string')) return field;
  return null;
}

/** Proportional allocation over strata, never more than a stratum holds. */
function allocate(quota: number, sizes: number[]): number[] {
  const counts = apportion(quota, sizes).map((count, index) => Math.min(count, sizes[index] ?? 0));
  let left = quota - counts.reduce((sum, count) => sum + count, 0);
  for (let index = 0; left > 0 && index < sizes.length; index += 1) {
    const room = (sizes[index] ?? 0) - (counts[index] ?? 0);
    const extra = Math.min(room, left);
    counts[index] = (counts[index] ?? 0) + extra;
    left -= extra;
  }
  return counts;
}

export function mixDatasets(options: MixOptions): MixResult {
  const sources = options.sources;
  if (sources.length === 0) throw new ConfigError('No source to mix.', { key: '--source', fix: 'Add --source name=file.jsonl (repeatable) and --ratio name=0.6,… .' });
  for (const source of sources) {
    if (!(source.ratio > 0)) throw new ConfigError(`Source "${source.name}" has no positive ratio.`, { key: '--ratio', fix: `Give --ratio ${source.name}=<share>.` });
    if (source.records.length === 0) throw new ConfigError(`Source "${source.name}" has no records.`, { key: '--source', fix: 'Check the file given for it.' });
  }
  const ratioSum = sources.reduce((sum, source) => sum + source.ratio, 0);
  const feasible = Math.floor(Math.min(...sources.map((source) => source.records.length / (source.ratio / ratioSum))) + 1e-9);
  const total = options.total ?? feasible;
  const quotas = apportion(total, sources.map((source) => source.ratio));
  sources.forEach((source, index) => {
    if ((quotas[index] ?? 0) > source.records.length) {
      throw new ConfigError(`--total ${total}: source "${source.name}" would need ${quotas[index] ?? 0} items at ratio ${(source.ratio / ratioSum).toFixed(3)} but has ${source.records.length}.`, {
        key: '--total',
        fix: `Use --total ${feasible} or less (the largest the ratios allow), or change the ratios.`,
      });
    }
  });
  const chosen: Array<Record<string, unknown>> = [];
  const bySource: MixResult['bySource'] = {};
  sources.forEach((source, sourceIndex) => {
    const field = stratumField(source.records, options.stratifyBy);
    const strata = new Map<string, Array<Record<string, unknown>>>();
    for (const record of source.records) {
      const value = field === null ? '' : record[field];
      const key = typeof value === 'string' || typeof value === 'number' ? String(value) : '(none)';
      const list = strata.get(key) ?? [];
      list.push(record);
      strata.set(key, list);
    }
    const keys = [...strata.keys()].sort();
    const counts = allocate(quotas[sourceIndex] ?? 0, keys.map((key) => strata.get(key)?.length ?? 0));
    const report: MixResult['bySource'][string] = { available: source.records.length, drawn: 0, stratifiedBy: field, strata: {} };
    keys.forEach((key, index) => {
      const pool = strata.get(key) ?? [];
      const drawn = sampleItems(pool, counts[index] ?? 0, derivedSeed(options.seed, source.name, key));
      for (const record of drawn) chosen.push({ ...record, mix_source: source.name });
      report.strata[key] = { available: pool.length, drawn: drawn.length };
      report.drawn += drawn.length;
    });
    bySource[source.name] = report;
  });
  const random = createSeededRandom(derivedSeed(options.seed, 'order'));
  for (let index = chosen.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const swap = chosen[index] as Record<string, unknown>;
    chosen[index] = chosen[other] as Record<string, unknown>;
    chosen[other] = swap;
  }
  return { records: chosen, total: chosen.length, bySource };
}

/** "knowledge=0.6,guard=0.2,ethics=0.2" → name → ratio. */
export function parseRatios(text: string): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const part of text.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    const ratio = Number(value);
    if (!name || value === undefined || !Number.isFinite(ratio) || ratio < 0) throw new ConfigError(`--ratio: cannot read "${part}".`, { key: '--ratio', fix: '--ratio knowledge=0.6,guard=0.2,ethics=0.2' });
    ratios.set(name.trim(), ratio);
  }
  return ratios;
}
