/**
 * The format component: the model card's `<think>…</think><answer>…</answer>` — each tag pair once, in
 * that order, both parts non-empty, nothing but whitespace outside them. 1 when all hold, else 0, with
 * the first rule that failed as the detail.
 *
 * `parseResponse` checks the format and splits reasoning from answer in one pass over the tags: for a
 * well-formed response the split is the trimmed inside of `<think>` and of `<answer>` — exactly what
 * the one splitter (`splitReasoning`) gives for such text, which a test checks — and for anything else
 * it is `splitReasoning`'s.
 */
import { splitReasoning, type ReasoningSplit } from '../../backends/reasoning-normalizer.js';
import type { ComponentScore } from '../reward-types.js';

const OPEN_THINK = '<think>';
const CLOSE_THINK = '</think>';
const OPEN_ANSWER = '<answer>';
const CLOSE_ANSWER = '</answer>';
const TAGS = [OPEN_THINK, CLOSE_THINK, OPEN_ANSWER, CLOSE_ANSWER] as const;

const WELL_FORMED: ComponentScore = { value: 1, source: 'rule' };

function failed(detail: string): ComponentScore {
  return { value: 0, source: 'rule', detail };
}

/** The position of `tag` when it occurs exactly once, else the failure. */
function onlyPosition(text: string, tag: string): number | ComponentScore {
  const first = text.indexOf(tag);
  if (first === -1) return failed(`missing ${tag}`);
  let seen = 1;
  for (let index = text.indexOf(tag, first + tag.length); index !== -1; index = text.indexOf(tag, index + tag.length)) seen += 1;
  return seen === 1 ? first : failed(`${tag} appears ${String(seen)} times`);
}

interface ParsedFormat {
  format: ComponentScore;
  /** Set when the format holds: the trimmed inside of <think> and of <answer>. */
  split?: ReasoningSplit;
}

function checkFormat(response: string): ParsedFormat {
  const positions: number[] = [];
  for (const tag of TAGS) {
    const position = onlyPosition(response, tag);
    if (typeof position !== 'number') return { format: position };
    positions.push(position);
  }
  const [openThink = 0, closeThink = 0, openAnswer = 0, closeAnswer = 0] = positions;
  if (!(openThink < closeThink && closeThink < openAnswer && openAnswer < closeAnswer)) return { format: failed('tags out of order') };
  if (response.slice(0, openThink).trim() !== '') return { format: failed('text before <think>') };
  if (response.slice(closeThink + CLOSE_THINK.length, openAnswer).trim() !== '') return { format: failed('text between </think> and <answer>') };
  if (response.slice(closeAnswer + CLOSE_ANSWER.length).trim() !== '') return { format: failed('text after </answer>') };
  const reasoning = response.slice(openThink + OPEN_THINK.length, closeThink).trim();
  if (reasoning === '') return { format: failed('empty <think>') };
  const answer = response.slice(openAnswer + OPEN_ANSWER.length, closeAnswer).trim();
  if (answer === '') return { format: failed('empty <answer>') };
  return { format: WELL_FORMED, split: { reasoning, answer } };
}

export function scoreFormat(response: string): ComponentScore {
  return checkFormat(response).format;
}

export interface ParsedResponse extends ReasoningSplit {
  format: ComponentScore;
}

/** The format component and the reasoning / answer split of one response. */
export function parseResponse(response: string): ParsedResponse {
  const checked = checkFormat(response);
  const split = checked.split ?? splitReasoning(response);
  return { reasoning: split.reasoning, answer: split.answer, format: checked.format };
}
