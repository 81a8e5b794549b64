/**
 * Reads a console API request body: JSON only (`Content-Type: application/json`, so a page on another
 * site cannot post a form or text/plain to a key-less local server without a CORS preflight, which is
 * never answered), at most `limitBytes`, within `timeoutMs`.
 */
import type { IncomingMessage } from 'node:http';
import { clientError } from '../serve/error-response.js';

export async function readConsoleJson(request: IncomingMessage, options: { limitBytes: number; timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/json\s*(;|$)/u.test(type)) {
    request.resume();
    throw clientError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const chunks: Buffer[] = [];
  let size = 0;
  const onAbort = () => request.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of request) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > options.limitBytes) {
        request.resume();
        throw clientError(413, 'body_too_large', `The request body is larger than ${String(options.limitBytes)} bytes.`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (timeout.aborted) throw clientError(408, 'request_timeout', 'The request body did not arrive in time.');
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw clientError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}
