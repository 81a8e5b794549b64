/**
 * Project-written templates. `{topic}` is filled with a MedQuAD focus term (benign tasks phrased like
 * the harmful sources: imperative, "how can I", letters and plans), `{request}` with a harmful or
 * benign request (attack wrappers). Training and dev wrappers are disjoint wordings.
 */
import { readGeneratorTables } from './read-generator-tables.js';

const tables = readGeneratorTables('phrases/written-templates');
export const BENIGN_TASK_TEMPLATES_EN = tables.get('BENIGN_TASK_TEMPLATES_EN') as string[];

export const TRAIN_WRAPPERS_EN = tables.get('TRAIN_WRAPPERS_EN') as string[];

export const DEV_WRAPPERS_EN = tables.get('DEV_WRAPPERS_EN') as string[];

export const WRITTEN_HARMFUL_ZH = tables.get('WRITTEN_HARMFUL_ZH') as string[];

export const WRITTEN_BENIGN_ZH = tables.get('WRITTEN_BENIGN_ZH') as string[];

export const TRAIN_WRAPPERS_ZH = tables.get('TRAIN_WRAPPERS_ZH') as string[];

export const DEV_WRAPPERS_ZH = tables.get('DEV_WRAPPERS_ZH') as string[];
