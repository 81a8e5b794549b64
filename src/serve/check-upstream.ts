import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { normalizeBaseUrl } from '../backends/openai-compatible/create-openai-compatible-backend.js';
import { defaultSleep, proxyVariableIn, sendUpstreamRequest, withoutCredentials } from '../backends/openai-compatible/send-upstream-request.js';
import { BackendError, ConfigError, TimeoutError, describeError } from '../core/errors.js';

/** Behind a proxy an upstream looks down (proxyVariableIn): said in the fix when one is set. */
function proxyNote(env: Record<string, string | undefined>): string {
  const name = proxyVariableIn(env);
  return name === undefined ? '' : ` $${name} is set, but SafeMed connects to the upstream directly (it does not use proxy variables): give an address reachable without the proxy.`;
}

export interface CheckBackendTargetOptions {
  apiKey?: string;
  /** For the upstream check (default 5 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Start-up check with a clear message: a `llama:` GGUF must exist; an `openai:`/`vllm:` upstream
 * must answer `GET /models` within a short timeout. Other schemes are left to their factories.
 */
export async function checkBackendTarget(uri: string, options: CheckBackendTargetOptions = {}): Promise<void> {
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon).toLowerCase() : '';
  const target = uri.slice(colon + 1);
  if (scheme === 'llama') {
    const path = resolve(target);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ConfigError(`The GGUF file ${path} does not exist.`, { key: 'model', fix: 'Pass --model llama:<path to an existing .gguf file>.' });
    }
    return;
  }
  if (scheme !== 'openai' && scheme !== 'vllm') return;
  const baseUrl = normalizeBaseUrl(target, scheme);
  // What messages show: never the password of a URL with credentials (openai:http://user:secret@host/v1).
  const shownUrl = withoutCredentials(baseUrl);
  const timeoutMs = options.timeoutMs ?? 5000;
  // The project's one upstream transport (send-upstream-request.ts), without retries: a start-up check.
  let status: number;
  try {
    const handle = await sendUpstreamRequest({
      url: `${baseUrl}/models`,
      method: 'GET',
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      ...(options.signal ? { signal: options.signal } : {}),
      timeoutMs,
      maxRetries: 0,
      sleep: defaultSleep,
      random: Math.random,
    });
    status = handle.response.status;
    handle.done();
  } catch (error) {
    if (error instanceof BackendError && error.status !== undefined && error.code === 'upstream_error') status = error.status;
    // An untrusted certificate is not an upstream that is down: the transport's message names it and the fix.
    else if (error instanceof BackendError && error.code === 'upstream_certificate') throw error;
    else {
      const cause = error instanceof TimeoutError ? 'no answer' : ((error as { cause?: { code?: string } }).cause?.code ?? describeError(error));
      throw new BackendError(`Cannot reach the upstream at ${shownUrl} (GET /models: ${cause}, ${timeoutMs} ms timeout).`, {
        url: shownUrl,
        cause: error,
        fix: `Start the upstream server, or correct --model ${scheme}:<base-url>.${proxyNote(process.env)}`,
      });
    }
  }
  if (status === 401 || status === 403) {
    throw new BackendError(`The upstream at ${shownUrl} refused the API key (HTTP ${status}).`, {
      url: shownUrl,
      status,
      fix: 'Pass the upstream key with --upstream-api-key or $SAFEMED_UPSTREAM_API_KEY.',
    });
  }
  if (status < 200 || status >= 300) {
    throw new BackendError(`The upstream at ${shownUrl} answered GET /models with HTTP ${status}.`, {
      url: shownUrl,
      status,
      fix: `Check that ${shownUrl} is an OpenAI-compatible API (the base URL usually ends in /v1).`,
    });
  }
}
