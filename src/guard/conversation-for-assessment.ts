/**
 * Every piece of client-supplied text, as a conversation the classifier can read: user turns as
 * they are; system, developer and tool messages — text the client wrote or injected — as turns of
 * the requester; assistant turns kept as assistant turns, except in a conversation without any user
 * turn, where the client wrote them all and they are read as the request. A message's `name` field
 * is read with its content. So a harmful request placed in a system message, a tool result, a name
 * or an assistant-only conversation is assessed like one in a user message (issue 8, item 10).
 */
import type { ChatMessage } from '../core/chat.js';

const withName = (message: ChatMessage): string =>
  message.name !== undefined && message.name.trim() !== '' ? `${message.name}: ${message.content}` : message.content;

export function conversationForAssessment(messages: readonly ChatMessage[]): ChatMessage[] {
  const hasUser = messages.some((message) => message.role === 'user' && withName(message).trim() !== '');
  const view: ChatMessage[] = [];
  for (const message of messages) {
    const content = withName(message);
    if (content.trim() === '') continue;
    const asRequest = message.role !== 'assistant' || !hasUser;
    view.push({ role: asRequest ? 'user' : 'assistant', content });
  }
  return view;
}

/** Whether the conversation holds client text outside user turns (so the view differs from the messages). */
export function hasNonUserText(messages: readonly ChatMessage[]): boolean {
  return messages.some((message) => (message.role !== 'user' && message.content.trim() !== '') || (message.name !== undefined && message.name.trim() !== ''));
}
