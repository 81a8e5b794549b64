/**
 * Reads and validates (zod) the guard's language data files: assets/guard/unread-languages.yaml,
 * assets/guard/emergency-other-languages.yaml and assets/guard/traditional-reply-numbers.yaml. The modules
 * that use them (detect/unread-language.ts, match-emergency-other-languages.ts, reply-language.ts) import this
 * one only when a file has to be read: always from source, in a build only without a fresh JSON snapshot
 * (spec/define-data-file.ts), so `safemed guard check` from a build loads no zod.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { parseYaml } from '../spec/define-data-file.js';

const unreadLanguagesSchema = z
  .object({
    english: z.array(z.string().min(1)).min(10),
    latin: z.array(z.object({ code: z.string().min(2), name: z.string().min(1), words: z.array(z.string().min(1)).min(10) }).strict()).min(1),
    scripts: z.array(z.object({ script: z.string().min(1), name: z.string().min(1) }).strict()).min(1),
  })
  .strict();
export type UnreadLanguagesData = z.infer<typeof unreadLanguagesSchema>;

const phrases = z.array(z.string().min(2)).min(1);
const emergencySchema = z
  .object({
    languages: z
      .array(
        z
          .object({
            for: z.array(z.string().min(2)).min(1),
            notice: z.string().min(20),
            crisis: z.string().min(10),
            suicidality: phrases,
            overdose_poisoning: phrases,
            chest_pain_stroke: phrases.optional(),
            severe_bleeding: phrases.optional(),
            anaphylaxis: phrases.optional(),
            unconscious_breathing: phrases.optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type OtherLanguageEmergenciesData = z.infer<typeof emergencySchema>;

const numbersSchema = z.object({ replacements: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()).min(1) }).strict();
export type TraditionalReplyNumbersData = z.infer<typeof numbersSchema>;

function readValidated<Schema extends z.ZodType>(path: string, schema: Schema, what: string): z.infer<Schema> {
  const fix = `Restore ${path.slice(path.lastIndexOf('assets'))} from git.`;
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read ${what} ${path}`, { cause: error, fix });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new ConfigError(`Malformed ${path}: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, { fix });
  return result.data;
}

export function readUnreadLanguages(path: string): UnreadLanguagesData {
  const data = readValidated(path, unreadLanguagesSchema, "the guard's language tables");
  const english = new Set(data.english.map((word) => word.toLowerCase()));
  for (const language of data.latin) {
    for (const word of language.words) {
      if (english.has(word.toLowerCase())) throw new ConfigError(`${path}: "${word}" (${language.code}) is also an English function word`, { fix: 'Remove it from the language list.' });
    }
  }
  for (const { script } of data.scripts) {
    try {
      new RegExp(`\\p{Script=${script}}`, 'u');
    } catch (error) {
      throw new ConfigError(`${path}: "${script}" is not a Unicode script name`, { cause: error, fix: 'Use a Unicode script name such as Cyrillic or Hangul.' });
    }
  }
  return data;
}

export function readOtherLanguageEmergencyData(path: string): OtherLanguageEmergenciesData {
  return readValidated(path, emergencySchema, "the guard's emergency phrases");
}

export function readTraditionalReplyNumberData(path: string): TraditionalReplyNumbersData {
  return readValidated(path, numbersSchema, 'the traditional-Chinese emergency numbers');
}
