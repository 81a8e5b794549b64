/**
 * The language SafeMed answers in: Chinese when the user's latest message is mostly Han script, else
 * English; traditional Chinese ('zh-Hant') when that message is written in traditional characters.
 */
import type { ChatMessage } from '../core/chat.js';
import type { SpecLanguage } from '../spec/safety-spec-schema.js';
import { looksTraditional } from './detect/simplify-chinese.js';
import type { ReplyLanguage } from './reply-language.js';

export function detectReplyLanguage(text: string): SpecLanguage {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  // One Han character carries about as much as a 3-letter word.
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

/** The reply language of a conversation: that of the latest user message, in its script. */
export function conversationLanguage(messages: ChatMessage[]): ReplyLanguage {
  for (const message of [...messages].reverse()) {
    if (message.role !== 'user' || message.content.trim() === '') continue;
    const language = detectReplyLanguage(message.content);
    return language === 'zh' && looksTraditional(message.content) ? 'zh-Hant' : language;
  }
  return 'en';
}

/** The latest user message's text ('' when there is none). */
export function latestUserText(messages: ChatMessage[]): string {
  return messages.findLast((message) => message.role === 'user')?.content ?? '';
}
