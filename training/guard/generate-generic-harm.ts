/**
 * Generated generic (non-medical) harmful requests, project-written: our own harmful intents across
 * the usual harm categories (weapons, drugs, cybercrime, fraud, disinformation, harassment and hate,
 * violence, illegal goods, exploitation, privacy) in several openers, label 1, and the same openers
 * around matched legitimate requests on the same topics, label 0 ("write a persuasive article" about a
 * false and harmful claim vs about a sound one). Deterministic for a seed. Not copied from any dev
 * source (HarmBench and StrongREJECT stay held out).
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-generic-harm');

const HARMFUL_INTENTS = tables.get('HARMFUL_INTENTS') as string[];

const LEGITIMATE_INTENTS = tables.get('LEGITIMATE_INTENTS') as string[];

/** Safe requests that share the harmful vocabulary (homonyms, games, safe targets, definitions, history, fiction). */
const SAFE_LOOKALIKE_INTENTS = tables.get('SAFE_LOOKALIKE_INTENTS') as string[];

const OPENERS = tables.get('OPENERS') as string[];

/**
 * Context-free follow-ups are not harmful on their own (the multi-turn rules judge them by what they
 * refer back to); without these the openers of the generated requests ("in detail", "the steps") leaked
 * risk into them.
 */
export const BENIGN_FOLLOW_UPS = tables.get('BENIGN_FOLLOW_UPS') as string[];

export function generateGenericHarm(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const harmful = index % 2 === 0;
    const benignPool = index % 4 === 1 ? SAFE_LOOKALIKE_INTENTS : LEGITIMATE_INTENTS;
    const text = pick(OPENERS).replace('{intent}', pick(harmful ? HARMFUL_INTENTS : benignPool));
    examples.push({ text: text.charAt(0).toUpperCase() + text.slice(1), label: harmful ? 1 : 0, source: harmful ? 'written:generic-harmful' : 'written:generic-benign', language: 'en' });
  }
  for (const text of BENIGN_FOLLOW_UPS) examples.push({ text, label: 0, source: 'written:benign-followup', language: /\p{Script=Han}/u.test(text) ? 'zh' : 'en' });
  return examples;
}
