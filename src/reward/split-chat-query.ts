/**
 * Splits OpenRLHF's `query` (prompt + response rendered with the chat template's special tokens) into
 * the conversation and the response. Known templates: Qwen / ChatML (`<|im_start|>role\n…<|im_end|>`)
 * and Llama 3 (`<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>`). A query without any special
 * token is split at the end of its plain prompt. Anything else is an unknown template: a 400 that names
 * the tokens found and the fix.
 *
 * The response is everything after the last assistant header of the prompt (so a template that pre-fills
 * `<think>\n` hands the opening tag to the response, where the format rule expects it), without the
 * end-of-turn and end-of-text tokens.
 */
import type { ChatMessage, ChatRole } from '../core/chat.js';
import { InvalidRequestError } from '../core/errors.js';

export type ChatTemplateName = 'chatml' | 'llama3' | 'plain';

export interface SplitQuery {
  template: ChatTemplateName;
  messages: ChatMessage[];
  response: string;
}

const ROLES = new Set<ChatRole>(['system', 'developer', 'user', 'assistant', 'tool']);
const CHATML_HEADER = '<|im_start|>assistant\n';
const LLAMA3_HEADER = '<|start_header_id|>assistant<|end_header_id|>\n\n';
/** Tokens of templates we do not parse, to name them in the error. */
const FOREIGN_TOKENS = /\[INST\]|<start_of_turn>|<\|user\|>|<\|assistant\|>|<｜User｜>|<｜Assistant｜>|<\|START_OF_TURN_TOKEN\|>|<\|[a-z_]{2,40}\|>/;

function roleOf(text: string): ChatRole {
  const role = text.trim() as ChatRole;
  return ROLES.has(role) ? role : 'user';
}

function unknownTemplate(where: string, found: string): InvalidRequestError {
  return new InvalidRequestError(
    `${where} uses a chat template SafeMed cannot split (found "${found}"); known: Qwen/ChatML (<|im_start|>) and Llama 3 (<|start_header_id|>).`,
    {
      param: where,
      code: 'unknown_chat_template',
      fix: 'Render prompts with a ChatML or Llama 3 template, set "template" in the reward config, or send {messages, response} to POST /v1/reward.',
    },
  );
}

const CHATML_TURN = /<\|im_start\|>([a-z]+)\n([\s\S]*?)(?:<\|im_end\|>|$)/g;
const LLAMA3_TURN = /<\|start_header_id\|>([a-z]+)<\|end_header_id\|>\n\n([\s\S]*?)(?:<\|eot_id\|>|$)/g;

/**
 * Every turn `pattern` (global, module-level; each match starts with a header token, so none is empty)
 * finds, in order; walked with exec, as matchAll would but without cloning the regex per query.
 */
function parseTurns(text: string, pattern: RegExp): ChatMessage[] {
  const messages: ChatMessage[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) messages.push({ role: roleOf(match[1] ?? ''), content: (match[2] ?? '').trim() });
  pattern.lastIndex = 0;
  return messages;
}

function cut(query: string, header: string, prompt: string | undefined): number {
  // The assistant header that opens the response: the last one inside the prompt when we have it.
  const limit = prompt !== undefined && query.startsWith(prompt) ? prompt.length : query.length;
  const index = query.lastIndexOf(header, Math.max(0, limit - header.length));
  return index === -1 ? -1 : index + header.length;
}

function stripEnd(text: string, tokens: string[]): string {
  let end = text.length;
  for (const token of tokens) {
    const index = text.indexOf(token);
    if (index !== -1 && index < end) end = index;
  }
  return text.slice(0, end);
}

export function splitChatQuery(query: string, prompt: string | undefined, where: string, template: 'auto' | ChatTemplateName = 'auto'): SplitQuery {
  const chosen: ChatTemplateName | undefined =
    template !== 'auto' ? template : query.includes('<|im_start|>') ? 'chatml' : query.includes('<|start_header_id|>') ? 'llama3' : undefined;
  if (chosen === 'chatml') {
    const start = cut(query, CHATML_HEADER, prompt);
    if (start === -1) throw unknownTemplate(where, 'ChatML without an "<|im_start|>assistant" header');
    const messages = parseTurns(query.slice(0, start - CHATML_HEADER.length), CHATML_TURN);
    return { template: 'chatml', messages, response: stripEnd(query.slice(start), ['<|im_end|>', '<|endoftext|>']) };
  }
  if (chosen === 'llama3') {
    const start = cut(query, LLAMA3_HEADER, prompt);
    if (start === -1) throw unknownTemplate(where, 'Llama 3 without an assistant header');
    const messages = parseTurns(query.slice(0, start - LLAMA3_HEADER.length), LLAMA3_TURN);
    return { template: 'llama3', messages, response: stripEnd(query.slice(start), ['<|eot_id|>', '<|end_of_text|>']) };
  }
  const foreign = FOREIGN_TOKENS.exec(query);
  if (foreign && template === 'auto') throw unknownTemplate(where, foreign[0]);
  if (prompt === undefined || !query.startsWith(prompt)) {
    throw new InvalidRequestError(`${where} has no chat template tokens and does not start with its prompt, so the response cannot be found.`, {
      param: where,
      code: 'unsplittable_query',
      fix: 'Send "prompts" alongside "query" (OpenRLHF does), or send {messages, response} to POST /v1/reward.',
    });
  }
  return { template: 'plain', messages: [{ role: 'user', content: prompt.trim() }], response: query.slice(prompt.length) };
}
