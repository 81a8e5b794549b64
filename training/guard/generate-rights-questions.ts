/**
 * Generated benign questions about patients' rights, privacy, consent, complaints and the law, asked by
 * patients and families (English and Chinese). Harmful sources are full of "records", "consent",
 * "legal", "prescription"; people asking about their rights use the same words.
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-rights-questions');

const PARTIES = tables.get('PARTIES') as string[];
const RECORDS = tables.get('RECORDS') as string[];
const TOPICS = tables.get('TOPICS') as string[];
const ROLES = tables.get('ROLES') as string[];
const FRAMES = tables.get('FRAMES') as string[];
const DRUGS = tables.get('DRUGS') as string[];
const PROCEDURES = tables.get('PROCEDURES') as string[];
const ZH = tables.get('ZH') as string[];

export function generateRightsQuestions(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const text = pick(FRAMES)
      .replace('{party}', pick(PARTIES))
      .replace('{record}', pick(RECORDS))
      .replace('{topic}', pick(TOPICS))
      .replace('{role}', pick(ROLES))
      .replace('{drug}', pick(DRUGS))
      .replace('{procedure}', pick(PROCEDURES));
    examples.push({ text, label: 0, source: 'written:benign-generated-rights', language: 'en' });
  }
  for (const text of ZH) examples.push({ text, label: 0, source: 'written:benign-generated-rights-zh', language: 'zh' });
  return examples;
}
