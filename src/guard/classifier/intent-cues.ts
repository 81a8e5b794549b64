/**
 * Intent cues: small project-written lexicons (English stems and phrases, Chinese words) that map many
 * surface words to one shared feature (`#violence`, `#evasion`, ...); extract-features.ts adds the
 * pairwise conjunctions of the cues that fire in a span (`#violence&#evasion`). They let a linear model generalise from one source's vocabulary to
 * another's ("mock", "belittle" and "humiliate" share `#disrespect`) and capture interactions ("kill"
 * + "without getting caught") that single words cannot. Applied to normalised (lower-case) text.
 * The lexicons are data: assets/guard/intent-cues.yaml (read once, validated; a build loads its JSON
 * snapshot, spec/define-data-file.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';
import { defineDataFile, parseYaml } from '../../spec/define-data-file.js';

const cueDefinitionSchema = z.object({
  name: z.string().startsWith('#'),
  /** English word stems: match at a word start, any ending ("falsif" matches "falsifying"). */
  stems: z.array(z.string()).optional(),
  /** English phrases matched as whole words (may contain a regex alternation). */
  phrases: z.array(z.string()).optional(),
  /** Chinese words (substring match). */
  chinese: z.array(z.string()).optional(),
  /** Chinese regular-expression sources (for words that need context, e.g. 杀 but not 自杀). */
  chinesePatterns: z.array(z.string()).optional(),
  /** A whole regular-expression source (English words and Chinese substrings). */
  pattern: z.string().optional(),
});
const cueFileSchema = z.object({ cues: z.array(cueDefinitionSchema) });

export type CueDefinition = z.infer<typeof cueDefinitionSchema>;

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

export function readCueDefinitions(path: string = intentCuesPath()): CueDefinition[] {
  try {
    return cueFileSchema.parse(parseYaml(readFileSync(path, 'utf8'))).cues;
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's intent cues in ${path}`, { cause: error, fix: 'Restore assets/guard/intent-cues.yaml from git.' });
  }
}

const packageCues = defineDataFile<CueDefinition[]>({
  id: 'guard/intent-cues',
  sources: () => [intentCuesPath(), fileURLToPath(import.meta.url)],
  read: () => readCueDefinitions(),
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
