/**
 * The guard playground: POST api/playground `{text}` or `{messages}` → what the guard of this server
 * would decide for it (src/guard/preview-guard-decision.ts), without calling the model.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { GuardOptions } from '../guard/guard-types.js';
import { previewGuardDecision } from '../guard/preview-guard-decision.js';
import { clientError } from '../serve/error-response.js';
import { readConsoleJson } from './read-console-json.js';
import { sendJson } from './send-json.js';

const messageSchema = z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string().max(100_000) });
const playgroundRequestSchema = z.union([
  z.object({ text: z.string().trim().min(1, 'type a request').max(100_000) }),
  z.object({ messages: z.array(messageSchema).min(1, 'the conversation is empty').max(200) }),
]);

export interface PlaygroundApiOptions {
  /** The options of the guard `serve` runs (same policy, classifier, LLM guard); undefined = defaults. */
  guard?: GuardOptions;
}

export function createPlaygroundApi(options: PlaygroundApiOptions) {
  return async (request: IncomingMessage, response: ServerResponse, signal: AbortSignal): Promise<number> => {
    if (request.method !== 'POST') throw clientError(405, 'method_not_allowed', 'Use POST.');
    const body = await readConsoleJson(request, { limitBytes: 512 * 1024, timeoutMs: 30_000, signal });
    const parsed = playgroundRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw clientError(400, 'invalid_request', `Send {"text": "..."} or {"messages": [{"role": "user", "content": "..."}]}: ${parsed.error.issues[0]?.message ?? 'bad body'}.`);
    }
    const messages = 'text' in parsed.data ? [{ role: 'user' as const, content: parsed.data.text }] : parsed.data.messages;
    if (!messages.some((message) => message.role === 'user')) throw clientError(400, 'invalid_request', 'The conversation has no user message.');
    const preview = await previewGuardDecision(messages, options.guard ?? {}, signal);
    return sendJson(response, 200, preview);
  };
}
