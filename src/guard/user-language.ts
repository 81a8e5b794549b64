/**
 * The language SafeMed answers in: Chinese when the user's latest message is mostly Han script (and not Japanese:
 * no kana), else English; traditional Chinese ('zh-Hant') when that message is written in traditional characters.
 */
import type { ChatMessage } from '../core/chat.js';
import type { SpecLanguage } from '../spec/safety-spec-schema.js';
import { looksTraditional } from './detect/simplify-chinese.js';
import type { ReplyLanguage } from './reply-language.js';

export function detectReplyLanguage(text: string): SpecLanguage {
  // One pass over the codes (this runs on every request): ASCII letters, and Han by range, the rare
  // character outside the common blocks by its script.
  let han = 0;
  let latin = 0;
  let kana = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const lower = code | 0x20;
    if (lower >= 97 && lower <= 122) latin += 1;
    else if (code >= 0x4e00 && code <= 0x9fff) han += 1;
    else if (code >= 0x3041 && code <= 0x30ff) kana += 1;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A character outside the basic plane (Han extension B and beyond): test it whole.
      if (HAN.test(String.fromCodePoint(text.codePointAt(index) ?? 0))) han += 1;
      index += 1;
    } else if (code >= 0x2e80 && HAN.test(text[index] ?? '')) han += 1;
  }
  // Japanese writes kanji among its kana: a text with kana is not Chinese (probing round 5: a Japanese message got
  // SafeMed's texts in traditional Chinese with Taiwan's numbers, a Korean one in English); SafeMed has no Japanese
  // texts, so it gets English ones, below the Japanese emergency guidance when there is one.
  if (kana >= 2 && kana * 4 >= han) return 'en';
  // One Han character carries about as much as a 3-letter word.
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

const HAN = /^\p{Script=Han}$/u;

/** The reply language of a conversation: that of the latest user message, in its script. */
export function conversationLanguage(messages: ChatMessage[]): ReplyLanguage {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index] as ChatMessage;
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
