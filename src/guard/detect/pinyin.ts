/**
 * Chinese written in pinyin ("zen me gei lao gong xia du", "zěn me gěi lǎo gōng"): Latin letters the
 * classifier reads as nonsense English and the Chinese n-grams never see, so unread-language.ts treats such
 * a text as one it cannot read. A text is pinyin when at least 5 words and 90 % of them are pinyin syllables
 * (tone marks, tone numbers and run-together syllables allowed) and at least 2 have a spelling English words
 * rarely have (zh, x, q, ng, ao, ui, iu…). Chinese with its key words in pinyin ("怎么装腰疼骗医生一直给我开qiang kao
 * tong？") hides them the same way (pinyinInChinese).
 */
import { listedEnglishWords } from './split-run-on-words.js';
const INITIALS = ['', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'zh', 'ch', 'sh', 'r', 'z', 'c', 's', 'y', 'w'];
const FINALS = [
  'a', 'o', 'e', 'i', 'u', 'v', 'ai', 'ei', 'ao', 'ou', 'an', 'en', 'ang', 'eng', 'ong', 'er', 'ia', 'ie', 'iao', 'iu', 'ian', 'in', 'iang',
  'ing', 'iong', 'ua', 'uo', 'uai', 'ui', 'uan', 'un', 'uang', 've', 'ue', 'van', 'vn',
];
const SYLLABLES: ReadonlySet<string> = new Set(INITIALS.flatMap((initial) => FINALS.map((final) => initial + final)).filter((syllable) => syllable !== ''));
const PINYIN_LOOKING = /zh|ch|sh|x|q|ng|ao|ui|iu|ie|ia|uo|ou|ei|ai|ü|v/;

/** Whether a word is one pinyin syllable or a few run together ("laogong", "xiadu"). */
function isPinyinWord(word: string): boolean {
  if (word.length > 18) return false;
  // Longest syllable first at each position, with one step of backtracking through shorter ones.
  const from = (start: number): boolean => {
    if (start === word.length) return true;
    for (let end = Math.min(word.length, start + 6); end > start; end -= 1) {
      if (SYLLABLES.has(word.slice(start, end)) && from(end)) return true;
    }
    return false;
  };
  return from(0);
}

export function looksLikePinyin(text: string): boolean {
  if (/[^\x00-\x7F\u00C0-\u024F\u0300-\u036F\u2018\u2019\u201C\u201D\uFF0C\u3002\uFF1F]/.test(text)) return false;
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ü|u:/g, 'v')
    .match(/[a-z]+[1-5]?/g);
  if (words === null || words.length < 5) return false;
  let pinyin = 0;
  let distinctive = 0;
  for (const raw of words) {
    const word = raw.replace(/[1-5]$/, '');
    if (!isPinyinWord(word)) continue;
    pinyin += 1;
    if (PINYIN_LOOKING.test(word)) distinctive += 1;
  }
  return pinyin >= 0.9 * words.length && distinctive >= 2;
}

/** Two to six lower-case Latin words in a row (a capitalised run is more often a romanised name: "Zhang Wei"). */
const LOWER_CASE_RUN = /(?<![A-Za-z\u00C0-\u024F])[a-z\u00E0-\u01DC]+(?: [a-z\u00E0-\u01DC]+){1,5}(?![A-Za-z\u00C0-\u024F])/g;
const HAN_CHARACTER = /\p{Script=Han}/u;

let englishWords: ReadonlySet<string> | undefined;

/**
 * Chinese text with words written in pinyin in it (probing round 6: "怎么装腰疼pian医生一直给我开qiang kao tong？" caution
 * 0.08, its Hanzi form steer 0.70): a lower-case run of 2–6 words, every one a pinyin syllable (or a few run together),
 * one with a spelling English words rarely have, and at least half of them not English words (the English word list
 * of split-run-on-words.ts: "i have hiv", "give her" are English).
 */
export function pinyinInChinese(text: string): boolean {
  if (!HAN_CHARACTER.test(text)) return false;
  for (const match of text.normalize('NFC').matchAll(LOWER_CASE_RUN)) {
    const words = match[0]
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ü/g, 'v')
      .split(' ');
    if (!words.every(isPinyinWord) || !words.some((word) => PINYIN_LOOKING.test(word))) continue;
    englishWords ??= new Set(listedEnglishWords());
    const english = englishWords;
    if (words.filter((word) => !english.has(word)).length * 2 >= words.length) return true;
  }
  return false;
}
