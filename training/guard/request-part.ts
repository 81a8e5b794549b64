/**
 * The part of a text most likely to be the request inside a jailbreak wrapper: the window of up to
 * `maxSentences` consecutive sentences that the fast path scores riskiest. The sentence encoder reads a
 * whole wrapped text as mostly wrapper (a persona, a story, a prefix rule); read on its own, the request
 * looks like the plain requests its head was trained on. Sentences end at . ! ? : ; … and line breaks
 * (a colon usually introduces the wrapped request). Independent of any template's wording. Build-time
 * only: training/guard/encoder-ensemble-experiment.ts embeds it next to the whole text; the run-time guard
 * does not (tried, not adopted: docs/guard-classifier.md).
 */
const SENTENCE_END = /(?<=[.!?:;…。！？；：])\s+|\s*\n+\s*/u;

export interface RequestPartOptions {
  /** The fast path's score of a piece of text (higher = riskier), e.g. its raw risk logit. */
  score: (text: string) => number;
  /** The longest window, in sentences (default 3). */
  maxSentences?: number;
}

/** The sentences of a text, trimmed, empty ones dropped. */
export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/**
 * The riskiest window of consecutive sentences (ties: the earlier, then the shorter window), or undefined
 * when the text has a single sentence (its request part is the text itself) or no window scores above
 * -Infinity (a scorer can rule windows out that way).
 */
export function requestPart(text: string, options: RequestPartOptions): string | undefined {
  const sentences = splitSentences(text);
  if (sentences.length < 2) return undefined;
  const longest = Math.min(options.maxSentences ?? 3, sentences.length - 1);
  let best: { score: number; text: string } | undefined;
  for (let start = 0; start < sentences.length; start += 1) {
    for (let length = 1; length <= longest && start + length <= sentences.length; length += 1) {
      const window = sentences.slice(start, start + length).join(' ');
      const score = options.score(window);
      if (best === undefined || score > best.score) best = { score, text: window };
    }
  }
  return best === undefined || best.score === -Infinity ? undefined : best.text;
}
