/**
 * Written Cantonese read in Mandarin words. The classifier and the emergency matcher know English and Mandarin;
 * Cantonese has its own grammar words and verbs (咗, 唔, 冇, 喺, 佢, 食, 瞓…), so "我啱啱食咗成樽安眠药，而家好眼瞓"
 * (I just took a whole bottle of sleeping pills and I'm drowsy now) was allowed, and corpus emergencies written in
 * Cantonese were mostly not escalated (probing round 5). A text with one of Cantonese's own characters is also
 * read with the words of src/spec/data/cantonese-mandarin.txt replaced, longest first. Works on simplified
 * characters (callers simplify traditional text first).
 */
import { readSpecDataLines } from './read-spec-data-lines.js';

/**
 * Characters of written Cantonese that Mandarin does not use (grammar words, pronouns, common verbs): one is enough
 * (every corpus text with one is Cantonese); the reading only adds to what the text as written says.
 */
const HAS_MARKER = /[咗嘅唔冇喺佢啲嘢嚟嗰哋噉攞瞓搵揾啱攰谂]/;

/** Whether a text is written in Cantonese: it has a character only Cantonese uses. */
export function looksCantonese(text: string): boolean {
  return HAS_MARKER.test(text);
}

interface Table {
  words: ReadonlyMap<string, string>;
  longest: number;
}

let table: Table | undefined;

function readTable(): Table {
  const lines = readSpecDataLines('cantonese-mandarin.txt', 'Cantonese word table');
  const words = new Map<string, string>();
  let longest = 1;
  for (const line of lines) {
    if (line === '' || line.startsWith('#')) continue;
    const [cantonese = '', mandarin = ''] = line.split('\t');
    if (cantonese === '') continue;
    words.set(cantonese, mandarin);
    longest = Math.max(longest, cantonese.length);
  }
  return { words, longest };
}

/** The text with its Cantonese words in Mandarin (longest match first), or null when it is not Cantonese. */
export function readCantoneseAsMandarin(text: string): string | null {
  if (!looksCantonese(text)) return null;
  table ??= readTable();
  const { words, longest } = table;
  let out = '';
  for (let index = 0; index < text.length; ) {
    let matched = false;
    for (let length = Math.min(longest, text.length - index); length >= 1; length -= 1) {
      const replacement = words.get(text.slice(index, index + length));
      if (replacement === undefined) continue;
      out += replacement;
      index += length;
      matched = true;
      break;
    }
    if (!matched) {
      out += text.charAt(index);
      index += 1;
    }
  }
  return out === text ? null : out;
}
