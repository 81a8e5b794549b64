/**
 * 8-gram overlap between evaluation and training texts: English word 8-grams (lower-cased words of
 * letters, digits and apostrophes) and Chinese character 8-grams (within runs of Han characters).
 * The evaluation side is small (dev + test records), so its n-grams go into a Set and every training
 * text is streamed past it: fast and exact.
 */
export const OVERLAP_N = 8;

/** The word and character 8-grams of a text. */
export function overlapGrams(text: string, n: number = OVERLAP_N): string[] {
  const grams: string[] = [];
  // Spelled-out words ("p r o t o c o l", "k.i.l.l") count as the word they spell.
  const joined = text.toLowerCase().replace(/\b[a-z0-9](?:[ .][a-z0-9]\b){2,}/g, (spelled) => spelled.replace(/[ .]/g, ''));
  const words = joined.match(/[a-z0-9']+/g) ?? [];
  for (let index = 0; index + n <= words.length; index += 1) grams.push(`w:${words.slice(index, index + n).join(' ')}`);
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const characters = Array.from(run);
    for (let index = 0; index + n <= characters.length; index += 1) grams.push(`c:${characters.slice(index, index + n).join('')}`);
  }
  return grams;
}

export interface OverlapHit {
  gram: string;
  evaluationId: string;
  trainingSource: string;
  trainingText: string;
}

export interface OverlapIndex {
  /** gram → id of the first evaluation record that has it. */
  grams: Map<string, string>;
}

export function indexEvaluationTexts(items: Iterable<{ id: string; texts: string[] }>): OverlapIndex {
  const grams = new Map<string, string>();
  for (const item of items) for (const text of item.texts) for (const gram of overlapGrams(text)) if (!grams.has(gram)) grams.set(gram, item.id);
  return { grams };
}

/** The first evaluation 8-gram a training text contains, if any. */
export function findOverlap(index: OverlapIndex, text: string): { gram: string; evaluationId: string } | undefined {
  for (const gram of overlapGrams(text)) {
    const evaluationId = index.grams.get(gram);
    if (evaluationId !== undefined) return { gram, evaluationId };
  }
  return undefined;
}
