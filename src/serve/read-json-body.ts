import type { IncomingMessage } from 'node:http';
import { clientError, echo } from './error-response.js';

export interface ReadJsonBodyOptions {
  limitBytes: number;
  /** The whole body must arrive within this (408 otherwise). */
  timeoutMs: number;
  /** Deepest nesting of objects and arrays accepted (400 otherwise). */
  maxDepth: number;
  /** Most members one object may have (400 otherwise); default DEFAULT_MAX_JSON_MEMBERS. */
  maxMembers?: number;
}

/** Default nesting limit: far beyond any real chat request or JSON schema, far below a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * `application/json` (any parameters, any case), or `application/<x>+json`. Anything else is refused:
 * a browser can POST text/plain or a form to a key-less local server without a CORS preflight.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const type = (header.split(';', 1)[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Default limit on one object's members. JSON.parse slows down per key once an object holds thousands of
 * them (V8 switches it to a dictionary): 1 MB of one 90,000-key object took ~57 ms on a 2-core VM, and
 * the parse runs on the event loop. 10,000 is far beyond any chat request, JSON schema or logit_bias map;
 * the worst 1 MB body under it (nine such objects) parses in ~28 ms.
 */
export const DEFAULT_MAX_JSON_MEMBERS = 10_000;

export type JsonShapeProblem = 'too_deep' | 'too_many_members';

const IN_OBJECT = 1;
const IN_ARRAY = 2;

/**
 * What makes `text` too costly to parse, before JSON.parse runs: objects/arrays nested deeper than
 * `maxDepth` (a stack overflow in the validators), or one object with more than `maxMembers` members.
 * One linear pass that jumps over each string with indexOf (a request is mostly string content), a quote
 * counting as closing when an even number of backslashes precedes it; members are counted by the commas
 * directly inside an object. An unterminated string ends the scan (JSON.parse then reports the body).
 */
export function findJsonShapeProblem(text: string, maxDepth: number, maxMembers = Number.POSITIVE_INFINITY): JsonShapeProblem | undefined {
  const kinds = new Uint8Array(maxDepth + 2);
  const commas = new Float64Array(maxDepth + 2);
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 34) {
      let end = index;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return undefined;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes += 1;
        if (backslashes % 2 === 0) break;
      }
      index = end;
    } else if (code === 44) {
      // Malformed text can close more than it opened: depth ≤ 0 has no container to count in.
      if (depth > 0 && kinds[depth] === IN_OBJECT) {
        commas[depth] = (commas[depth] ?? 0) + 1;
        if ((commas[depth] ?? 0) >= maxMembers) return 'too_many_members';
      }
    } else if (code === 123 || code === 91) {
      depth += 1;
      if (depth > maxDepth) return 'too_deep';
      if (depth > 0) {
        kinds[depth] = code === 123 ? IN_OBJECT : IN_ARRAY;
        commas[depth] = 0;
      }
    } else if (code === 125 || code === 93) depth -= 1;
  }
  return undefined;
}

/** Thrown when the client went away while sending its body (a 499 in metrics and logs, not a 500). */
export const CLIENT_CLOSED = 499;

function readBytes(request: IncomingMessage, limitBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | undefined, body?: Buffer) => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error) {
        request.resume();
        reject(error);
      } else resolve(body ?? Buffer.alloc(0));
    };
    const onData = (part: Buffer) => {
      size += part.length;
      if (size > limitBytes) finish(tooLarge(limitBytes));
      else parts.push(part);
    };
    const onEnd = () => { finish(undefined, parts.length === 1 ? parts[0] : Buffer.concat(parts)); };
    const closed = () => clientError(CLIENT_CLOSED, 'client_closed_request', 'The client closed the connection before sending the whole body.');
    const onError = () => { finish(closed()); };
    const onClose = () => {
      if (!request.complete) finish(closed());
    };
    const timer = setTimeout(
      () => { finish(clientError(408, 'request_timeout', `The request body did not arrive within ${Math.round(timeoutMs / 1000)} s (--body-timeout).`)); },
      timeoutMs,
    );
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/**
 * Reads a request body and parses it as JSON. Not JSON → 415; too big → 413 (checked against
 * Content-Length first, then while reading); too slow → 408; malformed → 400 `invalid_json`;
 * nested deeper than `maxDepth` → 400 `json_too_deep`; an object with more than `maxMembers` members → 400
 * `json_too_many_members`; client gone → 499 (never answered).
 */
export async function readJsonBody(request: IncomingMessage, options: ReadJsonBodyOptions): Promise<unknown> {
  if (!isJsonContentType(request.headers['content-type'])) {
    request.resume();
    throw clientError(415, 'unsupported_media_type', 'Send the body as JSON with "Content-Type: application/json".');
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    request.resume();
    throw clientError(415, 'unsupported_content_encoding', `Request bodies must not be compressed (Content-Encoding ${echo(encoding, 32)}); send plain JSON.`);
  }
  // node:http decodes only `chunked`: a body sent with `Transfer-Encoding: gzip, chunked` arrived still
  // compressed and was called malformed JSON. 415 like Content-Encoding (RFC 9112 suggests 501, but a
  // client's choice is never a 5xx here).
  const transfer = request.headers['transfer-encoding'];
  if (transfer !== undefined && transfer.split(',').some((coding) => !['chunked', 'identity', ''].includes(coding.trim().toLowerCase()))) {
    request.resume();
    throw clientError(415, 'unsupported_transfer_encoding', `Only chunked transfer coding is supported (Transfer-Encoding ${echo(transfer, 32)}); send plain JSON.`);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.limitBytes) {
    request.resume();
    throw tooLarge(options.limitBytes);
  }
  let text = (await readBytes(request, options.limitBytes, options.timeoutMs)).toString('utf8');
  // A byte order mark (Windows editors, PowerShell) is not part of the JSON (RFC 8259 lets parsers skip it).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw clientError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
  const maxMembers = options.maxMembers ?? DEFAULT_MAX_JSON_MEMBERS;
  const problem = findJsonShapeProblem(text, options.maxDepth, maxMembers);
  if (problem === 'too_deep') {
    throw clientError(400, 'json_too_deep', `The JSON body nests objects or arrays more than ${options.maxDepth} levels deep.`);
  }
  if (problem === 'too_many_members') {
    throw clientError(400, 'json_too_many_members', `An object in the JSON body has more than ${maxMembers} members; send fewer keys (no chat request needs that many).`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/, ".*$/s, '').slice(0, 120);
    throw clientError(400, 'invalid_json', `Malformed JSON body: ${reason}.`);
  }
}

function tooLarge(limitBytes: number) {
  return clientError(413, 'body_too_large', `The request body is larger than the ${limitBytes}-byte limit (raise it with --body-limit).`);
}
