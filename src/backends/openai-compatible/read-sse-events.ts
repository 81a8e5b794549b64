import { BackendError } from '../../core/errors.js';

/** Largest single SSE event accepted from an upstream (real chunks are a few hundred bytes). */
export const MAX_SSE_EVENT_CHARS = 1024 * 1024;

export interface ReadSseEventsOptions {
  /** An event (bytes up to its blank line) longer than this is an error (default MAX_SSE_EVENT_CHARS). */
  maxEventChars?: number;
}

/**
 * Reads `data:` payloads from a server-sent-events body (the OpenAI streaming format).
 * Accepts any async iterable of bytes (a Node response stream, a web ReadableStream).
 * Yields each event's data (multi-line data joined with "\n"); comments and other fields are ignored.
 * Linear in the body: each chunk is scanned once for the blank line that ends an event, and an event
 * that grows past `maxEventChars` without one fails with a BackendError (502) instead of buffering on.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array | string>, options: ReadSseEventsOptions = {}): AsyncGenerator<string> {
  const maxEventChars = options.maxEventChars ?? MAX_SSE_EVENT_CHARS;
  const decoder = new TextDecoder();
  let buffer = '';
  /** Where the next boundary search starts (3 characters back covers a boundary split across chunks). */
  let scanFrom = 0;
  /** The last chunk ended in a CR: a LF starting the next one belongs to it (one CRLF). */
  let endedInCr = false;
  for await (const chunk of body) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text === '') continue; // a partial UTF-8 sequence: nothing to read yet
    if (endedInCr && text.startsWith('\n')) text = text.slice(1);
    // The SSE format also ends lines with a lone CR (no server we know sends it; a 502 before): read as LF.
    if (text.includes('\r')) {
      endedInCr = text.endsWith('\r');
      text = text.replace(/\r\n?/g, '\n');
    } else endedInCr = false;
    buffer += text;
    for (;;) {
      const boundary = findEventBoundary(buffer, scanFrom);
      if (!boundary) {
        scanFrom = Math.max(0, buffer.length - 3);
        break;
      }
      const event = buffer.slice(0, boundary.index);
      buffer = buffer.slice(boundary.index + boundary.length);
      scanFrom = 0;
      const data = parseEventData(event);
      if (data !== undefined) yield data;
    }
    if (buffer.length > maxEventChars) {
      throw new BackendError(`The upstream sent a stream event larger than ${maxEventChars} characters without an end.`, {
        status: 502,
        code: 'upstream_event_too_large',
      });
    }
  }
  buffer += decoder.decode();
  const data = parseEventData(buffer);
  if (data !== undefined) yield data;
}

/** The first blank line (`\n\n`, `\r\n\r\n` or mixed) at or after `from`. */
function findEventBoundary(buffer: string, from: number): { index: number; length: number } | undefined {
  let index = buffer.indexOf('\n', from);
  while (index !== -1) {
    let next = index + 1;
    if (buffer[next] === '\r') next += 1;
    if (buffer[next] === '\n') {
      const start = index > 0 && buffer[index - 1] === '\r' ? index - 1 : index;
      return { index: start, length: next + 1 - start };
    }
    index = buffer.indexOf('\n', index + 1);
  }
  return undefined;
}

function parseEventData(event: string): string | undefined {
  const lines: string[] = [];
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    lines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}
