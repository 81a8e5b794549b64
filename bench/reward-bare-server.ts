/**
 * The "bare hop" of bench/reward-throughput.ts, in its own process: the direct client's code
 * (bench/support/reward-bench-items.ts: split, render, send, parse, reward; 64 calls in flight, the
 * same `openai:` backend) behind the least a node:http server needs to take an OpenRLHF /get_reward
 * batch — read the body, JSON.parse it, cut each ChatML query into its turns and response, answer
 * `{"rewards": [...]}`. No validation, limits, metrics, cache, retries, timeouts or signals. What a
 * trainer pays for putting its own judge code behind one HTTP hop, without SafeMed: the reward server
 * compared with it shows what SafeMed adds beyond the hop. Prints its base URL; serves until stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackend } from '../src/backends/registry.js';
import type { ChatMessage } from '../src/core/chat.js';
import { parseRewardConfig } from '../src/reward/reward-config.js';
import type { RewardItem } from '../src/reward/reward-types.js';
import { createDirectJudgeClient } from './support/reward-bench-items.js';

const judgeBaseUrl = process.argv[2] ?? '';
const backend = await createBackend(`openai:${judgeBaseUrl}`, { maxRetries: 0, timeoutMs: 30_000, model: 'bench-judge' });
const direct = createDirectJudgeClient(backend, parseRewardConfig({}).weights);
const TURN = /<\|im_start\|>(\w+)\n([\s\S]*?)<\|im_end\|>\n/g;
const ASSISTANT = '<|im_start|>assistant\n';

/** A ChatML query (the bench's own: system and user turns, then the assistant's response) → an item. */
function toItem(query: string): RewardItem {
  const cut = query.lastIndexOf(ASSISTANT);
  const messages: ChatMessage[] = [];
  for (const match of query.slice(0, cut).matchAll(TURN)) messages.push({ role: match[1] === 'system' ? 'system' : 'user', content: match[2] ?? '' });
  return { messages, response: query.slice(cut + ASSISTANT.length).replace(/<\|im_end\|>$/, ''), label: { kind: 'harmful' } };
}

const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { query: string[] };
    direct(body.query.map(toItem)).then(
      (rewards) => {
        const text = JSON.stringify({ rewards });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      },
      (error: unknown) => {
        response.writeHead(500).end(String(error));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${String(address.port)}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => {
    void backend.close().then(() => process.exit(0));
  });
});
