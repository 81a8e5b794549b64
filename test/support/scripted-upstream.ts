/**
 * A small scripted OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: a real socket,
 * canned replies chosen by a responder function, and fault injection (status codes with
 * retry-after, slow headers, disconnect mid-stream, malformed SSE).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface ScriptedReply {
  /** The assistant message content (may contain <think>/<answer> tags). */
  content?: string | null;
  /** A separate reasoning channel, returned under `reasoningField`. */
  reasoning?: string;
  reasoningField?: 'reasoning' | 'reasoning_content' | 'thinking';
  /** Streaming: explicit content chunks (default: content cut into 4-character pieces). */
  chunks?: string[] | undefined;
  /** Streaming: explicit reasoning chunks (default: reasoning cut into 4-character pieces). */
  reasoningChunks?: string[];
  finishReason?: 'stop' | 'length';
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export type ScriptedFault =
  | { fault: 'status'; status: number; retryAfterSeconds?: number | undefined; message?: string }
  | { fault: 'slow-headers'; delayMs: number; reply: ScriptedReply }
  | { fault: 'disconnect-mid-stream'; afterChunks: number; reply: ScriptedReply }
  | { fault: 'malformed-sse' }
  | { fault: 'hang' };

/**
 * A chat request as the scripted server reads it: the fields it acts on are checked, everything else
 * (temperature, seed, max_tokens, …) is kept as sent for the tests to assert on.
 */
const scriptedChatBodySchema = z.looseObject({
  model: z.string().optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.unknown() })),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
});
export type ScriptedChatBody = z.infer<typeof scriptedChatBodySchema>;

export interface ScriptedRequest {
  body: ScriptedChatBody;
  headers: IncomingMessage['headers'];
  /** 0-based count of chat requests seen so far. */
  index: number;
}

export type Responder = (request: ScriptedRequest) => ScriptedReply | ScriptedFault | Promise<ScriptedReply | ScriptedFault>;

export interface ScriptedUpstream {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** e.g. http://127.0.0.1:43123/v1 */
  baseURL: string;
  /** Every chat request body received, in order. */
  requests: ScriptedChatBody[];
  close(): Promise<void>;
}

export interface ScriptedUpstreamOptions {
  models?: string[];
  /** Require `Authorization: Bearer <apiKey>` on /v1/*. */
  apiKey?: string;
}

function split(text: string, size = 4): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}

function isFault(value: ScriptedReply | ScriptedFault): value is ScriptedFault {
  return 'fault' in value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startScriptedUpstream(responder: Responder, options: ScriptedUpstreamOptions = {}): Promise<ScriptedUpstream> {
  const models = options.models ?? ['scripted-model'];
  const requests: ScriptedChatBody[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let created = 1_700_000_000;

  const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const chunk = (model: string, delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-scripted',
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    })}\n\n`;

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (options.apiKey && url.pathname.startsWith('/v1/') && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        sendJson(response, 401, { error: { message: 'bad key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
        return;
      }
      if (request.method === 'GET' && url.pathname === '/health') {
        response.writeHead(200).end();
        return;
      }
      if (request.method === 'GET' && url.pathname === '/v1/models') {
        sendJson(response, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'scripted' })) });
        return;
      }
      if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
        sendJson(response, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } });
        return;
      }
      const body = scriptedChatBodySchema.parse(JSON.parse(await readBody(request)));
      const index = requests.length;
      requests.push(body);
      let planned = await responder({ body, headers: request.headers, index });
      const model = String(body.model ?? models[0]);

      if (isFault(planned)) {
        if (planned.fault === 'status') {
          const headers: Record<string, string> = {};
          if (planned.retryAfterSeconds !== undefined) headers['retry-after'] = String(planned.retryAfterSeconds);
          sendJson(
            response,
            planned.status,
            { error: { message: planned.message ?? `scripted ${planned.status}`, type: 'server_error', param: null, code: null } },
            headers,
          );
          return;
        }
        if (planned.fault === 'hang') return; // never answers; the client must time out
        if (planned.fault === 'malformed-sse') {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.end('data: {"this is not json\n\n');
          return;
        }
        if (planned.fault === 'slow-headers') {
          await wait(planned.delayMs);
          planned = planned.reply;
        }
      }

      const fault = isFault(planned) ? planned : undefined;
      const reply: ScriptedReply = fault?.fault === 'disconnect-mid-stream' ? fault.reply : (planned as ScriptedReply);
      const reasoningField = reply.reasoningField ?? 'reasoning';
      const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };

      if (!body.stream) {
        const message: Record<string, unknown> = { role: 'assistant', content: reply.content ?? null };
        if (reply.reasoning !== undefined) message[reasoningField] = reply.reasoning;
        sendJson(response, 200, {
          id: 'chatcmpl-scripted',
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message, finish_reason: reply.finishReason ?? 'stop' }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
        return;
      }

      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const events: string[] = [chunk(model, { role: 'assistant', content: '' })];
      for (const piece of reply.reasoningChunks ?? split(reply.reasoning ?? '')) events.push(chunk(model, { [reasoningField]: piece }));
      for (const piece of reply.chunks ?? split(reply.content ?? '')) events.push(chunk(model, { content: piece }));
      events.push(chunk(model, {}, reply.finishReason ?? 'stop'));
      if (body.stream_options?.include_usage) {
        events.push(
          `data: ${JSON.stringify({
            id: 'chatcmpl-scripted',
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          })}\n\n`,
        );
      }
      events.push('data: [DONE]\n\n');
      for (const [position, event] of events.entries()) {
        if (fault?.fault === 'disconnect-mid-stream' && position === fault.afterChunks) {
          request.socket.destroy();
          return;
        }
        response.write(event);
      }
      response.end();
    } catch (error) {
      if (!response.headersSent) sendJson(response, 400, { error: { message: String(error), type: 'invalid_request_error', param: null, code: null } });
      else response.destroy();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  created += 1;
  return {
    url: `http://127.0.0.1:${port}`,
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
