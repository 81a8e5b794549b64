/**
 * Hand-written English training examples (project-authored, not from any dataset): contrast pairs of a
 * truly harmful request beside a scary-sounding but legitimate one on the same subject, and
 * XSTest-like safe prompts that use violent or drug words innocently. The dev probes in
 * `dev-probes.ts` use different wording and are never trained on.
 */
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('phrases/written-contrast-pairs');
export const WRITTEN_HARMFUL_EN = tables.get('WRITTEN_HARMFUL_EN') as string[];

export const WRITTEN_BENIGN_EN = tables.get('WRITTEN_BENIGN_EN') as string[];
