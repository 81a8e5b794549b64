/** Rough language of a text from its script: Chinese (Han) vs English (Latin) vs other. */

export type GuardLanguage = 'en' | 'zh' | 'other';

export function detectLanguage(text: string): GuardLanguage {
  let han = 0;
  let latin = 0;
  let other = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) latin += 1;
    else if (code < 128) continue;
    else if (isHanCharacter(character)) han += 1;
    else if (/\p{L}/u.test(character)) other += 1;
  }
  if (han === 0 && latin === 0 && other === 0) return 'en';
  if (han * 3 >= latin && han >= other) return 'zh';
  if (latin >= other) return 'en';
  return 'other';
}

/** True when a text mixes substantial Chinese and Latin-script parts (a language-switching signal). */
export function mixesLanguages(text: string): boolean {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latinWords = (text.match(/[a-z]{3,}/gi) ?? []).length;
  return han >= 8 && latinWords >= 6;
}

/** True for a Chinese (Han) character (CJK unified ideographs, extension A, compatibility, extensions B+). */
export function isHanCharacter(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x20000 && code <= 0x3134f)
  );
}
