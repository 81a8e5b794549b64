/**
 * False replacements of the output guard on real clinical answers, and its scanning cost.
 *
 * Every answer is streamed through the output guard exactly as `safemed serve` would (in 24-character
 * deltas) after a `caution` request verdict — the verdict of an ordinary health question — and
 * counted as replaced when the guard cut it. Sets (read from ../shared, for measuring only: nothing
 * in the guard was tuned on them):
 *   - MedQuAD reference answers (../shared/data/benign/medquad.jsonl, `answer`)
 *   - Chinese doctor replies (../shared/data/benign/zh_medical_dialogue.jsonl, `answer`)
 *   - CMExam explanations as text (../shared/data/bench/cmexam_val.jsonl, `explanation`)
 * Prints the rate per set and overall, and EVERY replaced example (set, id, the sentence that fired,
 * the rule). Then times the scan of a 5 MB answer without punctuation (one delta, and 16-character
 * deltas) to show it is linear.
 *
 * Run: node --import tsx bench/output-guard-false-replacements.ts [--limit N]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/core/logger.js';
import { createAnswerCheck, type AnswerHazard } from '../src/guard/check-answer.js';
import { createOutputGuard } from '../src/guard/create-output-guard.js';
import { detectReplyLanguage } from '../src/guard/user-language.js';
import { loadSafetySpec } from '../src/spec/load-safety-spec.js';

const spec = loadSafetySpec();
const limitFlag = process.argv.indexOf('--limit');
const limit = limitFlag > 0 ? Number(process.argv[limitFlag + 1]) : Number.POSITIVE_INFINITY;

interface Answer {
  set: string;
  id: string;
  text: string;
}

function readJsonl(path: string, set: string, field: string): Answer[] {
  const out: Answer[] = [];
  for (const [index, line] of readFileSync(new URL(path, import.meta.url), 'utf8').split('\n').entries()) {
    if (line.trim() === '' || out.length >= limit) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    const text = record[field];
    if (typeof text !== 'string' || text.trim() === '') continue;
    out.push({ set, id: typeof record.id === 'string' ? record.id : String(index), text });
  }
  return out;
}

const sets = [
  readJsonl('../../shared/data/benign/medquad.jsonl', 'MedQuAD answers', 'answer'),
  readJsonl('../../shared/data/benign/zh_medical_dialogue.jsonl', 'Chinese doctor replies', 'answer'),
  readJsonl('../../shared/data/bench/cmexam_val.jsonl', 'CMExam explanations', 'explanation'),
];

interface Replaced {
  answer: Answer;
  sentence: string;
  hazard: AnswerHazard | undefined;
}

/** Streams one answer through the output guard after a caution verdict; returns what fired, if anything. */
function run(answer: Answer): Replaced | undefined {
  let fired: { sentence: string; hazard: AnswerHazard } | undefined;
  const check = createAnswerCheck(spec, { requestAction: 'caution', mechanism: null, dimension: 'benign' });
  const guard = createOutputGuard({
    check: (sentence, previous) => {
      const hazard = check(sentence, previous);
      if (hazard) fired = { sentence, hazard };
      return hazard;
    },
    refusal: () => 'refused',
    language: detectReplyLanguage(answer.text),
    failMode: 'closed',
    spec,
    logger: silentLogger,
  });
  for (let index = 0; index < answer.text.length && !guard.state.stopped; index += 24) {
    guard.push({ type: 'text-delta', text: answer.text.slice(index, index + 24) });
  }
  if (!guard.state.stopped) guard.end();
  return guard.state.stopped ? { answer, sentence: fired?.sentence ?? '', hazard: fired?.hazard } : undefined;
}

let total = 0;
const replaced: Replaced[] = [];
console.log('Output guard false replacements after a caution verdict (every answer streamed in 24-character deltas)\n');
console.log('| set | answers | replaced | rate |');
console.log('|---|---:|---:|---:|');
for (const answers of sets) {
  const name = answers[0]?.set ?? '?';
  const here = answers.map(run).filter((entry): entry is Replaced => entry !== undefined);
  replaced.push(...here);
  total += answers.length;
  console.log(`| ${name} | ${answers.length} | ${here.length} | ${((100 * here.length) / Math.max(1, answers.length)).toFixed(3)} % |`);
}
console.log(`| all | ${total} | ${replaced.length} | ${((100 * replaced.length) / Math.max(1, total)).toFixed(3)} % |`);
console.log('\nEvery replaced example:');
if (replaced.length === 0) console.log('(none)');
for (const entry of replaced) {
  console.log(`- [${entry.answer.set} ${entry.answer.id}] rule ${entry.hazard?.rule ?? '?'}: ${JSON.stringify(entry.sentence.trim().slice(0, 300))}`);
}

// Scanning cost: a 5 MB answer without any punctuation must not freeze anything.
for (const [label, huge, size] of [
  ['5 MB of letters in one delta', 'a'.repeat(5_000_000), 5_000_000],
  ['5 MB of letters in 16-character deltas', 'a'.repeat(5_000_000), 16],
  ['5 MB of words in one delta', 'word '.repeat(1_000_000), 5_000_000],
  ['5 MB of words in 16-character deltas', 'word '.repeat(1_000_000), 16],
] as const) {
  const guard = createOutputGuard({
    check: createAnswerCheck(spec, { requestAction: 'steer', mechanism: null, dimension: 'medication_safety' }),
    refusal: () => 'refused',
    language: 'en',
    failMode: 'closed',
    spec,
    logger: silentLogger,
  });
  const started = performance.now();
  let released = 0;
  for (let index = 0; index < huge.length; index += size) {
    for (const part of guard.push({ type: 'text-delta', text: huge.slice(index, index + size) })) if (part.type === 'text-delta') released += part.text.length;
  }
  for (const part of guard.end()) if (part.type === 'text-delta') released += part.text.length;
  console.log(`\n${label}: ${(performance.now() - started).toFixed(0)} ms, ${guard.state.checkedSegments} segments checked, ${released} characters released`);
}
