/**
 * The prompts of the data pipeline, read from data/pipeline/prompts.yaml (shipped with the package)
 * and validated with zod; `fillTemplate` fills `{name}` placeholders and fails on a missing one.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { resolvePackagePath } from '../../core/package-paths.js';
import { ConfigError } from '../../core/errors.js';

const text = z.string().min(1);
const bilingual = z.object({ en: text, zh: text }).strict();

export const pipelinePromptsSchema = z
  .object({
    cot: z.object({ version: text, system: bilingual, user: bilingual }).strict(),
    expand: z
      .object({ version: text, generate: bilingual, examplesHeader: bilingual, difficulties: z.record(z.string(), bilingual) })
      .strict(),
    qcJudge: z.object({ version: text, en: text, zh: text }).strict(),
    ethics: z
      .object({
        version: text,
        system: bilingual,
        cases: z.object({ clear: bilingual, borderline: bilingual, benign_contrast: bilingual }).strict(),
        user: bilingual,
        sourceBlock: bilingual,
        citeThink: bilingual,
        citeField: text,
        perspectives: z.record(z.string(), bilingual),
      })
      .strict(),
  })
  .strict();

export type PipelinePrompts = z.infer<typeof pipelinePromptsSchema>;

let cached: PipelinePrompts | undefined;

export function loadPipelinePrompts(path = resolvePackagePath('data', 'pipeline', 'prompts.yaml')): PipelinePrompts {
  if (cached && path === resolvePackagePath('data', 'pipeline', 'prompts.yaml')) return cached;
  const parsed = pipelinePromptsSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(`${path}: invalid pipeline prompts: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, {
      key: 'data/pipeline/prompts.yaml',
      fix: 'Restore data/pipeline/prompts.yaml from the package.',
    });
  }
  cached = parsed.data;
  return parsed.data;
}

/** Fills `{name}` placeholders (identifiers only, so literal JSON braces pass through). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`prompt placeholder {${name}} has no value`);
    return value;
  });
}
