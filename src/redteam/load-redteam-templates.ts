/**
 * Reads data/redteam/templates.yaml (the offline generator's templates, per strategy and language)
 * and validates it: every strategy of the safety specification has templates in English and Chinese.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { resolvePackagePath } from '../core/package-paths.js';
import { DataFormatError } from '../core/errors.js';
import { defineDataFile, moduleFile, parseYaml } from '../spec/define-data-file.js';
import type { SafetySpec } from '../spec/index.js';
import { OBFUSCATIONS, type ObfuscationId } from './obfuscate-text.js';

const singleTemplateSchema = z.union([
  z.string().min(1),
  z.object({ encoding: z.enum(Object.keys(OBFUSCATIONS) as [ObfuscationId, ...ObfuscationId[]]), template: z.string().min(1) }),
]);

const languageTemplatesSchema = z
  .object({
    single: z.array(singleTemplateSchema).optional(),
    turns: z.array(z.array(z.string().min(1)).min(2)).optional(),
  })
  .refine((value) => (value.single?.length ?? 0) + (value.turns?.length ?? 0) > 0, 'needs at least one single or turns template');

const templatesFileSchema = z.object({
  version: z.number().int(),
  strategies: z.record(z.string(), z.object({ en: languageTemplatesSchema, zh: languageTemplatesSchema })),
});

export type RedteamTemplates = z.infer<typeof templatesFileSchema>;

/** A single-turn template: the text, and the obfuscation applied to the request first (if any). */
export interface SingleTemplate {
  template: string;
  encoding?: ObfuscationId;
}

export function normalizeSingleTemplate(entry: string | { encoding: ObfuscationId; template: string }): SingleTemplate {
  return typeof entry === 'string' ? { template: entry } : { template: entry.template, encoding: entry.encoding };
}

export const DEFAULT_TEMPLATES_FILE = ['data', 'redteam', 'templates.yaml'];

/** Reads and validates a templates file (YAML + zod), without the checks against the specification. */
function readTemplatesFile(file: string): RedteamTemplates {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataFormatError(`Cannot read the red-team templates ${file}: ${(error as Error).message}`, { file, cause: error, fix: 'Reinstall SafeMed or fix the YAML.' });
  }
  const parsed = templatesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataFormatError(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { file, fix: 'Fix the templates file (see its header).' });
  }
  return parsed.data;
}

/** The package's templates (data/redteam/templates.yaml; a build loads its JSON snapshot, spec/define-data-file.ts). */
const packageTemplates = defineDataFile<RedteamTemplates>({
  id: 'redteam/templates',
  sources: () => [resolvePackagePath(...DEFAULT_TEMPLATES_FILE), fileURLToPath(import.meta.url), moduleFile(import.meta.url, './obfuscate-text')],
  read: () => readTemplatesFile(resolvePackagePath(...DEFAULT_TEMPLATES_FILE)),
});

export function loadRedteamTemplates(spec: SafetySpec, file = resolvePackagePath(...DEFAULT_TEMPLATES_FILE)): RedteamTemplates {
  const templates = file === resolvePackagePath(...DEFAULT_TEMPLATES_FILE) ? packageTemplates.load() : readTemplatesFile(file);
  const known = new Set<string>(spec.attackStrategies.map((strategy) => strategy.id));
  for (const id of Object.keys(templates.strategies)) {
    if (!known.has(id)) throw new DataFormatError(`${file}: strategy "${id}" is not in the safety specification.`, { file, fix: `Use one of: ${[...known].join(', ')}.` });
  }
  for (const id of known) {
    if (!(id in templates.strategies)) throw new DataFormatError(`${file}: no templates for strategy "${id}".`, { file, fix: 'Add English and Chinese templates for it.' });
  }
  return templates;
}
