/**
 * Reading an upstream's `choices` as the one answer SafeMed asked for. An upstream may still send more
 * than one choice (`n` set by its own defaults, a proxy fanning out): before, every choice's deltas were
 * joined into one answer ("AAA BBB aaa" from two choices) and a non-streamed body's first array element
 * was taken even when it was choice 1. Only choice 0 counts (a choice without an index is choice 0).
 */

/** Whether a (streamed or not) choice object is the first choice. */
export function isChoiceZero(choice: object): boolean {
  const index = (choice as { index?: unknown }).index;
  return index === undefined || index === null || index === 0;
}

/** The choice with index 0 of a non-streamed body's `choices`, else the first object in it. */
export function choiceZeroOf(choices: unknown): object | undefined {
  if (!Array.isArray(choices)) return undefined;
  const objects = choices.filter((choice): choice is object => choice !== null && typeof choice === 'object');
  return objects.find(isChoiceZero) ?? objects[0];
}

/**
 * A message's or delta's `content` as text: a string, or the text parts of an array of content parts
 * (`[{type: "text", text}]`, which some OpenAI-compatible servers send) joined; anything else is null.
 */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  let text: string | null = null;
  for (const part of content) {
    const piece = part !== null && typeof part === 'object' ? (part as { text?: unknown }).text : undefined;
    if (typeof piece === 'string') text = (text ?? '') + piece;
  }
  return text;
}
