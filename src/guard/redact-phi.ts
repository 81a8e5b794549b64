/**
 * PHI/PII redaction for audit records, logs and (optionally) upstream requests: names (after a cue
 * word, as a known given name plus a surname, next to an age, as JSON values), phone numbers,
 * e-mails, street addresses (US, Chinese, European, UK/Canadian postcodes), dates of birth (labelled,
 * or a full date right after a name), medical record numbers, Chinese resident ID numbers, ID-card /
 * passport / insurance / SSN numbers (ASCII or full-width digits). Each match becomes a typed
 * placeholder such as `[PHONE]` or `[NAME]`. Clinical content stays: doses ("500 mg"), lab values
 * ("BP 120/80", "HbA1c 7.2%"), ages ("45-year-old"), ordinary dates and drug names.
 *
 * Cost is linear in the text: every pattern is bounded, and a long text is redacted in segments of at
 * most SEGMENT_CHARS cut at line or word boundaries. Word lists live in data/phi/lexicon.yaml.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, describeError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';
import { defineDataFile, parseYaml } from '../spec/define-data-file.js';

export type PhiType = 'NAME' | 'PHONE' | 'EMAIL' | 'ADDRESS' | 'DOB' | 'MRN' | 'ID_NUMBER' | 'PASSPORT' | 'INSURANCE_ID' | 'SSN';

export interface RedactPhiResult {
  text: string;
  /** How many spans of each type were replaced. */
  counts: Partial<Record<PhiType, number>>;
  /** The replaced values themselves (kept in memory only, for `createPhiRedactor`). */
  values: Array<{ type: PhiType; value: string }>;
}

const words = z.array(z.string().min(1));
const phiTypeSchema = z.enum(['NAME', 'PHONE', 'EMAIL', 'ADDRESS', 'DOB', 'MRN', 'ID_NUMBER', 'PASSPORT', 'INSURANCE_ID', 'SSN']);
const lexiconSchema = z.object({
  givenNames: words,
  notNameFollowers: words,
  notNames: words,
  nameCues: words,
  phiKeys: z.partialRecord(phiTypeSchema, words),
  streetWordsBefore: words,
  streetWordsAfter: words,
  drugs: words,
});
type Lexicon = z.infer<typeof lexiconSchema>;

const lexiconPath = () => resolvePackagePath('data', 'phi', 'lexicon.yaml');
/** data/phi/lexicon.yaml, validated (a build loads its JSON snapshot, spec/define-data-file.ts). */
const lexiconFile = defineDataFile<Lexicon>({
  id: 'phi/lexicon',
  sources: () => [lexiconPath(), fileURLToPath(import.meta.url)],
  read: () => {
    const path = lexiconPath();
    const parsed = (() => {
      try {
        return lexiconSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
      } catch (error) {
        throw new ConfigError(`Cannot read the PHI lexicon ${path}: ${describeError(error)}.`, { cause: error, fix: 'Restore data/phi/lexicon.yaml from the package.' });
      }
    })();
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`Invalid PHI lexicon ${path} at ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`, { fix: 'Fix data/phi/lexicon.yaml (see its header).' });
    }
    return parsed.data;
  },
});


/** Longest text one pass of the rules sees; longer texts are cut at a line or word boundary. */
const SEGMENT_CHARS = 4096;

interface Rule {
  type: PhiType;
  pattern: RegExp;
  /** The rule can only match a text that has one of these characters (a cheap test that skips it otherwise). */
  needs?: 'digit' | 'at' | 'han' | 'separator' | 'upper';
  /** Group 1 is a label kept in front of the placeholder ("MRN: " [MRN]). */
  label?: boolean;
  /**
   * How many characters of the value (the match after the label) are PHI: the rest is kept after the
   * placeholder. 0 keeps the whole match (a false positive, e.g. a drug after "called").
   */
  measure?: (value: string) => number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `patient name` → a pattern matching it in any letter case, with flexible spaces. */
function anyCase(phrase: string): string {
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
const SEPARATOR = '\\s{0,3}(?:[:：#=]|is|was|no\\.?|number)?\\s{0,3}';

/** Common Chinese surnames (single and compound), used to recognise names after 患者/我叫/姓名. */
const SURNAMES =
  '欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|' +
  '王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|郭|何|高|林|罗|郑|梁|谢|宋|唐|许|韩|冯|邓|曹|彭|曾|肖|田|董|袁|潘|于|蒋|蔡|余|杜|叶|程|苏|魏|吕|丁|任|沈|姚|卢|姜|崔|钟|谭|陆|汪|范|金|石|廖|贾|夏|韦|付|方|白|邹|孟|熊|秦|邱|江|尹|薛|闫|段|雷|侯|龙|史|陶|黎|贺|顾|毛|郝|龚|邵|万|钱|严|覃|武|戴|莫|孔|向|汤|常|温|康|施|文|牛|樊|葛|邢|安|齐|易|乔|伍|庞|颜|倪|庄|聂|章|鲁|岳|翟|殷|詹|申|欧|耿|关|兰|焦|俞|左|柳|甘|祝|包|宁|尚|符|舒|阮|柯|纪|梅|童|凌|毕|单|季|裴|霍|涂|成|苗|谷|盛|曲|翁|冉|骆|蓝|路|游|辛|靳|管|柴|蒙|鲍|华|喻|祁|蒲|房|滕|屈|饶|解|牟|艾|尤|阳|时|穆|农|司|卓|古|吉|缪|简|车|项|连|芦|麦|褚|娄|窦|戚|岑|景|党|宫|费|卜|冷|晏|席|卫|米|柏|宗|瞿|桂|全|佟|应|臧|闵|苟|邬|边|卞|姬|师|和|仇|栾|隋|商|刁|沙|荣|巫|寇|桑|郎|甄|丛|仲|虞|敖|巩|明|佘|池|查|麻|苑|迟|邝|某';
/** Characters that usually start the clinical text after a name (出现, 男, 45岁...), not a given name. */
const NAME_STOP = '出有是因于在的今男女年岁主自近反诉患被和与及说来去已曾突持伴无现就经入术服用诊既查体于由该等也又';
const HAN = '\\u4e00-\\u9fff';

const WORD = "\\p{Lu}[\\p{Ll}'’-]{1,30}";
const PERSON = `${WORD}(?:[ \\t]{1,3}(?:\\p{Lu}\\.[ \\t]{0,2})?${WORD}){0,2}`;

/**
 * How much of a candidate name is really a name: the leading capitalised words that are not drugs
 * or ordinary words ("Warfarin", "Information"). 0 when the first word already fails.
 */
function nameLength(value: string): number {
  const { drugs, notNames } = phiTables();
  const words = /\S+/g;
  let end = 0;
  for (let match = words.exec(value); match; match = words.exec(value)) {
    const word = match[0].replace(/['’]s$/, '').replace(/[.,;:]+$/, '').toLowerCase();
    if (drugs.has(word) || notNames.has(word)) break;
    end = match.index + match[0].replace(/[.,;:]+$/, '').length;
  }
  return end;
}

function keyRule(type: PhiType, keys: string[]): Rule {
  const names = keys.map((key) => key.split(/[_ ]/).map(escapeRegExp).join('[_\\- ]?')).join('|');
  return {
    type,
    needs: 'separator',
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

/** The rules, most specific first; the name and key rules are built from the lexicon. */
function buildRules(lexicon: Lexicon): Rule[] {
  const phiKeyRules = (Object.entries(lexicon.phiKeys) as Array<[PhiType, string[]]>).map(([type, keys]) => keyRule(type, keys));
  const cues = lexicon.nameCues.map(anyCase).sort((left, right) => right.length - left.length).join('|');
  const givenNames = alternation(lexicon.givenNames.map(capitalise));
  const followers = lexicon.notNameFollowers.map(anyCase).join('|');
  const streetBefore = lexicon.streetWordsBefore.map(anyCase).join('|');
  const streetAfter = alternation(lexicon.streetWordsAfter);

  return [
    ...phiKeyRules,
    { type: 'EMAIL', needs: 'at', pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/g },
    // Chinese resident identity number: 6-digit area, birth date, 3-digit sequence, check digit or X.
    {
      type: 'ID_NUMBER',
      needs: 'digit',
      pattern: /(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g,
    },
    // SSN without a label: 234-56-7890, 234 56 7890, full-width digits; the same separator twice.
    { type: 'SSN', needs: 'digit', pattern: new RegExp(`(?<![0-9\\uFF10-\\uFF19\\-\\uFF0D])${D}{3}([-\\uFF0D \\u3000])${D}{2}\\1${D}{4}(?![0-9\\uFF10-\\uFF19\\-\\uFF0D])`, 'g') },
    {
      type: 'SSN',
      needs: 'digit',
      pattern: new RegExp(`((?:SSN|social security(?: number| no\\.?)?)${SEPARATOR})${D}{3}[ \\-\\uFF0D]?${D}{2}[ \\-\\uFF0D]?${D}{4}`, 'gi'),
      label: true,
    },
    {
      type: 'MRN',
      needs: 'digit',
      pattern: new RegExp(`((?:MRN|medical record(?: number| no\\.?)?|chart (?:number|no\\.?)|病历号|病案号|住院号|门诊号)${SEPARATOR})[A-Z]{0,4}-?\\d[\\dA-Z-]{3,30}`, 'gi'),
      label: true,
    },
    {
      type: 'PASSPORT',
      needs: 'digit',
      pattern: new RegExp(`((?:passport(?: number| no\\.?)?|护照号码|护照号|护照)${SEPARATOR})[A-Z0-9]{6,12}`, 'gi'),
      label: true,
    },
    {
      type: 'INSURANCE_ID',
      needs: 'digit',
      pattern: new RegExp(`((?:(?:health )?insurance (?:id|number|no\\.?|card(?: number)?)|policy (?:number|no\\.?)|member id|medicare(?: number)?|medicaid(?: number)?|医保卡号|医保号|社保卡号|社保号)${SEPARATOR})[A-Z0-9][A-Z0-9-]{4,30}`, 'gi'),
      label: true,
    },
    {
      type: 'ID_NUMBER',
      needs: 'digit',
      pattern: new RegExp(`((?:ID card(?: number| no\\.?)?|ID number|national id(?: number)?|driver'?s licen[cs]e(?: number| no\\.?)?|身份证号码|身份证号|身份证)${SEPARATOR})[A-Z0-9][A-Z0-9-]{4,30}`, 'gi'),
      label: true,
    },
    {
      type: 'DOB',
      needs: 'digit',
      pattern: new RegExp(`((?:DOB|D\\.O\\.B\\.?|date of birth|birth ?date|born on|born|birthday|出生日期|出生于|生日)${SEPARATOR})${DATE}`, 'gi'),
      label: true,
    },
    // "1963年7月22日出生"
    { type: 'DOB', needs: 'digit', pattern: new RegExp(`${DATE}(?=\\s{0,2}出生)`, 'g') },
    // Phones: CN mobile (optionally +86), international with +, US (xxx) xxx-xxxx, CN landline 0xx-xxxxxxxx.
    { type: 'PHONE', needs: 'digit', pattern: /(?<![\d+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)/g },
    { type: 'PHONE', needs: 'digit', pattern: /(?<![\w+])\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}(?!\d)/g },
    { type: 'PHONE', needs: 'digit', pattern: /(?<![\w-])(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?![\d-])/g },
    { type: 'PHONE', needs: 'digit', pattern: /(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])/g },
    {
      type: 'PHONE',
      needs: 'digit',
      pattern: /((?:phone|tel|telephone|mobile|cell|电话|手机|手机号|联系方式)\s{0,3}(?:[:：#]|is|number)?\s{0,3})\+?\d[\d\s().-]{6,24}\d/gi,
      label: true,
    },
    // Street addresses (English): "221B Baker Street", "1600 Pennsylvania Ave NW".
    {
      type: 'ADDRESS',
      needs: 'digit',
      pattern: /\b\d{1,5}[A-Z]?\s{1,3}(?:[A-Z][a-z]+\s{1,3}){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Court|Ct|Way|Place|Pl|Terrace|Square|Sq)\b\.?(?:\s{1,3}(?:NW|NE|SW|SE|N|S|E|W)\b)?(?:,?\s{1,3}(?:Apt|Apartment|Unit|Suite)\.?\s{0,2}#?\w{1,8})?/g,
    },
    // European addresses: "12 rue de la Paix, 75002 Paris", "Calle Mayor 10", "Hauptstraße 5, 10115 Berlin".
    {
      type: 'ADDRESS',
      needs: 'digit',
      pattern: new RegExp(
        `(?<![\\p{L}\\p{N}])\\d{1,4}(?:\\s?(?:bis|ter))?,?\\s{1,3}(?:${streetBefore})\\s{1,3}(?:(?:de|du|des|la|le|del|di|da|dos|das|l'|d')\\s{0,3}){0,3}\\p{Lu}[\\p{L}'’-]{1,30}(?:\\s{1,3}\\p{Lu}[\\p{L}'’-]{1,30}){0,3}(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`,
        'gu',
      ),
    },
    {
      type: 'ADDRESS',
      needs: 'digit',
      pattern: new RegExp(
        `(?<![\\p{L}\\p{N}])(?:${streetBefore})\\s{1,3}(?:(?:de|du|des|la|le|del|di|da|dos|das|l'|d')\\s{0,3}){0,3}\\p{Lu}[\\p{L}'’-]{1,30}(?:\\s{1,3}\\p{Lu}[\\p{L}'’-]{1,30}){0,3},?\\s{1,3}\\d{1,4}[a-z]?(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`,
        'gu',
      ),
    },
    {
      type: 'ADDRESS',
      needs: 'digit',
      pattern: new RegExp(`(?<![\\p{L}])\\p{Lu}[\\p{L}-]{0,40}(?:${streetAfter})\\s{1,3}\\d{1,4}[a-z]?(?:,?\\s{1,3}\\d{4,5}\\s{1,3}\\p{Lu}[\\p{L}-]{1,30})?`, 'gu'),
    },
    // UK and Canadian postcodes, Japanese 〒 codes.
    { type: 'ADDRESS', needs: 'digit', pattern: /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b/g },
    { type: 'ADDRESS', needs: 'digit', pattern: /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d\b/g },
    { type: 'ADDRESS', needs: 'digit', pattern: /〒\s?\d{3}-?\d{4}/g },
    // Chinese addresses: optional province/city/district, then road/street + number, building, room.
    {
      type: 'ADDRESS',
      needs: 'han',
      pattern: new RegExp(`(?:[${HAN}]{1,8}(?:省|市|区|县|镇|乡)){0,4}[${HAN}]{1,10}(?:路|街|大道|大街|巷|胡同|弄)\\d{1,5}(?:号|弄)(?:院)?(?:\\d{1,4}(?:号楼|栋|幢|座))?(?:\\d{1,3}单元)?(?:\\d{1,5}(?:室|号))?`, 'g'),
    },
    {
      type: 'ADDRESS',
      needs: 'separator',
      pattern: /((?:home address|address|住址|家庭住址|地址)\s{0,3}[:：]\s{0,3})[^\n。；;]{4,80}/gi,
      label: true,
    },
    // English names in context: titles, cue words (patient, my name is, my husband...), each checked
    // against drug names and ordinary words.
    {
      type: 'NAME',
      needs: 'upper',
      pattern: new RegExp(`((?<![\\p{L}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\\.?\\s{1,3})${PERSON}`, 'gu'),
      label: true,
      measure: nameLength,
    },
    {
      type: 'NAME',
      needs: 'upper',
      pattern: new RegExp(`((?<![\\p{L}])(?:${cues})(?:\\s{0,3}[:：=,\\-]\\s{0,3}|\\s{1,3}))${PERSON}`, 'gu'),
      label: true,
      measure: nameLength,
    },
    // A known given name followed by a surname: "Robert Brown", unless an eponym ("Charles Bonnet syndrome").
    {
      type: 'NAME',
      needs: 'upper',
      pattern: new RegExp(`(?<![\\p{L}])(?:${givenNames})(?:[ \\t]{1,3}\\p{Lu}\\.)?[ \\t]{1,3}${WORD}(?:-${WORD})?(?![\\p{L}])(?!['’]?s?\\s{1,3}(?:${followers})(?![\\p{L}]))`, 'gu'),
      measure: (value) => (nameLength(value) > value.indexOf(' ') ? nameLength(value) : 0),
    },
    // Two capitalised words right before an age: "Sarah Lee, 54,", "Tom Hale (67)", "Ann Roe 45 y/o".
    {
      type: 'NAME',
      needs: 'upper',
      pattern: new RegExp(`(?<![\\p{L}])${WORD}[ \\t]{1,3}${WORD}(?=,?\\s{0,2}(?:\\(\\d{1,3}\\)|\\d{1,3}\\s{0,2}(?:y\\/?o|yo|yrs?|years?(?:\\s+old)?|-year-old|[MF])(?![\\p{L}])|,\\s{0,2}\\d{1,3}\\s{0,2},))`, 'gu'),
      measure: (value) => (nameLength(value) > value.indexOf(' ') ? nameLength(value) : 0),
    },
    // An unlabelled full date right after a name is a date of birth: "[NAME] 1963-07-22", "[NAME] (b. 1963-07-22)".
    { type: 'DOB', needs: 'digit', pattern: new RegExp(`(\\[NAME\\][^\\n.\\d\\[]{0,30}?)${DATE}`, 'g'), label: true },
    // Chinese names in context: 患者张三 / 我叫李四 / 姓名：王五 / 联系人赵六.
    {
      type: 'NAME',
      needs: 'han',
      pattern: new RegExp(`((?:患者|病人|病患|患儿|我叫|我的名字是|我的名字叫|名叫|姓名\\s{0,2}[:：]?|本人|联系人|家属|监护人)\\s{0,2})(?:${SURNAMES})[${HAN}]{1,2}`, 'g'),
      label: true,
      // "患者李明出现发热": a trailing character that starts the clinical text is not part of the name.
      measure: (value) => (value.length === 3 && NAME_STOP.includes(value.charAt(2)) ? 2 : value.length),
    },
    { type: 'NAME', needs: 'han', pattern: new RegExp(`(?:${SURNAMES})[${HAN}]{1,2}(?=先生|女士|小姐|同志)`, 'g') },
  ];
}

interface PhiTables {
  drugs: Set<string>;
  notNames: Set<string>;
  rules: Rule[];
}
let tables: PhiTables | undefined;

/** The lexicon's word sets and the rules built from it, made on first use so that importing this module stays cheap. */
function phiTables(): PhiTables {
  if (tables) return tables;
  const lexicon = lexiconFile.load();
  tables = {
    drugs: new Set(lexicon.drugs.map((word) => word.toLowerCase())),
    notNames: new Set(lexicon.notNames.map((word) => word.toLowerCase())),
    rules: buildRules(lexicon),
  };
  return tables;
}

const PLACEHOLDER = /^\[[A-Z_]+\]$/;
const STARTS_WITH_PLACEHOLDER = /^\s*\[[A-Z_]+\]/;

const NEEDS: Record<NonNullable<Rule['needs']>, RegExp> = {
  digit: /[0-9\uFF10-\uFF19]/,
  at: /@/,
  han: /[\u4e00-\u9fff]/,
  separator: /[:=：]/,
  upper: /\p{Lu}/u,
};

function redactSegment(text: string, counts: RedactPhiResult['counts'], values: RedactPhiResult['values']): string {
  if (text === '') return text;
  const has = { digit: NEEDS.digit.test(text), at: NEEDS.at.test(text), han: NEEDS.han.test(text), separator: NEEDS.separator.test(text), upper: NEEDS.upper.test(text) };
  let current = text;
  for (const rule of phiTables().rules) {
    if (rule.needs && !has[rule.needs]) continue;
    current = current.replace(rule.pattern, (match: string, ...rest: unknown[]) => {
      if (PLACEHOLDER.test(match)) return match; // placeholders from an earlier rule are never re-redacted
      const label = rule.label && typeof rest[0] === 'string' ? rest[0] : '';
      const value = match.slice(label.length);
      if (STARTS_WITH_PLACEHOLDER.test(value)) return match;
      const length = rule.measure ? rule.measure(value) : value.length;
      if (length <= 0) return match;
      counts[rule.type] = (counts[rule.type] ?? 0) + 1;
      values.push({ type: rule.type, value: value.slice(0, length).trim() });
      return `${label}[${rule.type}]${value.slice(length)}`;
    });
  }
  return current;
}

/** Cuts a text into pieces of at most `size` characters, at a line break, else a space, else anywhere. */
export function splitForRedaction(text: string, size = SEGMENT_CHARS): string[] {
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    const window = text.slice(start, start + size);
    let cut = window.lastIndexOf('\n');
    if (cut < size / 2) cut = Math.max(window.lastIndexOf(' '), window.lastIndexOf('\t'));
    if (cut < size / 2) cut = size - 1;
    pieces.push(text.slice(start, start + cut + 1));
    start += cut + 1;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * Short texts the rules left unchanged, remembered so that a repeated one (a guard reason, a disclaimer,
 * a refusal: the same few texts in every audit record) is not scanned by ~40 patterns again. Only texts
 * in which nothing was found are kept (never a PHI value); the result is the same as a fresh scan, since
 * the rules are a pure function of the text. Cleared when full.
 */
const cleanTexts = new Set<string>();
const CLEAN_TEXT_MAX_CHARS = 512;
const CLEAN_TEXTS_MAX = 2048;

/** Redacts PHI and reports how many spans of each type were replaced. */
export function redactPhiDetailed(text: string): RedactPhiResult {
  const short = text.length <= CLEAN_TEXT_MAX_CHARS;
  if (short && cleanTexts.has(text)) return { text, counts: {}, values: [] };
  const counts: RedactPhiResult['counts'] = {};
  const values: RedactPhiResult['values'] = [];
  const pieces = splitForRedaction(text);
  const redacted = pieces.length === 1 ? redactSegment(text, counts, values) : pieces.map((piece) => redactSegment(piece, counts, values)).join('');
  if (short && values.length === 0 && redacted === text) {
    if (cleanTexts.size >= CLEAN_TEXTS_MAX) cleanTexts.clear();
    cleanTexts.add(text);
  }
  return { text: redacted, counts, values };
}

/** Redacts PHI from a text (stateless): logs, the LLM guard's reasons, the upstream copy. */
export function redactPhi(text: string): string {
  return redactPhiDetailed(text).text;
}

export interface PhiRedactorOptions {
  /** How many PHI values one redactor remembers (default 500). */
  memory?: number;
}

/**
 * A redactor for ONE exchange (create one per request): it remembers the PHI values it found and
 * removes them wherever they appear later in the same exchange without context — a model answer that
 * repeats "Margaret Thornton" after the request said "my name is Margaret Thornton". The audit
 * writer redacts a record's messages before its answer, so the answer is scrubbed with what the
 * request revealed. Nothing is shared between redactors, and drug names are never remembered as names.
 */
export function createPhiRedactor(options: PhiRedactorOptions = {}): (text: string) => string {
  const memory = options.memory ?? 500;
  const known = new Map<string, { type: PhiType; anyCase: boolean }>();
  let pattern: RegExp | undefined;
  let types: Array<{ type: PhiType; anyCase: boolean }> = [];
  const remember = (value: string, type: PhiType, anyCase: boolean) => {
    const { drugs, notNames } = phiTables();
    if (value.length < 3 || PLACEHOLDER.test(value) || drugs.has(value.toLowerCase()) || notNames.has(value.toLowerCase())) return;
    known.delete(value);
    known.set(value, { type, anyCase });
    while (known.size > memory) {
      const oldest = known.keys().next();
      if (oldest.done) break;
      known.delete(oldest.value);
    }
    pattern = undefined;
  };
  return (text) => {
    const result = redactPhiDetailed(text);
    for (const { type, value } of result.values) {
      // Names in any case: classifier reasons quote lower-cased n-grams; other values as written.
      remember(value, type, type === 'NAME');
      if (type === 'NAME') for (const part of value.split(/\s+/)) if (/^\p{Lu}[\p{Ll}'’-]{2,}$/u.test(part)) remember(part, type, true);
    }
    if (known.size === 0) return result.text;
    if (!pattern) {
      const entries = [...known.entries()].sort((left, right) => right[0].length - left[0].length);
      types = entries.map(([, info]) => info);
      const parts = entries.map(([value, info]) => {
        const body = info.anyCase ? anyCase(value) : escapeRegExp(value);
        return `(${/^[\p{L}\p{N}]/u.test(value) ? `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])` : body})`;
      });
      pattern = new RegExp(parts.join('|'), 'gu');
    }
    const matcher = pattern;
    return splitForRedaction(result.text)
      .map((piece) =>
        piece.replace(matcher, (...args: unknown[]) => {
          const index = args.slice(1, 1 + types.length).findIndex((group) => group !== undefined);
          return `[${types[index]?.type ?? 'NAME'}]`;
        }),
      )
      .join('');
  };
}
