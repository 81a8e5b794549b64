/**
 * Prompts whose fixed text is encoded for the wire once. A judge prompt is mostly fixed text (the
 * safety spec's usage policy and rubric: ~5,000 characters) around two short values (the conversation
 * and the response). Sent through `generate`, every call flattens the whole prompt into one string,
 * JSON-escapes it and UTF-8-encodes it (~35 µs for the harmfulness prompt on a 2-core VM, most of a
 * judge client's own work), and the flat ~10 KB prompt stays on the heap while the judge answers. A
 * prepared prompt escapes and encodes the fixed text — and the rest of the request body: model,
 * settings — once; per call only the values are escaped and encoded, and the body is put together as
 * bytes. It is byte for byte the body `generate` sends for the same prompt and settings (checked by
 * test/reward/prepared-prompt.test.ts); where it could not be (a surrogate half at the edge of a value,
 * which JSON.stringify of the whole prompt might pair with its neighbour), the call goes through
 * `generate` with the joined prompt.
 *
 * Not part of the Backend interface: the OpenAI-compatible backend offers it (`preparePrompt`), callers
 * check with `canPreparePrompts` and otherwise call `generate` (wrapped backends do not offer it).
 */
import type { Backend } from '../../core/backend.js';
import type { GenerateResult, GenerationSettings } from '../../core/chat.js';

export interface PreparedPrompt {
  /** Sends `fixed[0] + values[0] + fixed[1] + … + values[n − 1] + fixed[n]` as one user message. */
  generate(values: readonly string[], signal?: AbortSignal): Promise<GenerateResult>;
}

export interface PromptPreparing {
  /**
   * A prompt of `fixed` text pieces around `fixed.length − 1` values, sent with `settings` (read now:
   * later changes to the object are not seen).
   */
  preparePrompt(fixed: readonly string[], settings: GenerationSettings): PreparedPrompt;
}

export function canPreparePrompts(backend: Backend): backend is Backend & PromptPreparing {
  return typeof (backend as Partial<PromptPreparing>).preparePrompt === 'function';
}

/** The prompt as one string (what a prepared prompt sends). */
export function joinPrompt(fixed: readonly string[], values: readonly string[]): string {
  let text = fixed[0] ?? '';
  for (let index = 1; index < fixed.length; index += 1) text += (values[index - 1] ?? '') + (fixed[index] ?? '');
  return text;
}

/** Stands for the prompt in the request body whose JSON is cut around it (found exactly once, or the body is not cut). */
export const PROMPT_SLOT = '\u0000safemed-prompt-slot\u0000';

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * Whether `text` starts with a low or ends with a high surrogate half: next to a neighbour that ends with
 * a high / starts with a low half, JSON.stringify of the joined prompt writes the pair as is, but of the
 * text alone as two escapes.
 */
function hasSurrogateEdge(text: string): boolean {
  return text.length > 0 && (isLowSurrogate(text.charCodeAt(0)) || isHighSurrogate(text.charCodeAt(text.length - 1)));
}

/** The JSON escape of `text` without its quotes. */
const escaped = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * Encodes request bodies for a prepared prompt. `bodyJson` is the JSON of the request body with
 * PROMPT_SLOT as the prompt; returns undefined when the body cannot be cut there (the slot is not found
 * exactly once) or a fixed piece has a surrogate half at an edge. The encoder returns the body for
 * `values`, or undefined when a value has a surrogate half at an edge (the caller then sends the joined
 * prompt the usual way) or the number of values is not the number of slots.
 */
export function createPromptBodyEncoder(bodyJson: string, fixed: readonly string[]): ((values: readonly string[]) => Buffer | undefined) | undefined {
  const slot = escaped(PROMPT_SLOT);
  const at = bodyJson.indexOf(slot);
  if (at === -1 || bodyJson.includes(slot, at + slot.length) || fixed.length === 0 || fixed.some(hasSurrogateEdge)) return undefined;
  const last = fixed.length - 1;
  const pieces = fixed.map((text, index) => Buffer.from(`${index === 0 ? bodyJson.slice(0, at) : ''}${escaped(text)}${index === last ? bodyJson.slice(at + slot.length) : ''}`, 'utf8'));
  const fixedBytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const valueTexts = new Array<string>(last);
  return (values) => {
    if (values.length !== last) return undefined;
    let size = fixedBytes;
    for (let index = 0; index < last; index += 1) {
      const value = values[index] ?? '';
      if (hasSurrogateEdge(value)) return undefined;
      const text = escaped(value);
      valueTexts[index] = text;
      size += Buffer.byteLength(text, 'utf8');
    }
    const body = Buffer.allocUnsafe(size);
    let offset = (pieces[0] as Buffer).copy(body, 0);
    for (let index = 0; index < last; index += 1) {
      offset += body.write(valueTexts[index] ?? '', offset, 'utf8');
      offset += (pieces[index + 1] as Buffer).copy(body, offset);
    }
    valueTexts.fill('');
    return body;
  };
}
