/**
 * The PHI redaction rules (used by redact-phi.ts): the patterns built from the lexicon (phi-lexicon.ts),
 * most specific first; a rule's `measure` (phi-name-measures.ts) says how much of a match is PHI. Each rule
 * says which characters a text must have for it to match (`needs`) and, for most, a label or keyword alternation every match contains (`gate`),
 * so the redactor skips the rules a text cannot match with the same output. Every pattern is bounded.
 */
import { columnKey, lexiconFile, phiWordSets, type Lexicon, type PhiType, type PhiWordSets } from './phi-lexicon.js';
import { capitalsNameLength, chineseNameAfterPersonCue, chineseNameAfterStrongCue, ipv6Length, nameLength } from './phi-name-measures.js';

export type { PhiType } from './phi-lexicon.js';
export { columnKey };

export type Need = 'digit' | 'at' | 'han' | 'separator' | 'upper' | 'quote' | 'angle';

export interface Rule {
  type: PhiType;
  pattern: RegExp;
  /**
   * The rule runs only on a text that has each of these kinds of character (tested once per text).
   * Part of what a rule means: a labelled ID, passport or insurance value is only taken from a text
   * with a digit in it.
   */
  needs?: readonly Need[];
  /**
   * A part every match of `pattern` contains (its label or keyword alternation, same flags, no
   * lookbehind): tested on the text as it stands before the rule runs, the rule is skipped when it
   * fails. A necessary condition by construction, so the output is the same; a plain alternation is
   * scanned far faster than a pattern that starts with a lookbehind or a Unicode class.
   */
  gate?: RegExp;
  /** Group 1 is a label kept in front of the placeholder ("MRN: " [MRN]). */
  label?: boolean;
  /**
   * How many characters of the value (the match after the label) are PHI: the rest is kept after the
   * placeholder. 0 keeps the whole match (a false positive, e.g. a drug after "called"). `following`
   * is the character right after the match ('' at the end of the text).
   */
  measure?: (value: string, following: string) => number;
}

/** The gate of a rule whose every match contains a match of `part` (same flags, without g). */
const gateOf = (part: string, flags: string) => new RegExp(part, flags.replace('g', ''));
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `patient name` → a pattern matching it in any letter case, with flexible spaces. */
export function anyCase(phrase: string): string {
  let out = '';
  for (const character of phrase) {
    if (character === ' ') out += '\\s+';
    else if (character.toLowerCase() !== character.toUpperCase()) out += `[${character.toLowerCase()}${character.toUpperCase()}]`;
    else out += escapeRegExp(character);
  }
  return out;
}
const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const alternation = (words: string[]) => [...words].sort((left, right) => right.length - left.length).map(escapeRegExp).join('|');

const D = '[0-9\\uFF10-\\uFF19]';
const MONTHS = 'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|Jun(?:e)?|Jul(?:y)?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';
const DATE =
  `(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]\\d{1,2}[-/.]\\d{2,4}|(?:${MONTHS})\\.?\\s{1,3}\\d{1,2}(?:st|nd|rd|th)?,?\\s{1,3}\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s{1,3}(?:${MONTHS})\\.?,?\\s{1,3}\\d{4}|\\d{4}\\s{0,2}年\\s{0,2}\\d{1,2}\\s{0,2}月(?:\\s{0,2}\\d{1,2}\\s{0,2}[日号])?)`;
/** Between a label and its value: `:`, `#`, `#:`, `No.:`, `number`, `is`... */
const SEPARATOR = '\\s{0,3}(?:(?:is|was|no\\.?|number)\\s{0,3})?[:：#=]{0,2}\\s{0,3}';
/** Labels and cue words of the labelled rules: in their patterns and, alone, in their gates. */
const SSN_LABEL = 'SSN|social security(?: number| no\\.?)?';
const MRN_LABEL =
  'MRN|MR ?#|(?:medical|health|hospital|patient) record(?: number| no\\.?)?|chart (?:number|no\\.?)|(?:hospital|patient|case|record|unit) (?:number|no\\.?|id)|病历号|病案号|住院号|门诊号|就诊卡号|就诊号|登记号|(?:患者|病人)(?:编号|ID)';
const PASSPORT_LABEL = 'passport(?: number| no\\.?)?|护照号码|护照号|护照';
const INSURANCE_LABEL = '(?:health )?insurance (?:id|number|no\\.?|card(?: number)?)|policy (?:number|no\\.?)|member id|medicare(?: number)?|medicaid(?: number)?|医保卡号|医保号|社保卡号|社保号';
const IDCARD_LABEL = 'ID card(?: number| no\\.?)?|ID number|national id(?: number)?|driver\'?s licen[cs]e(?: number| no\\.?)?|身份证号码|身份证号|身份证';
const DOB_LABEL = 'DOB|D\\.O\\.B\\.?|date of birth|birth ?date|born on|born|birthday|出生日期|出生于|生日';
const PHONE_LABEL = 'phone|tel|telephone|mobile|cell|电话|手机|手机号|联系方式';
const ADDRESS_LABEL = 'home address|address|住址|家庭住址|地址';
const TITLES = 'Mr|Mrs|Ms|Miss|Mx|Dr|Prof';
const CHINESE_ROADS = '路|街|大道|大街|巷|胡同|弄';
const HAN = '\\u4e00-\\u9fff';
/** Longest run of Han characters taken as the place part of a Chinese address (省 市 区 + road or estate). */
const CHINESE_PLACE = 24;

const WORD = "\\p{Lu}[\\p{Ll}'’-]{1,30}";
/** A word in capitals: JOHN, O'BRIEN, SMITH-JONES. */
const CAPITALS_WORD = "\\p{Lu}[\\p{Lu}'’-]{1,30}";
/** An IPv4 octet, 0-255 without leading zeros beyond one digit. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PERSON = `${WORD}(?:[ \\t]{1,3}(?:\\p{Lu}\\.[ \\t]{0,2})?${WORD}){0,2}`;

function keyRule(type: PhiType, keys: string[]): Rule {
  const names = keys.map((key) => key.split(/[_ ]/).map(escapeRegExp).join('[_\\- ]?')).join('|');
  return {
    type,
    needs: ['separator', 'quote'],
    // "name": "Sarah Lee", 'dob': '1963-07-22', \"patient\":\"Sarah Lee\" (JSON inside a JSON string)
    pattern: new RegExp(`((?<![\\p{L}\\p{N}_])(?:\\\\?["'])?(?:${names})(?:\\\\?["'])?\\s{0,3}[:=：]\\s{0,3}\\\\?["'])([^"'\\\\\\n\\r]{1,160})(?=\\\\?["'])`, 'giu'),
    label: true,
    measure: (value) => {
      const trimmed = value.trim().toLowerCase();
      if (trimmed === '' || trimmed === 'null' || trimmed === 'none' || trimmed === 'unknown') return 0;
      if (type === 'NAME' && phiTables().drugs.has(trimmed)) return 0;
      return value.length;
    },
  };
}

/** The same keys as XML or HTML elements: `<name>Sarah Lee</name>`, `<mrn>889900</mrn>`. */
function elementRule(type: PhiType, keys: string[], measure: Rule['measure']): Rule {
  const names = keys.map((key) => key.split(/[_ ]/).map(escapeRegExp).join('[_\\-]?')).join('|');
  return {
    type,
    needs: ['angle'],
    gate: new RegExp(`<(?:${names})[\\s>]`, 'iu'),
    pattern: new RegExp(`(<(?:${names})(?:\\s[^<>]{0,80})?>\\s{0,3})([^<>\\n\\r]{1,160})(?=<\\/)`, 'giu'),
    label: true,
    ...(measure ? { measure } : {}),
  };
}

/** The rules, most specific first; the name and key rules are built from the lexicon. */
function buildRules(lexicon: Lexicon): Rule[] {
  const phiKeyRules = (Object.entries(lexicon.phiKeys) as Array<[PhiType, string[]]>).flatMap(([type, keys]) => {
    const rule = keyRule(type, keys);
    return [rule, elementRule(type, keys, rule.measure)];
  });
  const cues = lexicon.nameCues.map(anyCase).sort((left, right) => right.length - left.length).join('|');
  const givenNames = alternation(lexicon.givenNames.map(capitalise));
  const givenCapitals = alternation(lexicon.givenNames.map((name) => name.toUpperCase()));
  const givenLower = alternation(lexicon.givenNames.map((name) => name.toLowerCase()));
  const zh = lexicon.chinese;
  const surnames = `${alternation(zh.compoundSurnames)}|[${zh.surnames}]`;
  const strongCues = alternation(zh.strongCues);
  const personCues = alternation(zh.personCues);
  const chineseCues = alternation([...zh.strongCues, ...zh.personCues]);
  const followers = lexicon.notNameFollowers.map(anyCase).join('|');
  const streetBefore = lexicon.streetWordsBefore.map(anyCase).join('|');
  const streetAfter = alternation(lexicon.streetWordsAfter);

  return [
    ...phiKeyRules,
    { type: 'EMAIL', needs: ['at'], pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g },
    // IP addresses: IPv6 (2001:db8::8a2e:370:7334, ::ffff:192.0.2.1; checked by ipv6Length, so times
    // such as 10:30:45 stay), then IPv4 (four octets 0-255, not part of a longer dotted number).
    {
      type: 'IP_ADDRESS',
      needs: ['separator'],
      gate: /:[0-9A-Fa-f]{0,4}:/,
      pattern: /(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)/g,
      measure: ipv6Length,
    },
    {
      type: 'IP_ADDRESS',
      needs: ['digit'],
      gate: /\d\.\d{1,3}\.\d{1,3}\.\d/,
      pattern: new RegExp(`(?<![\\d.])(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\d)`, 'g'),
      // four one-digit numbers are a list (1阴性2.3.4.5.阳性) or a public resolver (8.8.8.8), not a person's address
      measure: (value) => (value.length > 7 ? value.length : 0),
    },
    // Chinese resident identity number: 6-digit area, birth date, 3-digit sequence, check digit or X.
    {
      type: 'ID_NUMBER',
      needs: ['digit'],
      pattern: /(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g,
    },
    // SSN without a label: 234-56-7890, 234 56 7890, full-width digits; the same separator twice.
    { type: 'SSN', needs: ['digit'], pattern: new RegExp(`(?<![0-9\\uFF10-\\uFF19\\-\\uFF0D])${D}{3}([-\\uFF0D \\u3000])${D}{2}\\1${D}{4}(?![0-9\\uFF10-\\uFF19\\-\\uFF0D])`, 'g') },
    {
      type: 'SSN',
      needs: ['digit'],
      gate: gateOf(SSN_LABEL, 'gi'),
      pattern: new RegExp(`((?:${SSN_LABEL})${SEPARATOR})${D}{3}[ .\\-\\uFF0D]?${D}{2}[ .\\-\\uFF0D]?${D}{4}`, 'gi'),
      label: true,
    },
    {
      type: 'MRN',
      needs: ['digit'],
      gate: gateOf(MRN_LABEL, 'gi'),
      pattern: new RegExp(`((?:${MRN_LABEL})${SEPARATOR})[A-Z]{0,4}-?\\d[\\dA-Z-]{3,30}`, 'gi'),
      label: true,
    },
    {
      type: 'PASSPORT',
      needs: ['digit'],
      gate: gateOf(PASSPORT_LABEL, 'gi'),
      pattern: new RegExp(`((?:${PASSPORT_LABEL})${SEPARATOR})[A-Z0-9]{6,12}`, 'gi'),
      label: true,
    },
    {
      type: 'INSURANCE_ID',
      needs: ['digit'],
      gate: gateOf(INSURANCE_LABEL, 'gi'),
      pattern: new RegExp(`((?:${INSURANCE_LABEL})${SEPARATOR})[A-Z0-9][A-Z0-9-]{4,30}`, 'gi'),
      label: true,
    },
    {
      type: 'ID_NUMBER',
      needs: ['digit'],
      gate: gateOf(IDCARD_LABEL, 'gi'),
      pattern: new RegExp(`((?:${IDCARD_LABEL})${SEPARATOR})[A-Z0-9][A-Z0-9-]{4,30}`, 'gi'),
      label: true,
    },
    {
      type: 'DOB',
      needs: ['digit'],
      gate: gateOf(DOB_LABEL, 'gi'),
      pattern: new RegExp(`((?:${DOB_LABEL})${SEPARATOR})${DATE}`, 'gi'),
      label: true,
    },
    // "1963年7月22日出生"
    { type: 'DOB', needs: ['digit', 'han'], gate: /出生/, pattern: new RegExp(`${DATE}(?=\\s{0,2}出生)`, 'g') },
    // Phones: CN mobile (optionally +86), international with +, US (xxx) xxx-xxxx, CN landline 0xx-xxxxxxxx.
    { type: 'PHONE', needs: ['digit'], pattern: /(?<![\d+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/g },
    { type: 'PHONE', needs: ['digit'], pattern: /(?<![\w+])\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}(?!\d)/g },
    { type: 'PHONE', needs: ['digit'], pattern: /(?<![\w-])(?:\(\d{3}\)[-.\s]?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?![\d-])/g },
    { type: 'PHONE', needs: ['digit'], pattern: /(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])/g },
    {
      type: 'PHONE',
      needs: ['digit'],
      gate: gateOf(PHONE_LABEL, 'gi'),
      pattern: new RegExp(`((?:${PHONE_LABEL})\\s{0,3}(?:[:：#]|is|number)?\\s{0,3})\\+?\\d[\\d\\s().-]{6,24}\\d`, 'gi'),
      label: true,
    },
    // Card numbers in groups of four, and any run of 9 or more digits (account, card, phone, record
    // numbers): clinical text does not write numbers that long without separators, except round
    // quantities (1000000000 CFU), which are kept.
    { type: 'ID_NUMBER', needs: ['digit'], gate: /\d{4}[ -]\d{4}/, pattern: /(?<![\d.,])\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,4})?(?![\d.,]\d)/g },
    { type: 'ID_NUMBER', needs: ['digit'], gate: /\d{9}/, pattern: /(?<![\d.,])\d{9,30}(?![\d]|[.,]\d)/g, measure: (value) => (value.endsWith('000000') ? 0 : value.length) },
    // Street addresses (English): "221B Baker Street", "1600 Pennsylvania Ave NW".
    {
      type: 'ADDRESS',
      needs: ['digit'],
      pattern: /\b\d{1,5}[A-Z]?\s{1,3}(?:[A-Z][a-z]+\s{1,3}){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Ct|Way|Place|Pl|Terrace|Square|Sq)\b\.?(?:\s{1,3}(?:NW|NE|SW|SE|N|S|E|W)\b)?(?:,?\s{1,3}(?:Apt|Apartment|Unit|Suite)\.?\s{0,2}#?\w{1,8})?/g,
    },
    // European addresses: "12 rue de la Paix, 75002 Paris", "Calle Mayor 10", "Hauptstraße 5, 10115 Berlin".
    {
      type: 'ADDRESS',
      needs: ['digit'],
      pattern: new RegExp(
        `(?<![\\p{L}\\p{N}])\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s{1,3}(?:${streetBefore})\\s{1,3}(?:(?:de|du|des|la|le|del|di|da|dos|das|l'|d')\\s{0,3}){0,3}\\p{Lu}[\\p{L}'’-]{1,30}(?:\\s{1,3}\\p{Lu}[\\p{L}'’-]{1,30}){0,3}(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`,
        'gu',
      ),
    },
    {
      type: 'ADDRESS',
      needs: ['digit'],
      gate: gateOf(streetBefore, 'gu'),
      pattern: new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${streetBefore})\\s{1,3}(?:(?:de|du|des|la|le|del|di|da|dos|das|l'|d')\\s{0,3}){0,3}\\p{Lu}[\\p{L}'’-]{1,30}(?:\\s{1,3}\\p{Lu}[\\p{L}'’-]{1,30}){0,3},?\\s{1,3}\\d{1,4}[a-z]?(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`,
        'gu',
      ),
    },
    {
      type: 'ADDRESS',
      needs: ['digit'],
      gate: gateOf(streetAfter, 'gu'),
      pattern: new RegExp(`(?<![\\p{L}])\\p{Lu}[\\p{L}-]{0,40}(?:${streetAfter})\\s{1,3}\\d{1,4}[a-z]?(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`, 'gu'),
    },
    // UK and Canadian postcodes, Japanese 〒 codes.
    { type: 'ADDRESS', needs: ['digit'], pattern: /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b/g },
    { type: 'ADDRESS', needs: ['digit'], pattern: /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d\b/g },
    { type: 'ADDRESS', needs: ['digit'], pattern: /〒\s?\d{3}-?\d{4}/g },
    // Chinese addresses: province/city/district and road/street (one bounded run of Han characters:
    // nested groups such as (?:[Han]{1,8}市){0,4} backtrack exponentially on '市市市…', and 600 KB of
    // that held the audit worker, so every answer waiting for its record, for minutes), then the
    // number, building, room.
    {
      type: 'ADDRESS',
      needs: ['han'],
      gate: gateOf(CHINESE_ROADS, 'g'),
      pattern: new RegExp(`[${HAN}]{1,${CHINESE_PLACE}}(?:${CHINESE_ROADS})\\d{1,5}(?:号|弄)(?:院)?(?:\\d{1,4}(?:号楼|栋|幢|座))?(?:\\d{1,3}单元)?(?:\\d{1,5}(?:室|号))?`, 'g'),
    },
    // ... or without one: 上海市浦东新区科苑小区5栋302室, 阳光花园3号楼2单元501室.
    {
      type: 'ADDRESS',
      needs: ['han', 'digit'],
      gate: /号|栋|幢|座/,
      pattern: new RegExp(
        `[${HAN}]{1,${CHINESE_PLACE}}(?:小区|花园|公寓|大厦|新村|村|苑|园|里|广场|家园|社区|大院|宿舍)\\s{0,2}\\d{1,4}\\s{0,2}(?:号楼|栋|幢|座|号)(?:\\s{0,2}\\d{1,3}\\s{0,2}单元)?(?:\\s{0,2}\\d{1,5}\\s{0,2}(?:室|号|房))?`,
        'g',
      ),
    },
    {
      type: 'ADDRESS',
      needs: ['separator'],
      gate: gateOf(ADDRESS_LABEL, 'gi'),
      pattern: new RegExp(`((?:${ADDRESS_LABEL})\\s{0,3}[:：]\\s{0,3})[^\\n。；;]{4,80}`, 'gi'),
      label: true,
    },
    // English names in context: titles, cue words (patient, my name is, my husband...), each checked
    // against drug names and ordinary words.
    {
      type: 'NAME',
      needs: ['upper'],
      gate: gateOf(TITLES, ''), // ASCII letters: the same matches without the u flag, found faster
      pattern: new RegExp(`((?<![\\p{L}])(?:${TITLES})\\.?\\s{1,3})${PERSON}`, 'gu'),
      label: true,
      measure: nameLength,
    },
    {
      type: 'NAME',
      needs: ['upper'],
      pattern: new RegExp(`((?<![\\p{L}])(?:${cues})(?:\\s{0,3}[:：=,\\-]\\s{0,3}|\\s{1,3}))${PERSON}`, 'gu'),
      label: true,
      measure: nameLength,
    },
    // After a cue that can only introduce a name, lower case too: "my name is zofia nowak".
    {
      type: 'NAME',
      gate: /name(?:\s{0,3}[:：=]|\s+is|'s)|我叫/i,
      pattern: /((?<![\p{L}])(?:my\s+name\s+is|my\s+name's|(?:patient|full|first|last)\s+name\s{0,3}[:：=]|name\s{0,3}[:：=]|我叫)\s{0,3})\p{Ll}[\p{Ll}'’-]{1,30}(?:[ \t]{1,3}\p{Ll}[\p{Ll}'’-]{1,30}){0,2}/giu,
      label: true,
      measure: nameLength,
    },
    // Names in capitals (JOHN SMITH, PATIENT: MARY O'BRIEN, Name: ROBERT BROWN): a known given name
    // and one or two more words, a cue with ':' or "my name is" and two or three words, or a cue word and
    // a known given name; acronyms and clinical words in capitals (COPD, CHF EXACERBATION, NPO AFTER
    // MIDNIGHT) are not names (capitalsNameLength).
    {
      type: 'NAME',
      needs: ['upper'],
      // two words in capitals (a given name of ASCII letters, checked when the lexicon is read)
      gate: /[A-Z]{2}[ \t]{1,3}(?:\p{Lu}\.[ \t]{1,3})?\p{Lu}[\p{Lu}'’-]/u,
      pattern: new RegExp(`(?<![\\p{L}])(?:${givenCapitals})(?:[ \\t]{1,3}\\p{Lu}\\.)?(?:[ \\t]{1,3}${CAPITALS_WORD}){1,2}(?![\\p{L}])`, 'gu'),
      measure: capitalsNameLength,
    },
    {
      type: 'NAME',
      needs: ['upper'],
      gate: /[:：=]\s{0,3}\p{Lu}[\p{Lu}'’-]|[nN][aA][mM][eE](?:\s+[iI][sS]|'[sS])\s{0,3}\p{Lu}[\p{Lu}'’-]/u,
      pattern: new RegExp(`((?<![\\p{L}])(?:(?:${cues})\\s{0,3}[:：=]|${anyCase('my name is')}|${anyCase("my name's")})\\s{0,3})${CAPITALS_WORD}(?:[ \\t]{1,3}${CAPITALS_WORD}){0,2}(?![\\p{L}])`, 'gu'),
      label: true,
      measure: capitalsNameLength,
    },
    {
      type: 'NAME',
      needs: ['upper'],
      gate: /[ \t][A-Z]{3}/,
      pattern: new RegExp(`((?<![\\p{L}])(?:${cues})[ \\t]{1,3})(?:${givenCapitals})(?:[ \\t]{1,3}${CAPITALS_WORD}){0,2}(?![\\p{L}])`, 'gu'),
      label: true,
      measure: capitalsNameLength,
    },
    // A known given name in lower case after "i'm", "i am", "this is", "call me": "i'm mary". A lower-case
    // surname after it is not taken (no list tells "i'm mary taking warfarin" from "i'm mary smith").
    {
      type: 'NAME',
      gate: /[iI]['’]m\s|[iI]\s+am\s|[tT]his\s+is\s|[cC]all\s+me\s/,
      pattern: new RegExp(`((?<![\\p{L}])(?:[iI](?:'m|’m|\\s+am)|[tT]his\\s+is|[cC]all\\s+me)\\s{1,3})(?:${givenLower})(?![\\p{L}'’])`, 'gu'),
      label: true,
    },
    // A known given name followed by a surname: "Robert Brown", unless an eponym ("Charles Bonnet syndrome").
    {
      type: 'NAME',
      needs: ['upper'],
      pattern: new RegExp(`(?<![\\p{L}])(?:${givenNames})(?:[ \\t]{1,3}\\p{Lu}\\.)?[ \\t]{1,3}${WORD}(?:-${WORD})?(?![\\p{L}])(?!['’]?s?\\s{1,3}(?:${followers})(?![\\p{L}]))`, 'gu'),
      measure: (value) => (nameLength(value) > value.indexOf(' ') ? nameLength(value) : 0),
    },
    // Two capitalised words right before an age: "Sarah Lee, 54,", "Tom Hale (67)", "Ann Roe 45 y/o".
    {
      type: 'NAME',
      // the lookahead needs an ASCII digit
      needs: ['upper', 'digit'],
      pattern: new RegExp(`(?<![\\p{L}])${WORD}[ \\t]{1,3}${WORD}(?=,?\\s{0,2}(?:\\(\\d{1,3}\\)|\\d{1,3}\\s{0,2}(?:y\\/?o|yo|yrs?|years?(?:\\s+old)?|-year-old|[MF])(?![\\p{L}])|,\\s{0,2}\\d{1,3}\\s{0,2},))`, 'gu'),
      measure: (value) => (nameLength(value) > value.indexOf(' ') ? nameLength(value) : 0),
    },
    // An unlabelled full date right after a name is a date of birth: "[NAME] 1963-07-22", "[NAME] (b. 1963-07-22)".
    { type: 'DOB', needs: ['digit'], gate: /\[NAME\]/, pattern: new RegExp(`(\\[NAME\\][^\\n.\\d\\[]{0,30}?)${DATE}`, 'g'), label: true },
    // Chinese names after a cue that introduces a name: 我叫李四 / 姓名：王五 / 联系人赵六 (data/phi/chinese-names.yaml).
    {
      type: 'NAME',
      needs: ['han'],
      gate: new RegExp(strongCues),
      pattern: new RegExp(`((?:${strongCues})\\s{0,2}[:：]?\\s{0,2})(?:${surnames})[${HAN}]{1,2}`, 'g'),
      label: true,
      measure: chineseNameAfterStrongCue,
    },
    // ... and after a person cue, where ordinary words follow as often: 我是张伟, 患者李建国今年65岁,
    // 我妈妈刘桂芬, but not 我是医生, 患者应当, 我是高中生 (chineseNameAfterPersonCue).
    {
      type: 'NAME',
      needs: ['han'],
      gate: new RegExp(personCues),
      pattern: new RegExp(`((?:${personCues})\\s{0,2}[:：]?\\s{0,2})(?:${surnames})[${HAN}]{1,2}`, 'g'),
      label: true,
      measure: chineseNameAfterPersonCue,
    },
    {
      type: 'NAME',
      needs: ['han'],
      gate: /先生|女士|小姐|同志/,
      pattern: new RegExp(`(?:${surnames})[${HAN}]{1,2}(?=先生|女士|小姐|同志)`, 'g'),
      measure: (value) => (chineseNameAfterPersonCue(value, '') === value.length ? value.length : 0),
    },
    // A name in pinyin after a Chinese cue: 我叫 Li Wei, 患者：Zhang Xiaoming.
    {
      type: 'NAME',
      needs: ['han', 'upper'],
      gate: new RegExp(chineseCues),
      pattern: new RegExp(`((?:${chineseCues})\\s{0,2}[:：]?\\s{0,2})[A-Z][a-z]{1,12}(?:[ \\t-]{1,2}[A-Z]?[a-z]{1,12}){0,2}`, 'g'),
      label: true,
      measure: nameLength,
    },
    // A case-report opening: 张伟，男，45岁 / 李娜 女 32岁.
    {
      type: 'NAME',
      needs: ['han', 'digit'],
      gate: /岁/,
      pattern: new RegExp(`(?<![${HAN}])(?:${surnames})[${HAN}]{1,2}(?=\\s{0,2}[，,、 ]\\s{0,2}[男女]性?\\s{0,2}[，,、 ]\\s{0,2}\\d{1,3}\\s{0,2}岁)`, 'g'),
      // 高龄，男，80岁: a word for an age group, not a name
      measure: (value) => ('龄年人性热'.includes(value.charAt(1)) ? 0 : value.length),
    },
  ];
}

export interface PhiTables extends PhiWordSets {
  rules: Rule[];
}
let tables: PhiTables | undefined;

/** The lexicon's word sets and the rules built from it, made on first use so that importing this module stays cheap. */
export function phiTables(): PhiTables {
  tables ??= { ...phiWordSets(), rules: buildRules(lexiconFile.load()) };
  return tables;
}
