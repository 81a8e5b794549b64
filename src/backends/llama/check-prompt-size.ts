/**
 * A prompt that cannot fit the llama context, found without tokenizing it. Counting a prompt's tokens
 * (the chat template's text, then the tokenizer) runs on the event loop: a 900 KB message held it
 * ~0.5 s before the 400, and 20,000 two-letter messages ~7.8 s (the template's text grows with every
 * message), for every client. Every message costs at least one token, and no natural text averages
 * more than 16 characters a token (English ~4, Chinese ~1.5, code ~6), so a prompt with as many messages
 * as the context has tokens, or more than 16 characters per token of context, is refused at once.
 * What is left is bounded by the context size but not small: counting ~1,000 short messages still takes
 * ~15-90 ms with node-llama-cpp's own chat wrappers, ~220 ms with a Jinja template, ~0.35 s with the tiny
 * test model's fallback wrapper (and the model call renders the template once more).
 */
import type { ChatMessage } from '../../core/chat.js';
import { InvalidRequestError } from '../../core/errors.js';

/** Characters per token beyond which a prompt is taken to be too long without counting. */
export const MAX_CHARACTERS_PER_TOKEN = 16;

/** Throws the 400 `context_length_exceeded` when `messages` cannot fit `contextSize` tokens, judged by their sizes alone. */
export function checkPromptSize(messages: readonly ChatMessage[], contextSize: number): void {
  let characters = 0;
  for (const message of messages) characters += message.content.length;
  const atLeast = Math.max(messages.length, Math.ceil(characters / MAX_CHARACTERS_PER_TOKEN));
  if (atLeast < contextSize) return;
  throw new InvalidRequestError(
    `This model's maximum context length is ${contextSize} tokens, but the messages (${messages.length} messages, ${characters} characters) take at least ${atLeast} tokens. Shorten the conversation.`,
    { status: 400, code: 'context_length_exceeded', param: 'messages' },
  );
}
