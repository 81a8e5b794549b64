/**
 * The direct client of bench/reward-throughput.ts in its own process — a trainer that runs its own judge
 * code without SafeMed (bench/support/reward-bench-items.ts), against the judge at argv[2] through the
 * same `openai:` backend the reward server uses (node:http, its own keep-alive agent, no retries, 30 s
 * timeout). Commands on stdin, one a line: `prepare <salt>` builds a batch of harmful items (answers
 * `ready`), `run` scores it (answers `done <items>`); the parent reads this process's CPU from /proc
 * around `run` only. Prints `ready` once started; exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { createBackend } from '../src/backends/registry.js';
import { parseRewardConfig } from '../src/reward/reward-config.js';
import type { RewardItem } from '../src/reward/reward-types.js';
import { BATCH, createDirectJudgeClient, harmfulItems } from './support/reward-bench-items.js';

const judgeBaseUrl = process.argv[2] ?? '';
const backend = await createBackend(`openai:${judgeBaseUrl}`, { maxRetries: 0, timeoutMs: 30_000, model: 'bench-judge' });
const direct = createDirectJudgeClient(backend, parseRewardConfig({}).weights);
let batch: RewardItem[] = [];
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [command, salt = ''] = line.split(' ');
  if (command === 'prepare') {
    batch = harmfulItems(BATCH, salt);
    process.stdout.write('ready\n');
  } else if (command === 'run') {
    const rewards = await direct(batch);
    process.stdout.write(`done ${String(rewards.length)}\n`);
  }
}
await backend.close();
