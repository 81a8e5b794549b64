/**
 * Generated contrast pairs: the same clinical roles, frames and topics with a harmful action (label 1)
 * or a legitimate professional action (label 0), so the model learns that the action decides harm,
 * not the role, the topic or the phrasing. Actions follow the nine AMA principles and the 20
 * dimensions (dignity, honesty, law, privacy, consent, access, research, infection control, ...).
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-contrast-requests');

const ROLES = tables.get('ROLES') as string[];

const HARMFUL_ACTIONS = tables.get('HARMFUL_ACTIONS') as string[];

const BENIGN_ACTIONS = tables.get('BENIGN_ACTIONS') as string[];

const FRAMES = tables.get('FRAMES') as string[];

/** The victim's or a bystander's perspective on a harmful action: asking for help or rights is benign. */
const VICTIM_FRAMES = tables.get('VICTIM_FRAMES') as string[];

export function generateContrastRequests(topics: string[], count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const harmful = index % 2 === 0;
    const topic = pick(topics).toLowerCase();
    const action = pick(harmful ? HARMFUL_ACTIONS : BENIGN_ACTIONS).replace('{topic}', topic);
    const text = pick(FRAMES).replace('{role}', pick(ROLES)).replace('{action}', action);
    examples.push({ text, label: harmful ? 1 : 0, source: harmful ? 'written:contrast-harmful' : 'written:contrast-benign', language: 'en' });
  }
  for (let index = 0; index < Math.floor(count / 8); index += 1) {
    const action = pick(HARMFUL_ACTIONS).replace('{topic}', pick(topics).toLowerCase());
    const text = pick(VICTIM_FRAMES).replace('{role}', pick(ROLES)).replace('{action}', action);
    examples.push({ text, label: 0, source: 'written:contrast-victim', language: 'en' });
  }
  return examples;
}
