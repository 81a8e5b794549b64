/**
 * Warning signs of a stroke or a heart attack in the user's own words. The spec's keywords are exact phrases
 * ("slurred speech", "face drooping", "口角歪斜"); people write "his speech is slurred", "one side of her face is
 * drooping", "嘴也歪了", "右边手抬不起来" — probing round 6 found 6 of 7 such stroke emergencies allowed. The signs are
 * data (src/spec/data/emergency-signs.txt): a body site and a deficit in one clause, a few words apart in either
 * order, or a phrase that is a sign by itself. A text holds a situation's signs when it has a sign and an onset
 * word ("suddenly", "突然") in one sentence, or two different signs (face and arm, speech and arm, chest pain and a
 * cold sweat). The caller (match-emergency.ts) then asks, as for a keyword, that someone present is spoken of, that
 * no poison is named, and that the text is not informational, a clinician's or hypothetical question, or about the
 * past. Works on simplified characters.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';

interface Sign {
  situation: string;
  name: string;
  /** A site and a deficit close together in one clause (either order). */
  pattern: RegExp;
}

interface Signs {
  onset: RegExp;
  signs: Sign[];
  /** Any site or phrase of any sign: a text without one has no sign (a cheap first look). */
  anySite: RegExp;
}

const DATA_FILE = ['src', 'spec', 'data', 'emergency-signs.txt'] as const;

let signs: Signs | undefined;

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How a negative contraction is also typed: "cant", "cannot", "wont"… */
const NEGATIVE_FORMS: Record<string, string> = { ca: "(?:can't|cant|cannot|can not)", wo: "(?:won't|wont|will not)" };

/** Alternatives as one group: English words at word boundaries, "can't" also as "cant" and "cannot", "won't" as "wont". */
function alternatives(words: string, english: boolean): string {
  const list = words
    .split('|')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '')
    .sort((left, right) => right.length - left.length)
    .map((word) => escape(word).replace(/\b(\w+)n't\b/g, (_, stem: string) => NEGATIVE_FORMS[stem] ?? `${stem}(?:n't|nt| not)`));
  return english ? `\\b(?:${list.join('|')})\\b` : `(?:${list.join('|')})`;
}

/** Site and deficit in one clause: at most this many characters between them (English words, Chinese characters). */
const GAP = { en: "[^.!?;:\\n]{0,40}?", zh: '[^。！？；，,.!?;\\n]{0,6}?' } as const;

function readSigns(): Signs {
  const path = resolvePackagePath(...DATA_FILE);
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split('\n');
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's emergency signs ${path}`, { cause: error, fix: 'Restore src/spec/data/emergency-signs.txt from git.' });
  }
  const onset: string[] = [];
  const found: Sign[] = [];
  const sites: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const columns = line.split('\t');
    const malformed = () => new ConfigError(`Malformed line ${index + 1} of ${path}: ${line.slice(0, 60)}`, { fix: 'See the column list at the top of the file.' });
    const [kind] = columns;
    if (kind === 'onset' && columns.length === 3) {
      const [, language = '', words = ''] = columns;
      onset.push(alternatives(words, language === 'en'));
    } else if (kind === 'sign' && columns.length === 6) {
      const [, situation = '', name = '', language = '', siteWords = '', deficits = ''] = columns;
      if (language !== 'en' && language !== 'zh') throw malformed();
      const site = alternatives(siteWords, language === 'en');
      const deficit = alternatives(deficits, language === 'en');
      sites.push(site);
      found.push({ situation, name, pattern: new RegExp(`${site}${GAP[language]}${deficit}|${deficit}${GAP[language]}${site}`, 'i') });
    } else if (kind === 'phrase' && columns.length === 5) {
      const [, situation = '', name = '', language = '', phrases = ''] = columns;
      const phrase = alternatives(phrases, language === 'en');
      sites.push(phrase);
      found.push({ situation, name, pattern: new RegExp(phrase, 'i') });
    } else throw malformed();
  }
  return { onset: new RegExp(onset.join('|'), 'i'), signs: found, anySite: new RegExp(sites.join('|'), 'i') };
}

/** A sign written with a negation just before it ("no slurred speech", "没有口角歪斜") is not a sign. */
const NEGATED = /\b(?:no|not|never|without|denies|denied)\s+(?:\w+\s+){0,2}$|(?:没有|没|无|不是|否认)$/i;

/** Where a sentence ends: an onset word counts only in the sentence of the sign it dates. */
const SENTENCE_END = /[。！？.!?\n]+/;

/** A sign that counts only beside another ("with-chest": a cold sweat with chest pain). */
const COMPANION = 'with-';

/**
 * The situation (spec id) whose warning signs the text describes: a sign and an onset word in one sentence, or two
 * different signs of one situation (a "with-X" sign only beside X); undefined otherwise. The text is read
 * lower-case, in simplified characters.
 */
export function signSituation(text: string): string | undefined {
  signs ??= readSigns();
  const { onset, anySite } = signs;
  if (!anySite.test(text)) return undefined;
  const lower = text.toLowerCase();
  const named = new Map<string, { names: Set<string>; dated: boolean }>();
  for (const sentence of lower.split(SENTENCE_END)) {
    for (const sign of signs.signs) {
      const match = sign.pattern.exec(sentence);
      if (match === null || NEGATED.test(sentence.slice(Math.max(0, match.index - 20), match.index))) continue;
      const found = named.get(sign.situation) ?? { names: new Set<string>(), dated: false };
      found.names.add(sign.name);
      if (!sign.name.startsWith(COMPANION) && onset.test(sentence)) found.dated = true;
      named.set(sign.situation, found);
    }
  }
  for (const [situation, { names, dated }] of named) {
    const counted = [...names].filter((name) => !name.startsWith(COMPANION) || names.has(name.slice(COMPANION.length)));
    if (counted.length >= 2 || (dated && counted.length >= 1)) return situation;
  }
  return undefined;
}

/** Whether the text describes any sign at all (without an onset or a second one), not negated. */
export function hasSign(text: string): boolean {
  signs ??= readSigns();
  if (!signs.anySite.test(text)) return false;
  const lower = text.toLowerCase();
  return signs.signs.some((sign) => {
    if (sign.name.startsWith(COMPANION)) return false;
    const match = sign.pattern.exec(lower);
    return match !== null && !NEGATED.test(lower.slice(Math.max(0, match.index - 20), match.index));
  });
}
