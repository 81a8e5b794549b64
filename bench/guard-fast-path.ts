/**
 * The guard's fast path (assessText, compiled), two builds side by side in one process: each text of the
 * guard corpus split is checked by the `before` build, then by the `after` build, `--reps` times; a text's
 * time is its fastest run (so a preemption on this shared machine does not count), and both builds take
 * the same turns, so machine load hits them alike. Also counts the texts whose assessments differ.
 *
 *   node --import tsx bench/guard-fast-path.ts [--before <ref>] [--after <ref>|worktree] [--split test] [--reps 5]
 *
 * Defaults: --before 5bef73d (before the span scorers' seen-table and the hidden-row reuse), --after
 * worktree (the checkout as it is). Prints p50 / p90 / p99 in µs per kind of record and overall, and the
 * issue's target (p50 ≤ 50 µs).
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userText } from '../training/guard/corpus-record.js';
import { readCorpus } from '../training/guard/read-corpus.js';
import { buildRef } from './support/build-ref.js';
import { parseBenchArgs, positiveWholeNumber } from './support/parse-bench-args.js';

const USAGE = 'usage: node --import tsx bench/guard-fast-path.ts [--before <ref>] [--after <ref>|worktree] [--split train|dev|test] [--reps 5]';
const values = parseBenchArgs(
  {
    before: { type: 'string', default: '5bef73d' },
    after: { type: 'string', default: 'worktree' },
    split: { type: 'string', default: 'test' },
    reps: { type: 'string', default: '5' },
  },
  USAGE,
);
const reps = positiveWholeNumber('--reps', values.reps, USAGE);
if (!['train', 'dev', 'test'].includes(values.split)) {
  console.error(`--split must be train, dev or test, got "${values.split}"\n${USAGE}`);
  process.exit(2);
}
const TARGET_P50_US = 50;
const repository = resolve(import.meta.dirname, '..');

type AssessText = (text: string) => unknown;
async function loadAssessText(folder: string): Promise<AssessText> {
  const module = (await import(pathToFileURL(join(folder, 'dist', 'guard', 'assess-risk.js')).href)) as { assessText: AssessText };
  return module.assessText;
}

const records = readCorpus().filter((record) => record.split === values.split && record.text !== undefined);
const kinds = [...new Set(records.map((record) => record.kind))].sort();
console.log(`building ${values.before} and ${values.after} …`);
const folders = [buildRef(repository, values.before, 'safemed-guard-bench-'), buildRef(repository, values.after, 'safemed-guard-bench-')];
try {
  const [before, after] = await Promise.all(folders.map(loadAssessText)) as [AssessText, AssessText];
  const texts = records.map((record) => userText(record));
  // warm-up: loads both models and lets the JIT settle
  for (const text of texts.slice(0, 300)) {
    before(text);
    after(text);
  }
  const times = [texts.map(() => Infinity), texts.map(() => Infinity)] as [number[], number[]];
  let differ = 0;
  const microseconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1000;
  for (let rep = 0; rep < reps; rep += 1) {
    for (const [index, text] of texts.entries()) {
      let started = process.hrtime.bigint();
      const old = before(text);
      times[0][index] = Math.min(times[0][index] as number, microseconds(started));
      started = process.hrtime.bigint();
      const now = after(text);
      times[1][index] = Math.min(times[1][index] as number, microseconds(started));
      if (rep === 0 && JSON.stringify(old) !== JSON.stringify(now)) differ += 1;
    }
  }
  const percentiles = (samples: number[]) => {
    const sorted = [...samples].sort((left, right) => left - right);
    const at = (fraction: number) => (sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN).toFixed(1);
    return `${at(0.5).padStart(7)} ${at(0.9).padStart(7)} ${at(0.99).padStart(8)}`;
  };
  console.log(`guard fast path (assessText, compiled), ${values.split} split, fastest of ${String(reps)} runs per text, µs (Node ${process.version})`);
  console.log(`${'kind'.padEnd(16)} ${'texts'.padStart(6)}  ${`before ${values.before}`.padEnd(26)}  ${`after ${values.after}`.padEnd(26)}`);
  console.log(`${''.padEnd(16)} ${''.padStart(6)}  ${'p50     p90      p99'.padStart(24)}    ${'p50     p90      p99'.padStart(24)}`);
  const row = (label: string, indexes: number[]) => { console.log(`${label.padEnd(16)} ${String(indexes.length).padStart(6)}  ${percentiles(indexes.map((index) => times[0][index] as number))}    ${percentiles(indexes.map((index) => times[1][index] as number))}`); };
  for (const kind of kinds) row(kind, records.flatMap((record, index) => (record.kind === kind ? [index] : [])));
  row('all', records.map((_, index) => index));
  console.log(`target: p50 ≤ ${String(TARGET_P50_US)} µs. Texts whose assessment differs between the builds: ${String(differ)} of ${String(texts.length)}.`);
} finally {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
