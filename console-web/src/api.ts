/**
 * Talking to the server: the console API under /console/api and the guarded /v1/chat/completions.
 * The API key lives in sessionStorage (this tab only) and goes in the Authorization header, never in
 * a URL.
 */
const KEY_STORAGE = 'safemed.console.apiKey';

export class AuthError extends Error {}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = storedKey();
  return key === null ? extra : { ...extra, authorization: `Bearer ${key}` };
}

async function failure(response: Response): Promise<Error> {
  if (response.status === 401) return new AuthError('unauthorized');
  let message = `HTTP ${String(response.status)}`;
  let code: string | null = null;
  try {
    const body = (await response.json()) as { error?: { message?: string; code?: string | null } };
    message = body.error?.message ?? message;
    code = body.error?.code ?? null;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(message, response.status, code);
}

export async function apiFetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...rest } = init;
  const response = await fetch(path.startsWith('/') ? path : `/console/api/${path}`, {
    ...rest,
    headers: headers(json === undefined ? {} : { 'content-type': 'application/json' }),
    ...(json === undefined ? {} : { body: JSON.stringify(json), method: rest.method ?? 'POST' }),
  });
  if (!response.ok) throw await failure(response);
  return response;
}

export async function apiJson<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  return (await apiFetch(path, init)).json() as Promise<T>;
}

/** Downloads a response as a file (the key stays in the header: the browser never sees a keyed URL). */
export async function download(path: string, fileName: string): Promise<void> {
  const blob = await (await apiFetch(path)).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => { URL.revokeObjectURL(url); }, 10_000);
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StreamEvents {
  onReasoning(text: string): void;
  onContent(text: string): void;
  onFinish(finishReason: string | null, safemed: SafemedObject | undefined): void;
}

/** POST /v1/chat/completions with stream: true, reading the SSE events as they arrive. */
export async function streamChat(model: string, messages: ChatMessage[], events: StreamEvents, signal: AbortSignal): Promise<void> {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify({ model, messages, stream: true }),
    signal,
  });
  if (!response.ok || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf('\n\n');
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data === '' || data === '[DONE]') continue;
      const chunk = JSON.parse(data) as StreamChunk;
      if (chunk.error) throw new ApiError(chunk.error.message ?? 'stream failed', 500, chunk.error.code ?? null);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (reasoning) events.onReasoning(reasoning);
      if (choice.delta?.content) events.onContent(choice.delta.content);
      if (choice.finish_reason) events.onFinish(choice.finish_reason, chunk.safemed);
    }
  }
}

interface StreamChunk {
  error?: { message?: string; code?: string | null };
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string; reasoning?: string }; finish_reason?: string | null }>;
  safemed?: SafemedObject;
}

export interface VerdictJson {
  action: 'allow' | 'caution' | 'steer' | 'block' | 'escalate';
  risk_level: 'low' | 'medium' | 'high';
  risk: number;
  dimension: string;
  principle: number | null;
  attacks: string[];
  compliance: 'pass' | 'fail';
  disclaimer_added: boolean;
  reasons: string[];
  stage?: 'input' | 'output';
}

export interface SafemedObject extends VerdictJson {
  output?: { action: string; replaced: boolean; reason: string | null; kind: string | null };
  disclaimer?: string;
  emergency?: string;
  verdicts: VerdictJson[];
}

export interface Labels {
  dimensions: Record<string, { en: string; zh: string }>;
  principles: Record<string, { en: string; zh: string }>;
  attacks: Record<string, { en: string; zh: string }>;
}

export interface Session {
  servedModelName: string;
  authRequired: boolean;
  guard: boolean;
  features: { audit: boolean; reports: boolean; review: boolean };
  labels: Labels;
}
