/**
 * A judge prompt builder `fill(request, response)` — a one-pass template substitution such as the
 * spec's `formatHarmfulnessJudgePrompt` — turned once into constant pieces, so each prompt costs two
 * string concatenations instead of re-rendering the usage policy and the rubric, plus a digest of the
 * template that stands for it in the judge cache key. The pieces are used only when they reproduce
 * `fill` exactly on awkward probe values (whitespace, braces, placeholders, `$&`, quotes, empty
 * strings); otherwise every call goes through `fill` itself, so the result is always `fill`'s. The
 * pieces are also handed out (`pieces`), so a judge backend that can prepare a prompt encodes them for
 * the wire once (see the judge runner).
 */
import { createHash } from 'node:crypto';

export type FillJudgePrompt = (request: string, response: string) => string;

/** A compiled prompt's constant pieces: `fixed[0] + first + fixed[1] + second + fixed[2]`, the request first or the response first. */
export interface JudgePromptPieces {
  readonly fixed: readonly [string, string, string];
  readonly requestFirst: boolean;
}

export interface CompiledJudgePrompt {
  fill: FillJudgePrompt;
  /** The constant pieces, when `fill` is made of them (undefined when `fill` is the builder itself). */
  pieces: JudgePromptPieces | undefined;
  /** SHA-256 (hex) of the prompt with marks in place of the request and the response. */
  digest: string;
}

const REQUEST_MARK = '\u0000\u0001request\u0001\u0000';
const RESPONSE_MARK = '\u0000\u0001response\u0001\u0000';
const PROBES: Array<[string, string]> = [
  ['', ''],
  [' {request} {response} $& $1 \n', '\t“{usage_policy}” {rubric} $$ \\n '],
  ['User: a\nAssistant: b\nUser: c', '<think>\nx\n</think>\ny'],
];

/** Where `mark` occurs exactly once in `text`, else -1. */
function onlyIndexOf(text: string, mark: string): number {
  const index = text.indexOf(mark);
  return index !== -1 && text.indexOf(mark, index + mark.length) === -1 ? index : -1;
}

function piecesOf(fill: FillJudgePrompt, marked: string): { fill: FillJudgePrompt; pieces: JudgePromptPieces } | undefined {
  const request = onlyIndexOf(marked, REQUEST_MARK);
  const response = onlyIndexOf(marked, RESPONSE_MARK);
  if (request === -1 || response === -1) return undefined;
  let compiled: FillJudgePrompt;
  let pieces: JudgePromptPieces;
  if (request < response) {
    const head = marked.slice(0, request);
    const middle = marked.slice(request + REQUEST_MARK.length, response);
    const tail = marked.slice(response + RESPONSE_MARK.length);
    compiled = (requestText, responseText) => head + requestText + middle + responseText + tail;
    pieces = { fixed: [head, middle, tail], requestFirst: true };
  } else {
    const head = marked.slice(0, response);
    const middle = marked.slice(response + RESPONSE_MARK.length, request);
    const tail = marked.slice(request + REQUEST_MARK.length);
    compiled = (requestText, responseText) => head + responseText + middle + requestText + tail;
    pieces = { fixed: [head, middle, tail], requestFirst: false };
  }
  return PROBES.every(([requestText, responseText]) => compiled(requestText, responseText) === fill(requestText, responseText)) ? { fill: compiled, pieces } : undefined;
}

export function compileJudgePrompt(fill: FillJudgePrompt): CompiledJudgePrompt {
  const marked = fill(REQUEST_MARK, RESPONSE_MARK);
  const compiled = piecesOf(fill, marked);
  return { fill: compiled?.fill ?? fill, pieces: compiled?.pieces, digest: createHash('sha256').update(marked).digest('hex') };
}
