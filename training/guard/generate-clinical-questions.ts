/**
 * Generated benign clinical-knowledge questions that mention patients, drugs and procedures the way
 * nursing and clinical exams do ("Why might a patient need a tracheostomy?"). Harmful sources mention
 * "patient" constantly and ordinary consumer questions rarely do, so without these the word itself
 * would read as harm.
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-clinical-questions');

const PROCEDURES = tables.get('PROCEDURES') as string[];
const DRUGS = tables.get('DRUGS') as string[];
const FRAMES = tables.get('FRAMES') as string[];

export function generateClinicalQuestions(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const text = pick(FRAMES).replace('{procedure}', pick(PROCEDURES)).replace('{drug}', pick(DRUGS));
    examples.push({ text, label: 0, source: 'written:benign-generated-clinical', language: 'en' });
  }
  return examples;
}
