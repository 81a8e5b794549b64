/**
 * PHI redaction quality and cost (issue 8):
 *   1. false positives: the share of redacted tokens in 1,000 PHI-free MedQuAD questions (seeded sample
 *      of ../shared/data/benign/medquad.jsonl, read at dev time only; target <= 0.5 %), with the
 *      redacted spans listed;
 *   2. recall on the probe set (data/phi/probes.jsonl) with a fresh redactor per probe;
 *   3. CPU per new question with and without the prescan (same output), and time per MB for texts of
 *      several shapes (the redactor is linear; the audit worker runs it).
 *
 *   node --import tsx bench/phi-redaction.ts [--sample 1000] [--seed 7]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPhiRedactor, redactPhiDetailed } from '../src/guard/redact-phi.js';

const { values } = parseArgs({ options: { sample: { type: 'string', default: '1000' }, seed: { type: 'string', default: '7' } } });

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

const random = mulberry32(Number(values.seed));
const questions = readFileSync(new URL('../../shared/data/benign/medquad.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { question: string }).question);
for (let index = questions.length - 1; index > 0; index -= 1) {
  const other = Math.floor(random() * (index + 1));
  const [here, there] = [questions[index], questions[other]];
  if (here === undefined || there === undefined) throw new Error('shuffle index out of range');
  [questions[index], questions[other]] = [there, here];
}
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

const probes = readFileSync(new URL('../data/phi/probes.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
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
for (const [round, prescan] of [false, true, false, true].entries()) {
  const started = process.cpuUsage();
  for (const [index, question] of sample.entries()) redactPhiDetailed(`${question} (${String(index)}-${String(round)})`, { prescan });
  const micros = process.cpuUsage(started).user / sample.length;
  console.log(`redaction CPU per new MedQuAD question, prescan ${prescan ? 'on ' : 'off'}: ${micros.toFixed(1)} µs`);
}

const shapes: Record<string, string> = {
  'no spaces': 'a'.repeat(1_000_000),
  'a@ repeated': 'a@'.repeat(500_000),
  'digits and spaces': '1 '.repeat(500_000),
  'Patient repeated': 'Patient '.repeat(125_000),
  'clinical prose': 'A 67-year-old man with BP 150/95 mmHg on amlodipine 5 mg daily asks about lisinopril. '.repeat(11_500),
  'Chinese': '患者主诉头痛3天，血压160/100 mmHg。'.repeat(45_000),
};
for (const [name, text] of Object.entries(shapes)) {
  const started = performance.now();
  redactPhiDetailed(text);
  const ms = performance.now() - started;
  console.log(`redaction time, ${name}: ${(text.length / 1e6).toFixed(2)} M chars in ${ms.toFixed(0)} ms`);
}
