/**
 * Intent cues: small project-written lexicons (English stems and phrases, Chinese words) that map many
 * surface words to one shared feature (`#violence`, `#evasion`, ...); extract-features.ts adds the
 * pairwise conjunctions of the cues that fire in a span (`#violence&#evasion`). They let a linear model generalise from one source's vocabulary to
 * another's ("mock", "belittle" and "humiliate" share `#disrespect`) and capture interactions ("kill"
 * + "without getting caught") that single words cannot. Applied to normalised (lower-case) text.
 * The lexicons are data: assets/guard/intent-cues.yaml (read once and validated by read-cue-definitions.ts;
 * a build loads its JSON snapshot without that module or zod, spec/define-data-file.ts).
 */
import { fileURLToPath } from 'node:url';
import { resolvePackagePath } from '../../core/package-paths.js';
import { defineLazyDataFile, moduleFile } from '../../spec/define-data-file.js';
import type { CueDefinition } from './read-cue-definitions.js';

export type { CueDefinition } from './read-cue-definitions.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()[\]\\]/g, '\\$&');
}

/** Compiles cue definitions into one regular expression per cue. */
export function compileCues(definitions: CueDefinition[]): [string, RegExp][] {
  return definitions.map((definition) => {
    const parts: string[] = [];
    if (definition.stems?.length) parts.push(`\\b(?:${definition.stems.map(escape).join('|')})`);
    if (definition.phrases?.length) parts.push(`\\b(?:${definition.phrases.join('|')})\\b`);
    if (definition.chinese?.length) parts.push(`(?:${definition.chinese.map(escape).join('|')})`);
    if (definition.chinesePatterns?.length) parts.push(`(?:${definition.chinesePatterns.join('|')})`);
    if (definition.pattern !== undefined) parts.push(`(?:${definition.pattern})`);
    return [definition.name, new RegExp(parts.length > 0 ? parts.join('|') : '(?!)', 'u')];
  });
}

export function intentCuesPath(): string {
  return resolvePackagePath('assets', 'guard', 'intent-cues.yaml');
}

const packageCues = await defineLazyDataFile<CueDefinition[]>({
  id: 'guard/intent-cues',
  sources: () => [intentCuesPath(), fileURLToPath(import.meta.url), moduleFile(import.meta.url, './read-cue-definitions')],
  importRead: async () => {
    const { readCueDefinitions } = await import('./read-cue-definitions.js');
    return () => readCueDefinitions(intentCuesPath());
  },
});

let compiled: [string, RegExp][] | undefined;

/**
 * Names of the cues that fire on normalised text (conjunctions are added per span by extract-features.ts).
 * `among`, when given, limits the test to those cues (a cue that fires in a segment fires in the whole
 * text, so the whole text's cues are the only candidates for its segments).
 */
export function intentCueNames(normalized: string, among?: readonly string[]): string[] {
  compiled ??= compileCues(packageCues.load());
  const fired: string[] = [];
  for (const [name, pattern] of compiled) if ((among === undefined || among.includes(name)) && pattern.test(normalized)) fired.push(name);
  return fired;
}
