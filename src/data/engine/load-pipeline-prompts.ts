/**
 * The prompts of the data pipeline, read from data/pipeline/prompts.yaml (shipped with the package)
 * and validated with zod; `fillTemplate` fills `{name}` placeholders and fails on a missing one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { resolvePackagePath } from '../../core/package-paths.js';
import { ConfigError } from '../../core/errors.js';
import { defineDataFile, parseYaml } from '../../spec/define-data-file.js';

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

const defaultPath = () => resolvePackagePath('data', 'pipeline', 'prompts.yaml');

/** The package's prompts (a build loads their JSON snapshot, spec/define-data-file.ts). */
const packagePrompts = defineDataFile<PipelinePrompts>({
  id: 'pipeline/prompts',
  sources: () => [defaultPath(), fileURLToPath(import.meta.url)],
  read: () => readPipelinePrompts(defaultPath()),
});

export function loadPipelinePrompts(path = defaultPath()): PipelinePrompts {
  return path === defaultPath() ? packagePrompts.load() : readPipelinePrompts(path);
}

function readPipelinePrompts(path: string): PipelinePrompts {
  const parsed = pipelinePromptsSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(`${path}: invalid pipeline prompts: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, {
      key: 'data/pipeline/prompts.yaml',
      fix: 'Restore data/pipeline/prompts.yaml from the package.',
    });
  }
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
