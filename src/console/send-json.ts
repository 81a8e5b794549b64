import type { ServerResponse } from 'node:http';

/** Sends a JSON body (no caching: console data changes with every request). Returns the status. */
export function sendJson(response: ServerResponse, status: number, body: unknown): number {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
  return status;
}
