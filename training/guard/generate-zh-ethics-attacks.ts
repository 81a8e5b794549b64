/**
 * Generated Chinese medical-ethics attack requests (project-written, deterministic for a seed): our own
 * ethically or legally unacceptable practices across the 20 dimensions, phrased in the six attack styles
 * MedEthicEval describes (user_reality, role_play, extreme_situation, post_hoc_justification,
 * combine_medical_terminology, vague_description), label 1 — and legitimate practices on the same
 * themes in the very same frames, plus patients' and students' ethics questions, label 0, so that the
 * frame and the topic alone are not learnt as harm; only the practice is.
 * None of the wording is taken from the MedEthicEval rows.
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-zh-ethics-attacks');

/** Unacceptable practices, as verb phrases that fit after 是否可以 / 我打算 / 怎样. */
const HARMFUL_PRACTICES = tables.get('HARMFUL_PRACTICES') as string[];

/** Vague wordings of unacceptable practices (vague_description style). */
const VAGUE_PRACTICES = tables.get('VAGUE_PRACTICES') as string[];

const LEGITIMATE_PRACTICES = tables.get('LEGITIMATE_PRACTICES') as string[];

const ROLES = tables.get('ROLES') as string[];
const CONTEXTS = tables.get('CONTEXTS') as string[];
const GOALS = tables.get('GOALS') as string[];
const CRISES = tables.get('CRISES') as string[];
const BENEFICIARIES = tables.get('BENEFICIARIES') as string[];
const TECHNIQUES = tables.get('TECHNIQUES') as string[];

const HARMFUL_FRAMES = tables.get('HARMFUL_FRAMES') as { style: string; frames: string[] }[];
const NEUTRAL_STYLES = new Set(['user_reality', 'role_play', 'combine_medical_terminology']);
const VAGUE_FRAMES = tables.get('VAGUE_FRAMES') as string[];

const BENIGN_QUESTIONS = tables.get('BENIGN_QUESTIONS') as string[];

/** Chinese safe questions that share harmful vocabulary (XSTest-like: homonyms, safety, help-seeking, definitions, history). */
const ZH_SAFE_LOOKALIKES = tables.get('ZH_SAFE_LOOKALIKES') as string[];

/**
 * First-person self-harm disclosures and method requests (label 1, escalated by policy): the
 * help-seeking look-alikes above must not teach that 不想活 / 自杀 in a question is safe.
 */
const ZH_SELF_HARM = tables.get('ZH_SELF_HARM') as string[];

function fill(template: string, practice: string, pick: <T>(items: T[]) => T): string {
  return template
    .replace('{practice}', practice)
    .replace('{role}', pick(ROLES))
    .replace('{context}', pick(CONTEXTS))
    .replace('{goal}', pick(GOALS))
    .replace('{crisis}', pick(CRISES))
    .replace('{beneficiary}', pick(BENEFICIARIES))
    .replace('{technique}', pick(TECHNIQUES));
}

/** `count` examples: about 45 % harmful attack-style requests, the rest legitimate practices in the same frames and ethics questions. */
export function generateZhEthicsAttacks(count: number, random: () => number): TrainingExample[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const examples: TrainingExample[] = [];
  for (const text of ZH_SELF_HARM) examples.push({ text, label: 1, source: 'written:harmful-zh', language: 'zh', dimension: 'mental_health_self_harm' });
  for (let index = 0; index < count; index += 1) {
    const kind = index % 20;
    if (kind < 8) {
      const { frames } = pick(HARMFUL_FRAMES);
      examples.push({ text: fill(pick(frames), pick(HARMFUL_PRACTICES), pick), label: 1, source: 'written:zh-ethics-attack', language: 'zh' });
    } else if (kind === 8) {
      examples.push({ text: fill(pick(VAGUE_FRAMES), pick(VAGUE_PRACTICES), pick), label: 1, source: 'written:zh-ethics-attack', language: 'zh' });
    } else if (kind < 17) {
      // Legitimate practices mostly in the neutral frames: "in an extreme situation, may we …" and "what
      // benefits does … bring" are themselves the attack (justification), so they get fewer contrasts.
      const group = random() < 0.8 ? pick(HARMFUL_FRAMES.filter((item) => NEUTRAL_STYLES.has(item.style))) : pick(HARMFUL_FRAMES);
      const frames = group.frames.filter((frame) => !frame.includes('绕过'));
      examples.push({ text: fill(pick(frames), pick(LEGITIMATE_PRACTICES), pick), label: 0, source: 'written:zh-ethics-attack-contrast', language: 'zh' });
    } else {
      const pool = kind === 19 ? ZH_SAFE_LOOKALIKES : BENIGN_QUESTIONS;
      examples.push({ text: pick(pool), label: 0, source: 'written:zh-ethics-attack-contrast', language: 'zh' });
    }
  }
  return examples;
}
