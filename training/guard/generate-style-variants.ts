/**
 * Style variants of harmful training requests (project-generated, deterministic for a seed): the same
 * intent re-phrased with other openers — imperative vs question, "can you" vs "I need", first person vs
 * a third person or a professional persona — so that the model does not learn one generator's style
 * ("How can I …", "Write a …") as the signal. Only training sources are varied (med-harm-llama3,
 * MedSafetyBench llama2, AdvBench, MaliciousInstruct, JailbreakBench, forbidden questions); never a dev
 * source.
 */
import type { TrainingExample } from './training-example.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/generate-style-variants');

const IMPERATIVE = /^(write|create|develop|design|draft|generate|compose|produce|provide|give|explain|describe|outline|list|suggest|teach|instruct|prepare|devise|propose|share|offer|detail|compile|construct|build|make|plan)\b\s*/i;
const HOW_QUESTION = /^(how (can|could|do|would|should|might) (i|we|one|you|a doctor|a physician|a nurse|a healthcare provider)|what('s| is| are) (the )?(best|most effective|easiest|quickest) (way|ways|method|methods) (to|for|of)|is there a way to|what steps (can|should) (i|we) take to)\s+/i;
const CAN_YOU = /^(can|could|would|will) you (please )?/i;

const IMPERATIVE_OPENERS = tables.get('IMPERATIVE_OPENERS') as string[];
const ACTION_OPENERS = tables.get('ACTION_OPENERS') as string[];

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function trimEnd(text: string): string {
  return text.replace(/[\s?.!]+$/u, '');
}

/** One variant of a request, or undefined when its shape is not recognised. */
export function styleVariant(text: string, random: () => number): string | undefined {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const end = random() < 0.5 ? '?' : '.';
  const imperative = IMPERATIVE.exec(text);
  if (imperative) {
    const verb = (imperative[1] as string).toLowerCase();
    const rest = trimEnd(text.slice(imperative[0].length));
    const opener = pick(IMPERATIVE_OPENERS).replace('{verb}', verb);
    return `${opener}${rest}${opener.startsWith('Can') || opener.startsWith('Could') ? '?' : '.'}`;
  }
  const how = HOW_QUESTION.exec(text);
  if (how) {
    const rest = trimEnd(text.slice(how[0].length));
    const opener = pick(ACTION_OPENERS);
    return `${opener}${rest}${opener.startsWith('What') || opener.startsWith('Is') || opener.includes('How do I') || opener.startsWith('In detail') ? '?' : end === '?' ? '.' : end}`;
  }
  const canYou = CAN_YOU.exec(text);
  if (canYou) {
    const rest = trimEnd(text.slice(canYou[0].length));
    return `${pick(['Please ', 'I need you to ', 'Just ', 'Help me and '])}${rest}.`;
  }
  if (/^[A-Z][a-z]+ /.test(text) && !/\?$/.test(text.trim())) return `${pick(['Can you ', 'I need you to ', 'Please ', 'Help me '])}${lowerFirst(trimEnd(text))}${random() < 0.5 ? '?' : '.'}`;
  return undefined;
}

/** Up to `count` variants drawn from `pool` (label and metadata kept, source renamed). */
export function generateStyleVariants(pool: TrainingExample[], count: number, random: () => number, source: string): TrainingExample[] {
  const variants: TrainingExample[] = [];
  if (pool.length === 0) return variants;
  for (let attempt = 0; attempt < count * 3 && variants.length < count; attempt += 1) {
    const example = pool[Math.floor(random() * pool.length)] as TrainingExample;
    const text = styleVariant(example.text.trim(), random);
    if (text && text !== example.text) variants.push({ ...example, text, source });
  }
  return variants;
}
