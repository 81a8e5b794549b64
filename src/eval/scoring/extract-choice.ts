/**
 * Extracts the chosen option letters from a model's answer part (the text after its reasoning):
 * "答案：B", "The answer is (C)", "B.", "选 AD", "**Answer:** A and D", a bare "B". Only letters that
 * are options of the item count. Returns [] when no choice can be found (scored as wrong).
 */

const SEPARATED_LETTERS = '([A-Z](?:\\s*(?:[,，、/&和及]|and|以及)?\\s*[A-Z](?![a-z]))*)';

/** Case-insensitive English words inside an otherwise case-sensitive pattern (letters must stay upper case). */
function words(pattern: string): string {
  return pattern.replace(/(?<!\\)[a-z]/g, (letter) => `[${letter}${letter.toUpperCase()}]`);
}

const PATTERNS: RegExp[] = [
  // Explicit answer statements, English and Chinese; the last one in the text wins.
  new RegExp(
    `${words('(?:the\\s+)?(?:final\\s+|correct\\s+|best\\s+)?answers?\\s*(?:is|are|would be|:|：)\\s*(?:options?\\s*)?')}[*_\\s]*[\\(（\\[]?${SEPARATED_LETTERS}(?![A-Za-z])`,
    'g',
  ),
  new RegExp(`(?:正确)?答案\\s*(?:应)?(?:是|为|选)?\\s*[:：]?\\s*[*_\\s]*[\\(（【\\[]?\\s*${SEPARATED_LETTERS}(?![A-Za-z])`, 'g'),
  new RegExp(`(?:应|故|因此|所以)?选(?:择)?(?:项)?\\s*[:：]?\\s*[\\(（【]?\\s*${SEPARATED_LETTERS}(?![A-Za-z])`, 'g'),
  new RegExp(`${words('(?:option|choice)s?')}\\s*[\\(（]?${SEPARATED_LETTERS}[\\)）]?\\s*${words('(?:is|are)\\s*(?:the\\s+)?(?:correct|right|best)')}`, 'g'),
];

function lettersIn(text: string, valid: Set<string>): string[] {
  const letters = (text.toUpperCase().replace(/\bAND\b/g, ' ').match(/[A-Z]/g) ?? []).filter((letter) => valid.has(letter));
  return [...new Set(letters)].sort();
}

export function extractChoice(answer: string, optionLetters: string[]): string[] {
  const valid = new Set(optionLetters.map((letter) => letter.toUpperCase()));
  const text = answer.replace(/<\/?answer>/gi, ' ').replace(/\*\*/g, '').trim();
  if (text === '') return [];
  let best: { index: number; letters: string[] } | undefined;
  for (const pattern of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const letters = lettersIn(match[1] ?? '', valid);
      if (letters.length === 0) continue;
      if (!best || match.index >= best.index) best = { index: match.index, letters };
    }
  }
  if (best) return best.letters;
  // The whole answer (or its last line) is just letters: "B", "B.", "(C)", "A、D", "AD".
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  for (const line of [text, lines.at(-1) ?? '', lines[0] ?? '']) {
    const bare = /^[\(（\[]?([A-Z](?:\s*[,，、/和及]?\s*[A-Z])*)[\)）\]]?[.。．:：]?$/.exec(line);
    if (bare?.[1] !== undefined) {
      const letters = lettersIn(bare[1], valid);
      if (letters.length > 0) return letters;
    }
  }
  // "B. Amniotic fluid…" / "C：出血量" at the start: the option the answer opens with.
  const leading = /^[\(（]?([A-Z])\s*[.．。、:：)）]/.exec(text);
  const opening = leading?.[1];
  if (opening !== undefined && valid.has(opening)) return [opening];
  return [];
}

export function isCorrectChoice(extracted: string[], answer: string[]): boolean {
  return extracted.length === answer.length && extracted.every((letter, index) => letter === answer[index]);
}
