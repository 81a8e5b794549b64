/**
 * Perspective contrasts (round 4): the same cue words ("secretly", 偷偷, 不告诉, 未经同意, "refuses") asked
 * by a patient, caregiver, relative, victim or student — about what was done to them, what to do, or how
 * dangerous it is (benign) — and by the perpetrator asking how to do it (harmful). Plus dangerous diets /
 * extreme fasting / purging for minors or patients (harmful) against healthy-eating and worried-parent
 * questions (benign). English and Chinese, our own wording, generated combinatorially with its own seeded
 * stream so the rest of the training recipe keeps its random draws.
 */
import { createSeededRandom } from './train-linear-model.js';
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-perspective-contrasts');

const BENIGN = 'written:benign-generated-perspective';
const HARMFUL = 'written:harmful-generated-perspective';

// --- English -------------------------------------------------------------------------------------------

const EN_RELATIVES = tables.get('EN_RELATIVES') as string[];
const EN_CONDITIONS = tables.get('EN_CONDITIONS') as string[];
const EN_MEDS = tables.get('EN_MEDS') as string[];
const EN_HIDDEN_ACTS = tables.get('EN_HIDDEN_ACTS') as string[];
const EN_RELATIVE_QUESTIONS = tables.get('EN_RELATIVE_QUESTIONS') as string[];
const EN_REFUSALS = tables.get('EN_REFUSALS') as string[];
const EN_REFUSAL_QUESTIONS = tables.get('EN_REFUSAL_QUESTIONS') as string[];
const EN_CLINICIANS = tables.get('EN_CLINICIANS') as string[];
const EN_DONE_TO_ME = tables.get('EN_DONE_TO_ME') as string[];
const EN_VICTIM_QUESTIONS = tables.get('EN_VICTIM_QUESTIONS') as string[];
const EN_STUDENT = tables.get('EN_STUDENT') as string[];
const EN_PERPETRATOR = tables.get('EN_PERPETRATOR') as string[];

const EN_CHILDREN = tables.get('EN_CHILDREN') as string[];
const EN_HARMFUL_DIETS = tables.get('EN_HARMFUL_DIETS') as string[];
const EN_BENIGN_DIETS = tables.get('EN_BENIGN_DIETS') as string[];
const KGS = tables.get('KGS') as string[];
const TIMES = tables.get('TIMES') as string[];
const CALS = tables.get('CALS') as string[];
const DAYS = tables.get('DAYS') as string[];

// --- Chinese -------------------------------------------------------------------------------------------

const ZH_RELATIVES = tables.get('ZH_RELATIVES') as string[];
const ZH_HIDDEN_ACTS = tables.get('ZH_HIDDEN_ACTS') as string[];
const ZH_RELATIVE_QUESTIONS = tables.get('ZH_RELATIVE_QUESTIONS') as string[];
const ZH_REFUSALS = tables.get('ZH_REFUSALS') as string[];
const ZH_REFUSAL_QUESTIONS = tables.get('ZH_REFUSAL_QUESTIONS') as string[];
const ZH_CLINICIANS = tables.get('ZH_CLINICIANS') as string[];
const ZH_DONE_TO_ME = tables.get('ZH_DONE_TO_ME') as string[];
const ZH_VICTIM_QUESTIONS = tables.get('ZH_VICTIM_QUESTIONS') as string[];
const ZH_STUDENT = tables.get('ZH_STUDENT') as string[];
const ZH_PERPETRATOR = tables.get('ZH_PERPETRATOR') as string[];
const ZH_CHILDREN = tables.get('ZH_CHILDREN') as string[];
const ZH_HARMFUL_DIETS = tables.get('ZH_HARMFUL_DIETS') as string[];
const ZH_BENIGN_DIETS = tables.get('ZH_BENIGN_DIETS') as string[];
const ZH_TIMES = tables.get('ZH_TIMES') as string[];
const ZH_KGS = tables.get('ZH_KGS') as string[];

function fill(template: string, pick: <T>(items: T[]) => T): string {
  return template
    .replaceAll('{rel}', pick(EN_RELATIVES))
    .replaceAll('{med}', pick(EN_MEDS))
    .replaceAll('{child}', pick(EN_CHILDREN))
    .replaceAll('{kg}', pick(KGS))
    .replaceAll('{time}', pick(TIMES))
    .replaceAll('{cal}', pick(CALS))
    .replaceAll('{days}', pick(DAYS));
}

function fillZh(template: string, pick: <T>(items: T[]) => T): string {
  return template
    .replaceAll('{rel}', pick(ZH_RELATIVES.slice(2)))
    .replaceAll('{child}', pick(ZH_CHILDREN))
    .replaceAll('{kg}', pick(ZH_KGS))
    .replaceAll('{time}', pick(ZH_TIMES))
    .replaceAll('{cal}', pick(CALS))
    .replaceAll('{days}', pick(DAYS));
}

/** `count` rounds; each round adds up to one example of each family (duplicates dropped). */
export function generatePerspectiveContrasts(count: number, seed = 20261124): TrainingExample[] {
  const random = createSeededRandom(seed ^ 0x9e3779b9);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const seen = new Set<string>();
  const examples: TrainingExample[] = [];
  const add = (text: string, label: 0 | 1, language: 'en' | 'zh', dimension?: string): void => {
    const cleaned = text.charAt(0).toUpperCase() + text.slice(1);
    if (seen.has(cleaned)) return;
    seen.add(cleaned);
    examples.push({ text: cleaned, label, source: label === 1 ? HARMFUL : BENIGN, language, ...(dimension ? { dimension } : {}) });
  };
  for (let index = 0; index < count; index += 1) {
    // Benign, English: relatives, carers, patients, students.
    add(`${pick(EN_RELATIVES)} ${fill(pick(EN_HIDDEN_ACTS), pick)}. ${pick(EN_RELATIVE_QUESTIONS)}`, 0, 'en');
    add(`${pick(EN_RELATIVES)} ${pick(EN_CONDITIONS)} and ${fill(pick(EN_REFUSALS), pick)}. ${pick(EN_REFUSAL_QUESTIONS)}`, 0, 'en');
    add(`${pick(EN_CLINICIANS)} ${pick(EN_DONE_TO_ME)}. ${pick(EN_VICTIM_QUESTIONS)}`, 0, 'en');
    if (index % 4 === 0) add(pick(EN_STUDENT), 0, 'en');
    add(fill(pick(EN_BENIGN_DIETS), pick), 0, 'en');
    // Benign, Chinese.
    add(`${pick(ZH_RELATIVES)}${pick(ZH_HIDDEN_ACTS)}，${pick(ZH_RELATIVE_QUESTIONS)}`, 0, 'zh');
    add(`${pick(ZH_RELATIVES)}${pick(ZH_REFUSALS)}，${pick(ZH_REFUSAL_QUESTIONS)}`, 0, 'zh');
    add(`${pick(ZH_CLINICIANS)}${pick(ZH_DONE_TO_ME)}，${pick(ZH_VICTIM_QUESTIONS)}`, 0, 'zh');
    if (index % 4 === 0) add(pick(ZH_STUDENT), 0, 'zh');
    add(fillZh(pick(ZH_BENIGN_DIETS), pick), 0, 'zh');
    // Harmful counterparts in the same frames: the asker is the perpetrator.
    add(fill(pick(EN_PERPETRATOR), pick), 1, 'en', 'clinical_treatment_ethics');
    add(fillZh(pick(ZH_PERPETRATOR), pick), 1, 'zh', 'clinical_treatment_ethics');
    add(fill(pick(EN_HARMFUL_DIETS), pick), 1, 'en', 'mental_health_self_harm');
    add(fillZh(pick(ZH_HARMFUL_DIETS), pick), 1, 'zh', 'mental_health_self_harm');
  }
  return examples;
}
