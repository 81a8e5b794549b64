/**
 * PHI redaction quality and cost (issue 8):
 *   1. false positives: the share of redacted tokens in 1,000 PHI-free MedQuAD questions (seeded sample
 *      of ../shared/data/benign/medquad.jsonl, read at dev time only; target <= 0.5 %), with the
 *      redacted spans listed;
 *   2. Chinese false positives: the share of PHI-free Chinese patient questions (the `ask` field of a
 *      seeded sample of ../shared/data/benign/zh_medical_dialogue.jsonl) in which anything became
 *      [NAME], with the spans listed for reading by eye; the sample is the figure to report, the
 *      other asks are printed as well (the lists in data/phi/chinese-names.yaml were reviewed against
 *      the asks outside the sample — though the first listing, before the lists existed, covered all
 *      asks); the doctors' answers of the same dialogues too (listed once, after the lists were written);
 *   3. recall on the probe set (data/phi/probes.jsonl) with a fresh redactor per probe;
 *   4. CPU per new question with and without the prescan (same output; min and median of 10 rounds), and time
 *      per MB for texts of several shapes (the redactor is linear; the audit worker runs it).
 *
 *   node --import tsx bench/phi-redaction.ts [--sample 1000] [--seed 7]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPhiRedactor, redactPhiDetailed } from '../src/guard/redact-phi.js';

const { values } = parseArgs({
  options: { sample: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' }, 'list-rest': { type: 'boolean', default: false } },
});

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<Item>(items: Item[], seed: number): Item[] {
  const random = mulberry32(seed);
  const out = [...items];
  for (let index = out.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const [here, there] = [out[index], out[other]];
    if (here === undefined || there === undefined) throw new Error('shuffle index out of range');
    [out[index], out[other]] = [there, here];
  }
  return out;
}

const readLines = (path: string) =>
  readFileSync(new URL(path, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
const questions = shuffled(
  readLines('../../shared/data/benign/medquad.jsonl').map((line) => (JSON.parse(line) as { question: string }).question),
  Number(values.seed),
);
const sample = questions.slice(0, Number(values.sample));
let tokens = 0;
let redactedTokens = 0;
const spans: string[] = [];
for (const question of sample) {
  tokens += question.split(/\s+/).filter(Boolean).length;
  const result = redactPhiDetailed(question);
  for (const { type, value } of result.values) {
    redactedTokens += value.split(/\s+/).filter(Boolean).length;
    spans.push(`${type}: ${value}  <- ${question.slice(0, 100)}`);
  }
}
console.log(`MedQuAD false positives: ${sample.length} questions, ${tokens} tokens, ${redactedTokens} redacted = ${((100 * redactedTokens) / tokens).toFixed(3)} % (target <= 0.5 %)`);
for (const span of spans) console.log(`  ${span}`);

const dialogues = readLines('../../shared/data/benign/zh_medical_dialogue.jsonl').map((line) => JSON.parse(line) as { ask: string; answer: string });
const asks = shuffled(
  dialogues.map((dialogue) => dialogue.ask),
  Number(values.seed),
);
const chineseSample = asks.slice(0, Number(values.sample));
const chineseRest = asks.slice(Number(values.sample));
function chineseNames(texts: string[], label: string, list: boolean): void {
  let named = 0;
  const lines: string[] = [];
  for (const text of texts) {
    const names = redactPhiDetailed(text).values.filter((value) => value.type === 'NAME');
    if (names.length === 0) continue;
    named += 1;
    lines.push(`  ${names.map((name) => name.value).join(' | ')}  <- ${text.slice(0, 80)}`);
  }
  console.log(`Chinese texts with a [NAME], ${label}: ${String(named)}/${String(texts.length)} = ${((100 * named) / texts.length).toFixed(2)} % (read the list: a real name is not a false positive)`);
  if (list) for (const line of lines) console.log(line);
}
chineseNames(chineseSample, `seeded sample of the asks (seed ${values.seed})`, true);
chineseNames(chineseRest, 'the other asks (where the lists were reviewed)', values['list-rest']);
// The doctors' answers of the same dialogues: listed once after the lists were written (应 and 和 were added then).
chineseNames(dialogues.map((dialogue) => dialogue.answer), "all the doctors' answers", true);

const probes = readLines('../data/phi/probes.jsonl')
  .map((line) => JSON.parse(line) as { id: string; text: string; secrets: string[]; placement: string });
let planted = 0;
let caught = 0;
for (const probe of probes) {
  const redact = createPhiRedactor();
  const text = redact(probe.text);
  for (const secret of probe.secrets) {
    planted += 1;
    if (!text.includes(secret)) caught += 1;
  }
}
console.log(`probe set, text alone (no field policy): ${caught}/${planted} planted strings redacted`);

// CPU per text for new texts (no clean-text cache): the MedQuAD sample, with and without the prescan
// (the rules whose label or keyword is absent are skipped; same output).
const median = (numbers: number[]) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)] ?? Number.NaN;
for (const [name, texts] of [['MedQuAD question', sample], ['Chinese ask', chineseSample]] as const) {
  const rounds: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < 20; round += 1) {
    const prescan = round % 2 === 1;
    const started = process.cpuUsage();
    for (const [index, text] of texts.entries()) redactPhiDetailed(`${text} (${String(index)}-${String(round)})`, { prescan });
    rounds[prescan ? 'on' : 'off'].push(process.cpuUsage(started).user / texts.length);
  }
  for (const key of ['off', 'on'] as const) {
    console.log(`redaction CPU per new ${name}, prescan ${key.padEnd(3)}: min ${Math.min(...rounds[key]).toFixed(1)} µs, median ${median(rounds[key]).toFixed(1)} µs of ${String(rounds[key].length)} rounds (min: least disturbed by other processes)`);
  }
}

const shapes: Record<string, string> = {
  'no spaces': 'a'.repeat(1_000_000),
  'a@ repeated': 'a@'.repeat(500_000),
  'digits and spaces': '1 '.repeat(500_000),
  'Patient repeated': 'Patient '.repeat(125_000),
  'clinical prose': 'A 67-year-old man with BP 150/95 mmHg on amlodipine 5 mg daily asks about lisinopril. '.repeat(11_500),
  'Chinese': '患者主诉头痛3天，血压160/100 mmHg。'.repeat(45_000),
  'Chinese person cues': '我是张伟，我妈妈高血压，患者应当按时吃药。'.repeat(50_000),
  'capitals': 'PATIENT: MARY O\'BRIEN, CHF EXACERBATION, NPO AFTER MIDNIGHT. '.repeat(17_000),
  'IP-like': '10.0.0.1 fe80::1 1.2.3.4.5 12:30:45 '.repeat(30_000),
};
for (const [name, text] of Object.entries(shapes)) {
  const started = performance.now();
  redactPhiDetailed(text);
  const ms = performance.now() - started;
  console.log(`redaction time, ${name}: ${(text.length / 1e6).toFixed(2)} M chars in ${ms.toFixed(0)} ms`);
}
