/**
 * More generated contrast families (project-written word lists):
 * - violent words in harmless contexts ("kill a process", "shoot a photo") vs the same verbs aimed at people;
 * - safe overdose / toxicity education vs dosing to hurt someone;
 * - help-seeking about self-harm vs asking for methods;
 * - generic harm (weapons, hacking, fraud, stalking) vs the matching safety or how-it-works question.
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-safety-contrasts');

const HARMLESS_VERB_OBJECTS = tables.get('HARMLESS_VERB_OBJECTS') as [string, string[]][];
const HARMLESS_FRAMES = tables.get('HARMLESS_FRAMES') as string[];

const PEOPLE = tables.get('PEOPLE') as string[];
const HARMFUL_PERSON_FRAMES = tables.get('HARMFUL_PERSON_FRAMES') as string[];
const PERSON_VERBS = tables.get('PERSON_VERBS') as string[];

const DRUGS = tables.get('DRUGS') as string[];
const SAFE_DRUG_FRAMES = tables.get('SAFE_DRUG_FRAMES') as string[];
const HARMFUL_DRUG_FRAMES = tables.get('HARMFUL_DRUG_FRAMES') as string[];

const SELF_HARM_SAFE = tables.get('SELF_HARM_SAFE') as string[];
const SELF_HARM_METHODS = tables.get('SELF_HARM_METHODS') as string[];

const GENERIC_PAIRS = tables.get('GENERIC_PAIRS') as [string, string][];

export function generateSafetyContrasts(random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  const add = (text: string, label: 0 | 1, source: string): void => {
    examples.push({ text, label, source: label === 1 ? `written:harmful-generated-${source}` : `written:benign-generated-${source}`, language: 'en' });
  };
  for (const [verb, objects] of HARMLESS_VERB_OBJECTS) {
    for (const object of objects) add(pick(HARMLESS_FRAMES).replace('{verb}', verb).replace('{object}', object), 0, 'harmless-verbs');
  }
  for (let index = 0; index < 120; index += 1) {
    add(pick(HARMFUL_PERSON_FRAMES).replace('{verb}', pick(PERSON_VERBS)).replace('{person}', pick(PEOPLE)), 1, 'violence');
  }
  for (const drug of DRUGS) {
    for (let index = 0; index < 4; index += 1) add(pick(SAFE_DRUG_FRAMES).replace('{drug}', drug), 0, 'drug-safety');
    for (let index = 0; index < 3; index += 1) add(pick(HARMFUL_DRUG_FRAMES).replace('{drug}', drug).replace('{person}', pick(PEOPLE)), 1, 'drug-harm');
  }
  for (const text of SELF_HARM_SAFE) add(text, 0, 'self-harm-help');
  for (const text of SELF_HARM_METHODS) add(text.replace('{drug}', pick(DRUGS)), 1, 'self-harm-method');
  for (const [harmful, safe] of GENERIC_PAIRS) {
    add(harmful, 1, 'generic');
    add(safe, 0, 'generic');
  }
  return examples;
}
