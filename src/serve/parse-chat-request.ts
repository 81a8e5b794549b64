import { z } from 'zod';
import type { ChatMessage, ChatRole, GenerationSettings, ResponseFormat } from '../core/chat.js';
import { clientError, echo } from './error-response.js';

/** A validated `POST /v1/chat/completions` body, turned into SafeMed's own types. */
export interface ParsedChatRequest {
  model: string;
  messages: ChatMessage[];
  settings: GenerationSettings;
  stream: boolean;
  includeUsage: boolean;
  user: string | undefined;
}

const ROLES: readonly ChatRole[] = ['system', 'developer', 'user', 'assistant', 'tool'];

/*
 * Objects keep only the fields read here (zod's default): a loose object or a record copies every key
 * it is given, and a 1 MB body of ~90,000 tiny fields in one message, one record or the body itself
 * held the event loop for 100-200 ms in zod alone. Other OpenAI fields (tool_calls, metadata...) are
 * ignored, as documented.
 */
const contentPart = z.object({ type: z.string(), text: z.unknown().optional(), refusal: z.unknown().optional() });

const message = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
});

/** Any JSON object, passed on as it came (not copied key by key like z.record). */
const jsonObject = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
  error: 'expected a JSON object',
});

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().optional(),
      schema: jsonObject,
      strict: z.boolean().nullable().optional(),
      description: z.string().optional(),
    }),
  }),
]);

/**
 * Longest stop sequence. node-llama-cpp prepares its stop triggers on the event loop: 16 stops of 60,000
 * characters (one 1 MB body) held every client ~0.8 s (probing round 4); real stop sequences are a few
 * characters.
 */
const MAX_STOP_CHARS = 1000;
const stopString = z.string().max(MAX_STOP_CHARS, `a stop sequence may have at most ${MAX_STOP_CHARS} characters`);

const body = z
  .object({
    model: z.string({ error: 'model is required and must be a string' }).min(1, 'model must not be empty'),
    messages: z.array(message, { error: 'messages is required and must be an array' }),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
    stop: z.union([stopString, z.array(stopString).max(16)], { error: `stop must be a string or a list of at most 16 strings, each of at most ${MAX_STOP_CHARS} characters` }).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().gt(0).max(1).nullable().optional(),
    top_k: z.number().int().min(-1).nullable().optional(),
    min_p: z.number().min(0).max(1).nullable().optional(),
    repetition_penalty: z.number().gt(0).nullable().optional(),
    chat_template_kwargs: jsonObject.nullable().optional(),
    response_format: responseFormat.nullable().optional(),
    n: z.number().int().nullable().optional(),
    user: z.string().nullable().optional(),
    // Read only to refuse what this server cannot do (see refuseUnsupported); `tools` themselves are ignored.
    tool_choice: z.unknown().optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  });

function pathToParam(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/**
 * Joins text parts; rejects images, audio and files with a clear 400. An assistant turn may hold a `refusal`
 * part (a client replaying a refused structured answer, as the OpenAI SDK types allow): read as its text.
 */
function contentToText(content: unknown, index: number, role: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  const parts = content as Array<{ type: string; text?: unknown; refusal?: unknown }>;
  const texts: string[] = [];
  for (const [partIndex, part] of parts.entries()) {
    const param = `messages[${index}].content[${partIndex}]`;
    if (part.type === 'text') {
      if (typeof part.text !== 'string') throw clientError(400, 'invalid_type', `${param}.text must be a string.`, `${param}.text`);
      texts.push(part.text);
    } else if (part.type === 'refusal' && role === 'assistant') {
      if (typeof part.refusal !== 'string') throw clientError(400, 'invalid_type', `${param}.refusal must be a string.`, `${param}.refusal`);
      texts.push(part.refusal);
    } else if (part.type === 'image_url' || part.type === 'input_image' || part.type === 'image') {
      throw clientError(400, 'unsupported_content', `${param} is an image; this server accepts text only.`, param);
    } else {
      throw clientError(400, 'unsupported_content', `${param} has type ${echo(part.type, 32)}; only "text" parts are supported.`, param);
    }
  }
  return texts.join('\n');
}

/**
 * Validates a chat-completions body with zod and converts it. Every failure is a 400 naming the
 * offending parameter; `n` other than 1 and unsupported content are rejected explicitly.
 */
export function parseChatRequest(raw: unknown): ParsedChatRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw clientError(400, 'invalid_body', 'The request body must be a JSON object.');
  }
  const parsed = body.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue ? pathToParam(issue.path) : '';
    const message = (issue?.message ?? 'invalid value').slice(0, 160);
    throw clientError(400, 'invalid_type', param ? `Invalid ${param}: ${message}.` : `Invalid request: ${message}.`, param || undefined);
  }
  const request = parsed.data;
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw clientError(400, 'unsupported_parameter', `n=${request.n} is not supported; this server returns exactly one choice (n=1).`, 'n');
  }
  refuseUnsupported(request);
  if (request.messages.length === 0) {
    throw clientError(400, 'empty_messages', 'messages must contain at least one message.', 'messages');
  }
  const messages: ChatMessage[] = request.messages.map((item, index) => {
    if (!ROLES.includes(item.role as ChatRole)) {
      throw clientError(
        400,
        'invalid_role',
        `messages[${index}].role ${echo(item.role, 32)} is not one of ${ROLES.join(', ')}.`,
        `messages[${index}].role`,
      );
    }
    const converted: ChatMessage = { role: item.role as ChatRole, content: contentToText(item.content, index, item.role) };
    if (item.name !== undefined) converted.name = item.name;
    return converted;
  });

  const settings: GenerationSettings = {};
  if (request.temperature != null) settings.temperature = request.temperature;
  if (request.top_p != null) settings.topP = request.top_p;
  if (request.top_k != null) settings.topK = request.top_k;
  if (request.min_p != null) settings.minP = request.min_p;
  if (request.repetition_penalty != null) settings.repetitionPenalty = request.repetition_penalty;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) settings.maxTokens = maxTokens;
  if (request.stop != null) settings.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.seed != null) settings.seed = request.seed;
  if (request.response_format != null) settings.responseFormat = toResponseFormat(request.response_format);
  if (request.chat_template_kwargs != null) settings.chatTemplateKwargs = checkTemplateKwargs(request.chat_template_kwargs);

  return {
    model: request.model,
    messages,
    settings,
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
    user: request.user ?? undefined,
  };
}

/**
 * What a client relies on and this server cannot give is a 400 naming the parameter, not a silent default:
 * a forced tool call (`tool_choice` "required" or a named function: agent loops then fail far from the cause)
 * and log probabilities (OpenAI answers 400 for a model without them). `tools` with `tool_choice` "auto",
 * "none" or absent are ignored (the model answers in text, which such clients handle).
 */
function refuseUnsupported(request: z.infer<typeof body>): void {
  const toolChoice = request.tool_choice;
  if (toolChoice !== undefined && toolChoice !== null && toolChoice !== 'auto' && toolChoice !== 'none') {
    throw clientError(
      400,
      'unsupported_parameter',
      'tool_choice: this server does not call tools; send tool_choice "none" or "auto", or leave it out (the model answers in text).',
      'tool_choice',
    );
  }
  if (request.logprobs === true || (request.top_logprobs != null && request.top_logprobs > 0)) {
    const param = request.logprobs === true ? 'logprobs' : 'top_logprobs';
    throw clientError(400, 'unsupported_parameter', `${param}: this server does not return log probabilities; leave it out or set it to false/0.`, param);
  }
}

/**
 * chat_template_kwargs keys that would change how the upstream builds the prompt instead of filling in
 * a template variable. vLLM before 0.11 and SGLang merge the kwargs over their own template arguments,
 * so `chat_template` replaced the model's template with the client's Jinja (which can drop the guard's
 * safety system prompt, or assemble a request from pieces no classifier reads), `add_generation_prompt:
 * false` with `continue_final_message: true` turned a client-written assistant turn into the start of
 * the model's answer, and llama.cpp's server sets the kwargs after `messages`, so `messages` replaced the
 * conversation the guard had checked. They are refused, guard or not.
 */
const TEMPLATE_CONTROL_KEYS = [
  'chat_template',
  'messages',
  'conversation',
  'add_generation_prompt',
  'continue_final_message',
  'tokenize',
];

function checkTemplateKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  // Looked up, not walked: kwargs may hold thousands of keys (see the comment on contentPart).
  for (const key of TEMPLATE_CONTROL_KEYS) {
    if (Object.hasOwn(kwargs, key)) {
      throw clientError(
        400,
        'unsupported_parameter',
        `chat_template_kwargs.${key} is not accepted: it changes how the prompt is built, not a template variable (the server's own template and conversation are used).`,
        `chat_template_kwargs.${key}`,
      );
    }
  }
  return kwargs;
}

function toResponseFormat(format: z.infer<typeof responseFormat>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const schema: { name?: string; schema: Record<string, unknown>; strict?: boolean } = { schema: format.json_schema.schema };
  if (format.json_schema.name !== undefined) schema.name = format.json_schema.name;
  if (typeof format.json_schema.strict === 'boolean') schema.strict = format.json_schema.strict;
  return { type: 'json_schema', json_schema: schema };
}
