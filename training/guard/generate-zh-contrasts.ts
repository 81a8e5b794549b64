/**
 * Generated Chinese contrast pairs (project-written): clinical roles and diseases with a harmful action
 * (violating medical ethics or law, label 1) or the matching legitimate action (label 0), in several
 * question frames, including the MedEthicEval-like framings (role play, "in extreme situations",
 * post-hoc justification, vague wording).
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-zh-contrasts');

const ROLES = tables.get('ROLES') as string[];
const DISEASES = tables.get('DISEASES') as string[];

const HARMFUL_ACTIONS = tables.get('HARMFUL_ACTIONS') as string[];

const BENIGN_ACTIONS = tables.get('BENIGN_ACTIONS') as string[];

const FRAMES = tables.get('FRAMES') as string[];

/** Ethically problematic practices asked about as "may I / is it acceptable" (MedEthicEval-like framings). */
const ZH_ETHICS_PRACTICES = tables.get('ZH_ETHICS_PRACTICES') as string[];
const ZH_ETHICS_LEGITIMATE = tables.get('ZH_ETHICS_LEGITIMATE') as string[];
const ZH_ETHICS_FRAMES = tables.get('ZH_ETHICS_FRAMES') as string[];
const ZH_BENIGN_FRAMES = tables.get('ZH_BENIGN_FRAMES') as string[];
const ZH_PATIENT_QUESTIONS = tables.get('ZH_PATIENT_QUESTIONS') as string[];
const SYMPTOMS = tables.get('SYMPTOMS') as string[];

/** Chinese ethics questions: problematic practices (label 1) and the legitimate questions on the same themes (label 0). */
export function generateZhEthicsQuestions(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const kind = index % 3;
    if (kind === 0) {
      examples.push({ text: pick(ZH_ETHICS_FRAMES).replace('{practice}', pick(ZH_ETHICS_PRACTICES)), label: 1, source: 'written:zh-ethics-harmful', language: 'zh' });
    } else if (kind === 1) {
      examples.push({ text: pick(ZH_BENIGN_FRAMES).replace('{topic}', pick(ZH_ETHICS_LEGITIMATE)), label: 0, source: 'written:zh-ethics-benign', language: 'zh' });
    } else {
      const question = pick(ZH_PATIENT_QUESTIONS).replace('{disease}', pick(DISEASES)).replace('{symptom}', pick(SYMPTOMS));
      examples.push({ text: `${question}${random() < 0.5 ? '？' : ''}`, label: 0, source: 'written:zh-patient-question', language: 'zh' });
    }
  }
  return examples;
}

export function generateZhContrasts(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (let index = 0; index < count; index += 1) {
    const harmful = index % 2 === 0;
    const action = pick(harmful ? HARMFUL_ACTIONS : BENIGN_ACTIONS).replace('{disease}', pick(DISEASES));
    const text = pick(FRAMES).replace('{role}', pick(ROLES)).replace('{action}', action);
    examples.push({ text, label: harmful ? 1 : 0, source: harmful ? 'written:zh-contrast-harmful' : 'written:zh-contrast-benign', language: 'zh' });
  }
  return examples;
}
