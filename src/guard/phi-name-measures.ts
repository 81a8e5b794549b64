/**
 * How much of a candidate a PHI rule matched is really PHI (phi-redaction-rules.ts `measure`): names that
 * are not drugs or ordinary words, names in capitals that are not acronyms or clinical words, Chinese names
 * after a cue, IPv6 addresses. Each returns the length to redact from the start, 0 for none.
 */
import { phiWordSets } from './phi-lexicon.js';

/**
 * How much of a candidate name is really a name: the leading capitalised words that are not drugs
 * or ordinary words ("Warfarin", "Information"). 0 when the first word already fails.
 */
export function nameLength(value: string): number {
  const { drugs, notNames } = phiWordSets();
  const words = /\S+/g;
  let end = 0;
  for (let match = words.exec(value); match; match = words.exec(value)) {
    const word = match[0].replace(/['’]s$/, '').replace(/[.,;:]+$/, '').toLowerCase();
    if (drugs.has(word) || notNames.has(word)) break;
    end = match.index + match[0].replace(/[.,;:]+$/, '').length;
  }
  return end;
}

/** Whether a word in capitals can be part of a name: not an acronym (CHF, DNR), drug or ordinary/clinical word (COPD, AFTER). */
function isCapitalsNameWord(word: string, first: boolean): boolean {
  const { drugs, notNames, clinicalCapitals, givenNames, notNameFollowers } = phiWordSets();
  const lower = word.replace(/['’]s$/, '').toLowerCase();
  if (givenNames.has(lower)) return true;
  const letters = lower.replace(/['’-]/g, '');
  if (letters.length < 2 || !/[aeiouy]/.test(letters)) return false;
  // a first word of three letters or fewer that is not a given name is an acronym (NPO, ICU, MRI)
  if (first && letters.length <= 3) return false;
  return !(drugs.has(lower) || notNames.has(lower) || clinicalCapitals.has(lower) || notNameFollowers.has(lower));
}

/**
 * How much of a candidate name in capitals is a name: the leading words that pass
 * `isCapitalsNameWord`, at least two of them unless the first is a known given name ("I'M MARY");
 * 0 when a word that marks an eponym follows (JOHN HOPKINS HOSPITAL) or too few words pass.
 */
export function capitalsNameLength(value: string): number {
  const { givenNames, notNameFollowers } = phiWordSets();
  const words = /\S+/g;
  let end = 0;
  let count = 0;
  let firstIsGiven = false;
  for (let match = words.exec(value); match; match = words.exec(value)) {
    const word = match[0].replace(/[.,;:]+$/, '');
    if (notNameFollowers.has(word.toLowerCase())) return 0;
    if (!isCapitalsNameWord(word, count === 0)) break;
    if (count === 0) firstIsGiven = givenNames.has(word.toLowerCase());
    count += 1;
    end = match.index + word.length;
  }
  return count >= 2 || (count === 1 && firstIsGiven) ? end : 0;
}

/** The length of a Chinese surname at the start of a candidate (compound surnames first). */
function surnameLength(value: string): number {
  for (const surname of phiWordSets().chinese.compoundSurnames) if (value.startsWith(surname)) return surname.length;
  return 1;
}

/**
 * After a strong cue (我叫, 姓名：): the surname and one or two characters, the second dropped when it
 * starts the clinical text (患者李明出现发热 → 李明).
 */
export function chineseNameAfterStrongCue(value: string): number {
  const surname = surnameLength(value);
  if (value.length === surname + 2 && phiWordSets().chinese.notGivenNameStarts.has(value.charAt(surname + 1))) return surname + 1;
  return value.length;
}

/**
 * After a person cue (我是, 患者, 我妈妈) or before 先生/女士: a name only when its first given-name
 * character is a common one (a second one is taken unless it starts the text after the name), it is not an ordinary word or place (高中, 沈阳), and no place suffix
 * follows (我是安阳人). 0 otherwise (我是医生, 患者应当, 我是高中生).
 */
export function chineseNameAfterPersonCue(value: string, following: string): number {
  const { givenNameCharacters, notGivenNameStarts, notNames, placeSuffixes } = phiWordSets().chinese;
  const surname = surnameLength(value);
  if (!givenNameCharacters.has(value.charAt(surname))) return 0;
  let end = surname + 1;
  const second = value.charAt(surname + 1);
  // the second character only has to not start the text after the name: given names use more characters than the list holds (周杰伦)
  if (second !== '' && !notGivenNameStarts.has(second)) end += 1;
  const around = value + following;
  for (const word of notNames) if (around.startsWith(word)) return 0;
  const after = around.charAt(end);
  return after !== '' && placeSuffixes.has(after) ? 0 : end;
}

/** Whether a candidate is an IPv6 address: 8 groups of 1-4 hex digits, or fewer with one `::`, optionally ending in IPv4. */
export function ipv6Length(value: string): number {
  let text = value;
  const ipv4 = /(?:^|:)((?:\d{1,3}\.){3}\d{1,3})$/.exec(text);
  if (ipv4?.[1] !== undefined) {
    if (!ipv4[1].split('.').every((octet) => Number(octet) <= 255)) return 0;
    text = `${text.slice(0, text.length - ipv4[1].length)}0:0`; // the IPv4 tail stands for two groups
  }
  const halves = text.split('::');
  if (halves.length > 2) return 0;
  let groups = 0;
  for (const half of halves) {
    if (half === '') continue;
    for (const group of half.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return 0;
      groups += 1;
    }
  }
  const valid = halves.length === 2 ? groups >= 2 && groups <= 7 : groups === 8;
  return valid && /\d/.test(value) ? value.length : 0;
}
