/** Reads the reward's data files (src/reward/data, see its README) once, validated with zod. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { resolvePackagePath } from '../../core/package-paths.js';

const rubricSchema = z.strictObject({ template: z.string().includes('{request}').includes('{response}'), maxTokens: z.number().int().positive() });
const rubricsSchema = z.strictObject({ version: z.number(), helpfulness: rubricSchema, explanation: rubricSchema });
const cueListSchema = z.strictObject({ en: z.array(z.string().min(1)), zh: z.array(z.string().min(1)) });
const cuesSchema = z.strictObject({ version: z.number(), risk: cueListSchema, alternative: cueListSchema });

export type JudgeRubric = z.infer<typeof rubricSchema>;
export type JudgeRubrics = z.infer<typeof rubricsSchema>;
export interface ExplanationCues {
  risk: string[];
  alternative: string[];
}

let rubrics: JudgeRubrics | undefined;
let cues: ExplanationCues | undefined;

function readYaml(name: string): unknown {
  return parse(readFileSync(resolvePackagePath('src', 'reward', 'data', name), 'utf8'));
}

export function loadJudgeRubrics(): JudgeRubrics {
  rubrics ??= rubricsSchema.parse(readYaml('judge-rubrics.yaml'));
  return rubrics;
}

export function loadExplanationCues(): ExplanationCues {
  if (!cues) {
    const parsed = cuesSchema.parse(readYaml('explanation-cues.yaml'));
    const lower = (list: string[]) => list.map((cue) => cue.toLowerCase());
    cues = { risk: lower([...parsed.risk.en, ...parsed.risk.zh]), alternative: lower([...parsed.alternative.en, ...parsed.alternative.zh]) };
  }
  return cues;
}

/** A rubric prompt with {request} and {response} filled in one pass (text that looks like a placeholder is never substituted). */
export function fillRubric(rubric: JudgeRubric, request: string, response: string): string {
  return rubric.template.replace(/\{(request|response)\}/g, (_match, key: string) => (key === 'request' ? request : response));
}
