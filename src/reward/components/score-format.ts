/**
 * The format component: the model card's `<think>…</think><answer>…</answer>` — each tag pair once, in
 * that order, both parts non-empty, nothing but whitespace outside them. 1 when all hold, else 0, with
 * the first rule that failed as the detail.
 */
import type { ComponentScore } from '../reward-types.js';

const TAGS = ['<think>', '</think>', '<answer>', '</answer>'] as const;

function count(text: string, tag: string): number {
  let found = 0;
  for (let index = text.indexOf(tag); index !== -1; index = text.indexOf(tag, index + tag.length)) found += 1;
  return found;
}

export function scoreFormat(response: string): ComponentScore {
  for (const tag of TAGS) {
    const seen = count(response, tag);
    if (seen !== 1) return { value: 0, source: 'rule', detail: seen === 0 ? `missing ${tag}` : `${tag} appears ${seen} times` };
  }
  const openThink = response.indexOf('<think>');
  const closeThink = response.indexOf('</think>');
  const openAnswer = response.indexOf('<answer>');
  const closeAnswer = response.indexOf('</answer>');
  if (!(openThink < closeThink && closeThink < openAnswer && openAnswer < closeAnswer)) return { value: 0, source: 'rule', detail: 'tags out of order' };
  if (response.slice(0, openThink).trim() !== '') return { value: 0, source: 'rule', detail: 'text before <think>' };
  if (response.slice(closeThink + 8, openAnswer).trim() !== '') return { value: 0, source: 'rule', detail: 'text between </think> and <answer>' };
  if (response.slice(closeAnswer + 9).trim() !== '') return { value: 0, source: 'rule', detail: 'text after </answer>' };
  if (response.slice(openThink + 7, closeThink).trim() === '') return { value: 0, source: 'rule', detail: 'empty <think>' };
  if (response.slice(openAnswer + 8, closeAnswer).trim() === '') return { value: 0, source: 'rule', detail: 'empty <answer>' };
  return { value: 1, source: 'rule' };
}
