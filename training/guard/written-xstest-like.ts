/**
 * Project-written safe prompts in the XSTest categories (homonyms, figurative language, safe targets,
 * safe contexts, definitions, history, public facts, medical education), used as training negatives.
 * Different wording from the dev probes in dev-probes.ts.
 */
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('phrases/written-xstest-like');
export const WRITTEN_XSTEST_LIKE = tables.get('WRITTEN_XSTEST_LIKE') as string[];
