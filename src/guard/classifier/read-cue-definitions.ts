/**
 * Reads and validates (zod) an intent-cue file (assets/guard/intent-cues.yaml). intent-cues.ts imports
 * this module only when the cues have to be read: always from source, in a build only without a
 * fresh JSON snapshot.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { parseYaml } from '../../spec/define-data-file.js';

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

/** The cue definitions of a cue file (intent-cues.ts's `intentCuesPath()` for the package's). */
export function readCueDefinitions(path: string): CueDefinition[] {
  try {
    return cueFileSchema.parse(parseYaml(readFileSync(path, 'utf8'))).cues;
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's intent cues in ${path}`, { cause: error, fix: 'Restore assets/guard/intent-cues.yaml from git.' });
  }
}
