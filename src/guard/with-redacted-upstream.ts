/**
 * Middleware that redacts PHI from every message before it leaves for the backend (`--redact-upstream`):
 * for third-party upstreams that must not receive names, phone numbers or record numbers. Both the
 * content and the optional `name` field of each message are redacted. The LLM guard gets the same
 * treatment (`withRedactedGuard`).
 */
import type { Backend } from '../core/backend.js';
import type { ChatMessage, GenerateRequest } from '../core/chat.js';
import { wrapBackend } from '../backends/wrap-backend.js';
import type { LlmGuard } from './llm-guard.js';
import { createPhiRedactor } from './redact-phi.js';

/**
 * Redacts each message's content and name. By default with one redactor for the whole conversation, in
 * order, so a name revealed with context ("my name is Zofia Nowak") is also removed where a later
 * message uses it bare ("Zofia has a fever"); a stateless redactor saw each message alone.
 */
export function redactMessages(messages: readonly ChatMessage[], redact: (text: string) => string = createPhiRedactor()): ChatMessage[] {
  return messages.map((message) => {
    const redacted: ChatMessage = { ...message, content: redact(message.content) };
    if (message.name !== undefined) redacted.name = redact(message.name);
    return redacted;
  });
}

/** `redact` when given is used for every request; by default each request gets its own createPhiRedactor(). */
export function withRedactedUpstream(backend: Backend, redact?: (text: string) => string): Backend {
  return wrapBackend(backend, {
    transformRequest: (request): GenerateRequest => ({ ...request, messages: redactMessages(request.messages, redact ?? createPhiRedactor()) }),
  });
}

/** The LLM guard with the same redaction: it sees the conversation as a redacted upstream would. */
export function withRedactedGuard(guard: LlmGuard, redact?: (text: string) => string): LlmGuard {
  return {
    mode: guard.mode,
    format: guard.format,
    shouldCheck: (risk) => guard.shouldCheck(risk),
    check: (messages, signal) => guard.check(redactMessages(messages, redact ?? createPhiRedactor()), signal),
    close: () => guard.close(),
  };
}
