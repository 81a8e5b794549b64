/**
 * Weak labelling of harmful training texts with one of the 20 dimension ids (or general_harm). The
 * sources give AMA principles 1–9, not dimensions, so each harmful text is matched against keyword
 * rules (data/guard/generators/weak-dimension-labels.yaml) in order (first match wins); a medical text without a match falls back to the
 * dimension its AMA principle most often corresponds to; a non-medical source falls back to
 * general_harm. The dimension head is trained on these weak labels.
 */
import { DIMENSION_IDS } from '../../src/spec/safety-spec-schema.js';
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('generators/weak-dimension-labels');

const RULES: [string, RegExp][] = (tables.get('RULES') as { dimension: string; pattern: string }[]).map((rule) => [rule.dimension, new RegExp(rule.pattern)]);

/** The dimension most MedSafetyBench requests of each AMA principle fall under (fallback only). */
const PRINCIPLE_FALLBACK = tables.get('PRINCIPLE_FALLBACK') as Record<number, string>;

const MEDICAL = new RegExp(tables.get('MEDICAL') as string);

export function weakDimensionLabel(text: string, options: { principle?: number; medicalSource: boolean }): string {
  const lower = text.toLowerCase();
  if (!options.medicalSource && !MEDICAL.test(lower)) return 'general_harm';
  for (const [dimension, pattern] of RULES) {
    if (dimension === 'clinical_treatment_ethics' && options.principle !== undefined) break;
    if (pattern.test(lower)) return dimension;
  }
  if (options.principle !== undefined) return PRINCIPLE_FALLBACK[options.principle] ?? 'clinical_treatment_ethics';
  return options.medicalSource ? 'clinical_treatment_ethics' : 'general_harm';
}

/** The dimension head's labels: the rule dimensions in spec order plus general_harm. */
export const DIMENSION_LABELS: string[] = DIMENSION_IDS.filter((id) => id !== 'benign');
