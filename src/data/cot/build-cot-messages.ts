/** The teacher's chain-of-thought prompt for one multiple-choice item, from data/pipeline/prompts.yaml. */
import type { ChatMessage } from '../../core/chat.js';
import { fillTemplate, type PipelinePrompts } from '../engine/load-pipeline-prompts.js';

export function formatOptions(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([letter, text]) => `${letter}. ${text}`)
    .join('\n');
}

export function buildCotMessages(prompts: PipelinePrompts, language: 'en' | 'zh', question: string, options: Record<string, string>): ChatMessage[] {
  return [
    { role: 'system', content: prompts.cot.system[language] },
    { role: 'user', content: fillTemplate(prompts.cot.user[language], { question, options: formatOptions(options) }) },
  ];
}

/** The stored response: reasoning and answer in the model card's two-part format. */
export function formatResponse(reasoning: string, answer: string): string {
  return `<think>\n${reasoning.trim()}\n</think>\n<answer>\n${answer.trim()}\n</answer>`;
}
