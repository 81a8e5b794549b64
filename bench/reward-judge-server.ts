/**
 * The instant judge of bench/reward-throughput.ts, in its own process (so the judge and the clients
 * under test do not share an event loop): a bare node:http server that reads each
 * POST /v1/chat/completions body and answers one fixed chat completion (`#score: 1`) at once. It keeps
 * nothing per request (unlike test/support/scripted-upstream.ts, which zod-parses and stores every
 * body), so it spends as little CPU per call as a Node server can and the clients, not the judge, are
 * what the bench compares. Prints its base URL; serves until stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const reply = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-judge',
    choices: [{ index: 0, message: { role: 'assistant', content: '#reason: declined\n#score: 1' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  }),
);
const headers = { 'content-type': 'application/json', 'content-length': reply.length };

const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    response.writeHead(404).end();
    return;
  }
  request.on('data', () => undefined);
  request.on('end', () => {
    response.writeHead(200, headers).end(reply);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`http://127.0.0.1:${String(address.port)}/v1\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
