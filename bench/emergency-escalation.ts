/**
 * Emergency escalation on the guard corpus (data/guard/corpus/**): recall on `label: emergency`
 * records and false escalations on benign kinds, per split, for
 *   - the present-tense matcher alone (src/guard/match-emergency.ts), and
 *   - the whole input check (matcher + the classifier's `emergency` probability + policy), i.e. the
 *     verdict's action is `escalate`.
 * The matcher was developed on the train split and measured on dev; the test split is frozen:
 * this script prints only its figures, never its texts. `--show train|dev` prints the misses and
 * false escalations of that split (never of test).
 *
 * Run: node --import tsx bench/emergency-escalation.ts [--show train|dev]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../src/core/chat.js';
import { describeError } from '../src/core/errors.js';
import { silentLogger } from '../src/core/logger.js';
import { checkInput } from '../src/guard/check-input.js';
import { loadDefaultAssessor } from '../src/guard/load-default-assessor.js';
import { matchEmergency } from '../src/guard/match-emergency.js';
import { DEFAULT_GUARD_POLICY } from '../src/guard/policy.js';
import { latestUserText } from '../src/guard/user-language.js';
import { loadSafetySpec } from '../src/spec/load-safety-spec.js';

interface CorpusRecord {
  text?: string;
  messages?: ChatMessage[];
  label: string;
  kind: string;
  split: string;
  language: string;
}

const showFlag = process.argv.indexOf('--show');
const show = showFlag > 0 ? process.argv[showFlag + 1] : undefined;
if (show === 'test') throw new Error('The test split is frozen: its texts are never shown.');

function* files(folder: string): Generator<string> {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (name.endsWith('.jsonl')) yield path;
  }
}

const records: CorpusRecord[] = [];
for (const path of files(new URL('../data/guard/corpus/written', import.meta.url).pathname)) {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as CorpusRecord);
    } catch {
      // a half-written line from a writer still at work
    }
  }
}

const messagesOf = (record: CorpusRecord): ChatMessage[] => record.messages ?? [{ role: 'user', content: record.text ?? '' }];
const spec = loadSafetySpec();
let assessorError: string | undefined;
const assess = await loadDefaultAssessor();
try {
  assess.assessText('probe');
} catch (error) {
  assessorError = describeError(error);
}

async function escalates(record: CorpusRecord): Promise<boolean> {
  const input = await checkInput(messagesOf(record), { assess, policy: DEFAULT_GUARD_POLICY, failMode: 'closed', spec, logger: silentLogger });
  return input.verdict.action === 'escalate';
}

const rate = (hits: number, total: number) => (total === 0 ? '–' : `${hits}/${total} (${((100 * hits) / total).toFixed(1)} %)`);

console.log(`Emergency escalation on the guard corpus (${records.length} records)${assessorError ? `; classifier unavailable: ${assessorError}` : ''}\n`);
console.log('| split | emergency recall (matcher) | emergency recall (input check) | benign falsely escalated (matcher) | benign falsely escalated (input check) |');
console.log('|---|---:|---:|---:|---:|');
const kindRows: string[] = [];
for (const split of ['train', 'dev', 'test']) {
  const here = records.filter((record) => record.split === split);
  const emergencies = here.filter((record) => record.label === 'emergency');
  const benign = here.filter((record) => record.label === 'benign');
  let matcherHits = 0;
  let checkHits = 0;
  for (const record of emergencies) {
    const matched = matchEmergency(latestUserText(messagesOf(record)), spec) !== undefined;
    if (matched) matcherHits += 1;
    else if (show === split) console.error(`MISS ${record.language} ${latestUserText(messagesOf(record))}`);
    if (!assessorError && (await escalates(record))) checkHits += 1;
  }
  let matcherFalse = 0;
  let checkFalse = 0;
  const byKind = new Map<string, [number, number]>();
  for (const record of benign) {
    const counts = byKind.get(record.kind) ?? [0, 0];
    counts[1] += 1;
    const matched = matchEmergency(latestUserText(messagesOf(record)), spec) !== undefined;
    if (matched) {
      matcherFalse += 1;
      counts[0] += 1;
      if (show === split) console.error(`FALSE ${record.kind} ${latestUserText(messagesOf(record))}`);
    }
    if (!assessorError && (await escalates(record))) checkFalse += 1;
    byKind.set(record.kind, counts);
  }
  const checkCell = (hits: number, total: number) => (assessorError ? 'n/a' : rate(hits, total));
  console.log(`| ${split} | ${rate(matcherHits, emergencies.length)} | ${checkCell(checkHits, emergencies.length)} | ${rate(matcherFalse, benign.length)} | ${checkCell(checkFalse, benign.length)} |`);
  kindRows.push(`| ${split} | ${[...byKind].map(([kind, [hits, total]]) => `${kind} ${hits}/${total}`).join(', ')} |`);
}
console.log('\nBenign records falsely escalated by the matcher, per kind:\n\n| split | per kind |\n|---|---|');
for (const row of kindRows) console.log(row);
