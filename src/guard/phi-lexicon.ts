/**
 * The PHI redactor's lexicon: data/phi/lexicon.yaml (name cues, given names, drugs and ordinary words that
 * are never names, PHI keys, street words) and data/phi/chinese-names.yaml, validated, and the word sets
 * the rules and the name measures read (phi-redaction-rules.ts, phi-name-measures.ts).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, describeError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';
import { defineDataFile, parseYaml } from '../spec/define-data-file.js';

export type PhiType = 'NAME' | 'PHONE' | 'EMAIL' | 'ADDRESS' | 'DOB' | 'MRN' | 'ID_NUMBER' | 'PASSPORT' | 'INSURANCE_ID' | 'SSN' | 'IP_ADDRESS';

const words = z.array(z.string().min(1));
const phiTypeSchema = z.enum(['NAME', 'PHONE', 'EMAIL', 'ADDRESS', 'DOB', 'MRN', 'ID_NUMBER', 'PASSPORT', 'INSURANCE_ID', 'SSN', 'IP_ADDRESS']);
const lexiconSchema = z.object({
  // ASCII letters: the gates of the rules for names in capitals look for [A-Z]
  givenNames: z.array(z.string().regex(/^[a-z]{3,}$/, 'a given name is three or more lower-case ASCII letters')),
  notNameFollowers: words,
  notNames: words,
  nameCues: words,
  phiKeys: z.partialRecord(phiTypeSchema, words),
  streetWordsBefore: words,
  streetWordsAfter: words,
  drugs: words,
  clinicalCapitals: words,
});
/** data/phi/chinese-names.yaml: strings of single characters are one string (`surnames`), word lists are arrays. */
const characters = z.string().transform((text) => text.replace(/\s+/g, '')).pipe(z.string().min(1));
const chineseNamesSchema = z.object({
  surnames: characters,
  compoundSurnames: words,
  strongCues: words,
  personCues: words,
  givenNameCharacters: characters,
  notGivenNameStarts: characters,
  notNames: words,
  placeSuffixes: characters,
});
export type Lexicon = z.infer<typeof lexiconSchema> & { chinese: z.infer<typeof chineseNamesSchema> };

function readYaml<Value>(path: string, schema: z.ZodType<Value>, name: string): Value {
  const parsed = (() => {
    try {
      return schema.safeParse(parseYaml(readFileSync(path, 'utf8')));
    } catch (error) {
      throw new ConfigError(`Cannot read the PHI ${name} ${path}: ${describeError(error)}.`, { cause: error, fix: `Restore data/phi/${basename(path)} from the package.` });
    }
  })();
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid PHI ${name} ${path} at ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`, { fix: `Fix data/phi/${basename(path)} (see its header).` });
  }
  return parsed.data;
}

const lexiconPath = () => resolvePackagePath('data', 'phi', 'lexicon.yaml');
const chineseNamesPath = () => resolvePackagePath('data', 'phi', 'chinese-names.yaml');
/** data/phi/lexicon.yaml and chinese-names.yaml, validated (a build loads their JSON snapshot, spec/define-data-file.ts). */
export const lexiconFile = defineDataFile<Lexicon>({
  id: 'phi/lexicon',
  sources: () => [lexiconPath(), chineseNamesPath(), fileURLToPath(import.meta.url)],
  read: () => ({ ...readYaml(lexiconPath(), lexiconSchema, 'lexicon'), chinese: readYaml(chineseNamesPath(), chineseNamesSchema, 'Chinese names') }),
});

/** `Date of Birth`, `date-of-birth`, `DATE_OF_BIRTH` → `date_of_birth`. */
export const columnKey = (cell: string) => cell.trim().replace(/^["']|["']$/g, '').toLowerCase().replace(/[\s-]+/g, '_');

/** The lexicon's word sets (lower case), made on first use so that importing this module stays cheap. */
export interface PhiWordSets {
  drugs: Set<string>;
  notNames: Set<string>;
  givenNames: Set<string>;
  notNameFollowers: Set<string>;
  clinicalCapitals: Set<string>;
  chinese: {
    compoundSurnames: string[];
    givenNameCharacters: Set<string>;
    notGivenNameStarts: Set<string>;
    notNames: string[];
    placeSuffixes: Set<string>;
  };
  /** Column names whose values are PHI (the lexicon's keys, lower case, `_` for `-` and spaces), by type. */
  columns: Map<string, PhiType>;
}
let wordSets: PhiWordSets | undefined;

export function phiWordSets(): PhiWordSets {
  if (wordSets) return wordSets;
  const lexicon = lexiconFile.load();
  wordSets = {
    drugs: new Set(lexicon.drugs.map((word) => word.toLowerCase())),
    notNames: new Set(lexicon.notNames.map((word) => word.toLowerCase())),
    givenNames: new Set(lexicon.givenNames.map((word) => word.toLowerCase())),
    notNameFollowers: new Set(lexicon.notNameFollowers.map((word) => word.toLowerCase())),
    clinicalCapitals: new Set(lexicon.clinicalCapitals.map((word) => word.toLowerCase())),
    chinese: {
      compoundSurnames: [...lexicon.chinese.compoundSurnames].sort((left, right) => right.length - left.length),
      givenNameCharacters: new Set(lexicon.chinese.givenNameCharacters),
      notGivenNameStarts: new Set(lexicon.chinese.notGivenNameStarts),
      notNames: lexicon.chinese.notNames,
      placeSuffixes: new Set(lexicon.chinese.placeSuffixes),
    },
    columns: new Map((Object.entries(lexicon.phiKeys) as Array<[PhiType, string[]]>).flatMap(([type, keys]) => keys.map((key) => [columnKey(key), type] as const))),
  };
  return wordSets;
}
