/**
 * The clearest emergencies — suicidal intent, an overdose or poisoning, and for most languages chest pain or
 * stroke signs, severe bleeding, anaphylaxis, someone unconscious or not breathing — in a language the classifier does
 * not read (Spanish, French, German, Portuguese, Italian, Russian, Japanese, Korean), from the phrases of
 * assets/guard/emergency-other-languages.yaml, with a notice in that language to show above the spec's
 * English guidance. English and Chinese emergencies are matched by match-emergency.ts.
 */
import { fileURLToPath } from 'node:url';
import { resolvePackagePath } from '../core/package-paths.js';
import { defineLazyDataFile, moduleFile } from '../spec/define-data-file.js';
import type { EmergencySituation, SafetySpec } from '../spec/safety-spec-schema.js';
import type { OtherLanguageEmergenciesData } from './read-guard-language-data.js';

export interface OtherLanguageEmergency {
  situation: EmergencySituation;
  /** The emergency guidance in the user's language. */
  notice: string;
  /** The phrase that matched (for the reasons). */
  phrase: string;
}

/** The spec's emergency situations the phrase file may list (the first two are required for every language). */
const SITUATIONS = ['suicidality', 'overdose_poisoning', 'chest_pain_stroke', 'severe_bleeding', 'anaphylaxis', 'unconscious_breathing'] as const;

interface LanguageEntry {
  /** Emergency guidance for any situation. */
  notice: string;
  /** A crisis line, shown after the notice for suicidal intent. */
  crisis: string;
  patterns: { situation: (typeof SITUATIONS)[number]; phrase: string; pattern: RegExp }[];
}

let entries: Map<string, LanguageEntry> | undefined;

function emergencyPhrasesPath(): string {
  return resolvePackagePath('assets', 'guard', 'emergency-other-languages.yaml');
}

const emergencyData = await defineLazyDataFile<OtherLanguageEmergenciesData>({
  id: 'guard/emergency-other-languages',
  sources: () => [emergencyPhrasesPath(), fileURLToPath(import.meta.url), moduleFile(import.meta.url, './read-guard-language-data')],
  importRead: async () => {
    const { readOtherLanguageEmergencyData } = await import('./read-guard-language-data.js');
    return () => readOtherLanguageEmergencyData(emergencyPhrasesPath());
  },
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A phrase as a pattern: at word starts (and ends, unless it ends in "*"); anywhere for Japanese. */
function phrasePattern(phrase: string, anywhere: boolean): RegExp {
  const prefix = phrase.endsWith('*');
  const body = escape((prefix ? phrase.slice(0, -1) : phrase).toLowerCase()).replaceAll(' ', '\\s+');
  return anywhere ? new RegExp(body, 'u') : new RegExp(`(?<!\\p{L})${body}${prefix ? '' : '(?!\\p{L})'}`, 'u');
}

/** The phrases and notices of assets/guard/emergency-other-languages.yaml, by the codes of unread-language.ts. */
export function readOtherLanguageEmergencies(data: OtherLanguageEmergenciesData = emergencyData.load()): Map<string, LanguageEntry> {
  const byCode = new Map<string, LanguageEntry>();
  for (const language of data.languages) {
    const anywhere = language.for.includes('ja');
    const patterns = SITUATIONS.flatMap((situation) => (language[situation] ?? []).map((phrase) => ({ situation, phrase, pattern: phrasePattern(phrase, anywhere) })));
    for (const code of language.for) byCode.set(code, { notice: language.notice, crisis: language.crisis, patterns });
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
    if (!found) continue;
    // Chinese and Japanese sentences join without a space.
    const notice = situation !== 'suicidality' ? entry.notice : `${entry.notice}${entry.notice.endsWith('。') ? '' : ' '}${entry.crisis}`;
    return { situation: found, notice, phrase };
  }
  return undefined;
}
