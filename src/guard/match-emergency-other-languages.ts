/**
 * The clearest emergencies — suicidal intent, an overdose or poisoning — in a language the classifier does
 * not read (Spanish, French, German, Portuguese, Italian, Russian, Japanese, Korean), from the phrases of
 * assets/guard/emergency-other-languages.yaml, with a notice in that language to show above the spec's
 * English guidance. English and Chinese emergencies are matched by match-emergency.ts.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';
import type { EmergencySituation, SafetySpec } from '../spec/safety-spec-schema.js';

export interface OtherLanguageEmergency {
  situation: EmergencySituation;
  /** The emergency guidance in the user's language. */
  notice: string;
  /** The phrase that matched (for the reasons). */
  phrase: string;
}

const SITUATIONS = ['suicidality', 'overdose_poisoning'] as const;

const phrases = z.array(z.string().min(2)).min(1);
const fileSchema = z
  .object({
    languages: z.array(z.object({ for: z.array(z.string().min(2)).min(1), notice: z.string().min(20), suicidality: phrases, overdose_poisoning: phrases }).strict()).min(1),
  })
  .strict();

interface LanguageEntry {
  notice: string;
  patterns: { situation: (typeof SITUATIONS)[number]; phrase: string; pattern: RegExp }[];
}

let entries: Map<string, LanguageEntry> | undefined;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A phrase as a pattern: at word starts (and ends, unless it ends in "*"); anywhere for Japanese. */
function phrasePattern(phrase: string, anywhere: boolean): RegExp {
  const prefix = phrase.endsWith('*');
  const body = escape((prefix ? phrase.slice(0, -1) : phrase).toLowerCase()).replaceAll(' ', '\\s+');
  return anywhere ? new RegExp(body, 'u') : new RegExp(`(?<!\\p{L})${body}${prefix ? '' : '(?!\\p{L})'}`, 'u');
}

export function readOtherLanguageEmergencies(path = resolvePackagePath('assets', 'guard', 'emergency-other-languages.yaml')): Map<string, LanguageEntry> {
  const fix = 'Restore assets/guard/emergency-other-languages.yaml from git.';
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's emergency phrases ${path}`, { cause: error, fix });
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) throw new ConfigError(`Malformed ${path}: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, { fix });
  const byCode = new Map<string, LanguageEntry>();
  for (const language of result.data.languages) {
    const anywhere = language.for.includes('ja');
    const patterns = SITUATIONS.flatMap((situation) => language[situation].map((phrase) => ({ situation, phrase, pattern: phrasePattern(phrase, anywhere) })));
    for (const code of language.for) byCode.set(code, { notice: language.notice, patterns });
  }
  return byCode;
}

/** An emergency in the text, read with the phrases of the language `code` (from unread-language.ts); undefined when none. */
export function matchOtherLanguageEmergency(text: string, code: string, spec: SafetySpec): OtherLanguageEmergency | undefined {
  entries ??= readOtherLanguageEmergencies();
  const entry = entries.get(code);
  if (entry === undefined) return undefined;
  const lower = text.toLowerCase();
  for (const { situation, phrase, pattern } of entry.patterns) {
    if (!pattern.test(lower)) continue;
    const found = spec.emergency.situations.find((candidate) => candidate.id === situation);
    if (found) return { situation: found, notice: entry.notice, phrase };
  }
  return undefined;
}
