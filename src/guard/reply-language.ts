/**
 * The language and script SafeMed's own texts are shown in: English, simplified Chinese, or traditional
 * Chinese ('zh-Hant') for a user who writes in traditional characters. The safety specification holds its
 * Chinese texts in simplified characters; for 'zh-Hant' every text the guard composes (emergency guidance,
 * refusal, disclaimer, audit summary, the system prompts it adds) is converted with OpenCC's simplified →
 * Taiwan-standard dictionaries (opencc-js): the single-character table (STCharacters, 17 KB), the Taiwan
 * variant table, and the few phrases of OpenCC's 1 MB phrase table that occur in the guard's texts
 * (assets/guard/traditional-reply-phrases.txt, written by training/guard/build-traditional-reply-phrases.ts:
 * 头发 → 頭髮 needs the phrase, 发 alone reads 發). Loading that is ~80 ms once (the whole phrase table,
 * ~300 ms more, is never loaded); a test checks that every text the guard can compose converts exactly as
 * the full OpenCC conversion does, so a spec edit that needs a new phrase fails until the file is rebuilt.
 * The spec's Chinese texts name mainland China's emergency numbers (120, 12356); in a traditional reply they
 * are replaced with those of Taiwan, Hong Kong and Macau beside the mainland's
 * (assets/guard/traditional-reply-numbers.yaml).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';
import { defineLazyDataFile, moduleFile } from '../spec/define-data-file.js';
import type { SpecLanguage } from '../spec/safety-spec-schema.js';
import type { TraditionalReplyNumbersData } from './read-guard-language-data.js';

export type ReplyLanguage = SpecLanguage | 'zh-Hant';

type Converter = (text: string) => string;
type DictLike = string | readonly (readonly [string, string])[];
type DictGroup = readonly DictLike[];

/** The parts of opencc-js used here (typed locally: its subpath types do not resolve under every tool). */
interface OpenccCore {
  ConverterFactory(...groups: DictGroup[]): Converter;
}
interface OpenccPreset {
  from: Partial<Record<string, readonly DictGroup[]>>;
  to: Partial<Record<string, readonly DictGroup[]>>;
}

let toTraditionalConverter: Converter | undefined;
let numberReplacements: readonly NumberReplacement[] | undefined;

/** One regional number replacement of assets/guard/traditional-reply-numbers.yaml. */
type NumberReplacement = TraditionalReplyNumbersData['replacements'][number];

function numbersPath(): string {
  return resolvePackagePath('assets', 'guard', 'traditional-reply-numbers.yaml');
}

const numbersData = await defineLazyDataFile<TraditionalReplyNumbersData>({
  id: 'guard/traditional-reply-numbers',
  sources: () => [numbersPath(), fileURLToPath(import.meta.url), moduleFile(import.meta.url, './read-guard-language-data')],
  importRead: async () => {
    const { readTraditionalReplyNumberData } = await import('./read-guard-language-data.js');
    return () => readTraditionalReplyNumberData(numbersPath());
  },
});

/** The spec language whose texts a reply language uses ('zh-Hant' reads the 'zh' texts). */
export function specLanguageOf(language: ReplyLanguage): SpecLanguage {
  return language === 'zh-Hant' ? 'zh' : language;
}

/** The phrase pairs of assets/guard/traditional-reply-phrases.txt ("简体 繁體" a line; '#' lines are comments). */
export function readTraditionalReplyPhrases(path = resolvePackagePath('assets', 'guard', 'traditional-reply-phrases.txt')): [string, string][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the traditional-Chinese reply phrases ${path}`, {
      cause: error,
      fix: 'Restore assets/guard/traditional-reply-phrases.txt from git or rebuild it: node --import tsx training/guard/build-traditional-reply-phrases.ts',
    });
  }
  const pairs: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [simplified, traditional, extra] = line.split(' ');
    if (simplified === undefined || traditional === undefined || extra !== undefined || simplified === '' || traditional === '') {
      throw new ConfigError(`Malformed line in ${path}: "${line.slice(0, 80)}"`, {
        fix: 'Each line is "<simplified> <traditional>"; rebuild the file: node --import tsx training/guard/build-traditional-reply-phrases.ts',
      });
    }
    pairs.push([simplified, traditional]);
  }
  return pairs;
}

async function loadConverter(): Promise<Converter> {
  const core = (await import('opencc-js/core')) as unknown as OpenccCore;
  const preset = (await import('opencc-js/preset/cn2t')) as unknown as OpenccPreset;
  // from.cn is [[STPhrases, STCharacters]]: the character table only; the phrases come from our file.
  const characters = preset.from.cn?.[0]?.at(-1);
  const taiwan = preset.to.tw;
  if (characters === undefined || taiwan === undefined) {
    throw new ConfigError('opencc-js lacks its simplified → Taiwan-traditional tables', { fix: 'Reinstall the project dependencies (npm ci).' });
  }
  return core.ConverterFactory([readTraditionalReplyPhrases(), characters], ...taiwan);
}

/**
 * Loads the converter now (a guarded server's start), so the first traditional-script request does not
 * wait for it. Texts are converted only after this has resolved; see inReplyLanguage.
 */
export async function prepareTraditionalReplies(): Promise<void> {
  numberReplacements ??= numbersData.load().replacements;
  toTraditionalConverter ??= await loadConverter();
}

/** A text composed from the spec's simplified Chinese, in traditional characters (loads the tables on first use). */
export async function toTraditional(text: string): Promise<string> {
  await prepareTraditionalReplies();
  return (toTraditionalConverter as Converter)(text);
}

function withRegionalNumbers(text: string, replacements: readonly NumberReplacement[]): string {
  let out = text;
  for (const { from, to } of replacements) out = out.replaceAll(from, to);
  return out;
}

/** What a traditional-script user is shown for a composed text: traditional characters, regional emergency numbers. */
export async function toTraditionalReply(text: string): Promise<string> {
  await prepareTraditionalReplies();
  return withRegionalNumbers((toTraditionalConverter as Converter)(text), numberReplacements ?? []);
}

/**
 * A composed text in the reply language's script. For 'zh-Hant' the converter must have been loaded
 * (prepareTraditionalReplies, which checkInput awaits for a traditional-script request); the text is
 * returned as it is otherwise.
 */
export function inReplyLanguage(text: string, language: ReplyLanguage): string {
  if (language !== 'zh-Hant' || toTraditionalConverter === undefined || numberReplacements === undefined) return text;
  return withRegionalNumbers(toTraditionalConverter(text), numberReplacements);
}
