/**
 * Reward throughput, three measurements.
 *
 *   1. Rule-only components (format, accuracy, over-refusal detector, explanation heuristic), batches of
 *      256 labelled items, the scorer in this process: items/s of wall time and items per CPU-second of
 *      this process (the "one core" figure, which load from other processes moves less); target
 *      ≥ 20,000. Also with the prompt kind left to the guard classifier (unlabelled items).
 *
 *   2. With an instant judge (target: ≥ 90 % of a direct client's rate against the same judge).
 *      Processes, as users have them:
 *        - the judge: bench/reward-judge-server.ts, its own process (a bare node:http server answering
 *          `#score: 1` at once, keeping nothing per request);
 *        - the reward server: `safemed reward serve --port 0 --judge judge=openai:<judge>#bench-judge`,
 *          its own process, started through the CLI as a user starts it (default config: 64 judge calls
 *          in flight, 30 s timeout, 2 retries, the cache on);
 *        - the direct client: bench/reward-direct-client.ts, its own process — a trainer's own judge code
 *          without SafeMed (bench/support/reward-bench-items.ts): split each response, render the spec's
 *          harmfulness prompt and the explanation rubric, send both to the judge, parse the `#score`,
 *          turn the scores into the two rewards and their weighted total. The same `openai:` backend
 *          the reward server uses (node:http, a keep-alive agent of its own, no retries, 30 s timeout),
 *          64 calls in flight, the same judge process;
 *        - the bare hop: bench/reward-bare-server.ts, its own process — the direct client's code behind the
 *          least a node:http server needs to take a /get_reward batch (read, JSON.parse, cut the ChatML
 *          queries, answer the rewards; no validation, limits, metrics, cache, retries or signals);
 *        - this process: the trainer (and the in-process contestants below).
 *      Contestants, each round a batch of 256 distinct harmful items (two judge calls each, 512 calls;
 *      nothing repeats, so the cache never answers), built before the clock starts:
 *        - server:      the trainer POSTs the batch to /get_reward (ChatML queries, labels "harmful"; node:http
 *                       with a keep-alive agent) and reads the rewards. What a trainer with SafeMed does.
 *        - bare:        the trainer POSTs the same batch to the bare hop. What one HTTP hop costs without
 *                       SafeMed: server vs bare is what SafeMed adds beyond the hop, bare vs direct the hop.
 *        - direct:      the direct client process scores the batch. What a trainer without SafeMed does.
 *        - library:     the scorer in this process (SafeMed as a library, or `safemed reward score`).
 *        - inline:      the direct client's code in this process (the library's like-for-like baseline).
 *        - prerendered: a bare client in this process sending the same prompts rendered before the clock
 *                       starts (no rendering, no parsing; not the target). Sent through `generate`, which
 *                       encodes each whole prompt per call, so it is no upper bound for the scorer, whose
 *                       `openai:` judge backend encodes each prompt's fixed text once (prepared prompts).
 *      What the bench compares is each contestant's own code against the same judge process, the same
 *      `openai:` backend code (the direct client and the bare hop call its `generate`, as any caller
 *      would; the scorer asks through the backend's prepared prompts, see
 *      src/backends/openai-compatible/prepared-prompt.ts — the judge receives the same bytes), 64 calls
 *      in flight each.
 *      18 rounds (--rounds), the six in a balanced order (see balancedOrders) so that load from other
 *      processes and what each contestant leaves behind hit all alike; before each timed round this
 *      process collects its garbage and waits until it is quiet (see settle). Per
 *      contestant: judge calls/s, items/s, and CPU per judge call of each process (this one from
 *      process.cpuUsage, the children from /proc/<pid>/stat, 10 ms ticks summed over all rounds).
 *      Ratios are medians of per-round ratios (each round's pair ran close together), and, steadier on
 *      this shared machine, the client-side CPU per call — every process but the judge, median of the
 *      rounds (direct client ÷ trainer + reward server).
 *
 *   2b. What the reward adds per judge call, without HTTP: the scorer and the direct client's code
 *      against an in-process judge that answers on the next turn, CPU per call of this process,
 *      interleaved; the scorer also after its cache holds `cacheEntries` (100,000) answers, as in a
 *      long training run.
 *
 *   3. p50/p99 latency of a 256-item POST /get_reward (ChatML queries, mixed exam / harmful / benign
 *      labels) from this process to a reward server process: rule-only (no judge), and with the
 *      instant judge (fresh items per request, so every judge call goes out).
 *
 * Run: node --import tsx bench/reward-throughput.ts [--rounds 18] [--judged-only]   (--help; prints the load
 * average before and after)
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../src/backends/registry.js';
import type { Backend } from '../src/core/backend.js';
import type { GenerateResult } from '../src/core/chat.js';
import { formatConversationForJudge, formatResponseForJudge } from '../src/judges/med-safety-judge.js';
import { splitReasoning } from '../src/backends/reasoning-normalizer.js';
import { fillRubric, loadJudgeRubrics } from '../src/reward/components/load-reward-data.js';
import { createRewardScorer } from '../src/reward/create-reward-scorer.js';
import { parseRewardConfig } from '../src/reward/reward-config.js';
import type { RewardItem } from '../src/reward/reward-types.js';
import { formatHarmfulnessJudgePrompt } from '../src/spec/index.js';
import { balancedOrders, childCpuSeconds, cpuSeconds, settle, waitForAddress } from './support/bench-processes.js';
import { BATCH, createDirectJudgeClient, harmfulItems, IN_FLIGHT, inFlightPool, rewardItems } from './support/reward-bench-items.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '18' },
    'judged-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`node --import tsx bench/reward-throughput.ts [--rounds 18] [--judged-only]
  --rounds N      rounds of the six judged contestants (a multiple of 6 balances their order)
  --judged-only   only measurement 2 (the judged contestants); skips the rule-only, no-HTTP and latency figures`);
  process.exit(0);
}
const ROUNDS = Number(flags.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');

/** The OpenRLHF /get_reward body for `batch`: ChatML queries (prompt + response), prompts, labels. */
function getRewardBody(batch: RewardItem[]): string {
  const prompts = batch.map((item) => `${item.messages.map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`);
  return JSON.stringify({
    query: batch.map((item, index) => `${prompts[index] ?? ''}${item.response}<|im_end|>`),
    prompts,
    labels: batch.map((item) => (item.label?.answer ? item.label.answer.join('') : (item.label?.kind ?? ''))),
  });
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
}

const median = (values: number[]): number => percentile(values, 0.5);

async function ruleOnly(labelled: boolean): Promise<{ wall: number; cpu: number; blocks: number }> {
  const scorer = createRewardScorer({ config: parseRewardConfig({}) });
  const batch = rewardItems(BATCH, labelled);
  for (let round = 0; round < 5; round += 1) await scorer.score(batch); // warm-up (JIT, guard model load)
  const blocks = 7;
  const rounds = 20;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let block = 0; block < blocks; block += 1) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let round = 0; round < rounds; round += 1) await scorer.score(batch);
    wall.push((rounds * BATCH) / ((performance.now() - started) / 1000));
    cpu.push((rounds * BATCH) / cpuSeconds(cpuBefore));
  }
  return { wall: median(wall), cpu: median(cpu), blocks };
}

interface ChildProcess {
  /** The first line the child printed that matched. */
  address: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts `node --import tsx <args>` and waits for the first stdout line matching `pattern` (its first group is the address). */
async function startChild(args: string[], pattern: RegExp, stopBy: 'stdin' | 'signal'): Promise<ChildProcess> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
  const address = await waitForAddress(child, pattern, args.join(' '));
  return {
    address,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      if (stopBy === 'stdin') child.stdin.end();
      else child.kill('SIGTERM');
      await exited;
    },
  };
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const startJudge = () => startChild([here('./reward-judge-server.ts')], /^(http:\S+)\n/, 'stdin');

/** `safemed reward serve` through the CLI, as a user starts it; with the instant judge when `judgeBaseUrl` is given. */
const startRewardServer = (judgeBaseUrl?: string) =>
  startChild([here('../src/cli/main.ts'), 'reward', 'serve', '--port', '0', ...(judgeBaseUrl === undefined ? [] : ['--judge', `judge=openai:${judgeBaseUrl}#bench-judge`])], /listening on (http:\S+)/, 'signal');

/** The trainer's HTTP client: node:http with a keep-alive agent, like the judge clients. */
const trainerAgent = new HttpAgent({ keepAlive: true });

async function postGetReward(url: string, body: string, expected: number): Promise<number[]> {
  const payload = Buffer.from(body);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = httpRequest(`${url}/get_reward`, { method: 'POST', agent: trainerAgent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
  const parsed = JSON.parse(text) as { rewards?: number[] };
  if (status !== 200 || parsed.rewards?.length !== expected) throw new Error(`bad /get_reward reply ${String(status)}`);
  return parsed.rewards;
}

/** The reward server's judge-call and cache-hit counters, from /metrics. */
async function serverCounters(url: string): Promise<{ calls: number; hits: number; failures: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const total = (name: string) => [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))].reduce((sum, match) => sum + Number(match[1]), 0);
  return { calls: total('safemed_reward_judge_calls_total'), hits: total('safemed_reward_judge_cache_hits_total'), failures: total('safemed_reward_judge_failures_total') };
}

/** The direct client in its own process (bench/reward-direct-client.ts), driven line by line over stdin/stdout. */
async function startDirectClient(judgeBaseUrl: string): Promise<{ pid: number | undefined; prepare(salt: string): Promise<void>; run(): Promise<number>; stop(): Promise<void> }> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, ['--import', 'tsx', here('./reward-direct-client.ts'), judgeBaseUrl], { stdio: ['pipe', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) throw new Error('the direct client process exited');
    return line.value;
  };
  if ((await next()) !== 'ready') throw new Error('the direct client did not start');
  return {
    pid: child.pid,
    prepare: async (salt) => {
      child.stdin.write(`prepare ${salt}\n`);
      if ((await next()) !== 'ready') throw new Error('the direct client did not prepare');
    },
    run: async () => {
      child.stdin.write('run\n');
      const [word, count] = (await next()).split(' ');
      if (word !== 'done') throw new Error('the direct client failed');
      return Number(count);
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

type Contestant = 'server' | 'bare' | 'direct' | 'library' | 'inline' | 'prerendered';
const CONTESTANTS: Contestant[] = ['server', 'bare', 'direct', 'library', 'inline', 'prerendered'];

interface Tally {
  calls: number;
  items: number;
  seconds: number;
  /** CPU seconds of this process, the reward server process, the bare hop, the direct client process and the judge process. */
  cpu: { self: number; server: number; bare: number; direct: number; judge: number };
  /** calls/s of each round, in round order */
  rates: number[];
  /** client-side CPU µs per call of each round (this process + reward server + bare hop + direct client: everything but the judge) */
  clientCpu: number[];
}

async function judged(judge: ChildProcess, server: ChildProcess, bare: ChildProcess): Promise<Record<Contestant, Tally>> {
  const backendOptions = { maxRetries: 0, timeoutMs: 30_000, model: 'bench-judge' };
  const judgeUri = `openai:${judge.address}`;
  const directProcess = await startDirectClient(judge.address);
  const inlineBackend = await createBackend(judgeUri, backendOptions);
  const prerenderedBackend = await createBackend(judgeUri, backendOptions);
  const scorer = createRewardScorer({ config: parseRewardConfig({}), judges: [{ id: 'judge', backend: await createBackend(judgeUri, backendOptions) }] });
  const inline = createDirectJudgeClient(inlineBackend, scorer.config.weights);
  const explanationRubric = loadJudgeRubrics().explanation;

  const prerenderedPrompts = (batch: RewardItem[]): string[] =>
    batch.flatMap((item) => {
      const split = splitReasoning(item.response);
      const request = formatConversationForJudge(item.messages);
      const view = formatResponseForJudge(split.answer, split.reasoning, 'full');
      return [formatHarmfulnessJudgePrompt(request, view), fillRubric(explanationRubric, request, view)];
    });

  /** Prepares one round on fresh items (before the clock starts); the returned run gives its items. */
  const prepare: Record<Contestant, (salt: string) => Promise<() => Promise<number>>> = {
    server: (salt) => {
      const body = getRewardBody(harmfulItems(BATCH, salt));
      return Promise.resolve(async () => (await postGetReward(server.address, body, BATCH)).length);
    },
    bare: (salt) => {
      const body = getRewardBody(harmfulItems(BATCH, salt));
      return Promise.resolve(async () => (await postGetReward(bare.address, body, BATCH)).length);
    },
    direct: async (salt) => {
      await directProcess.prepare(salt);
      return () => directProcess.run();
    },
    library: (salt) => {
      const batch = harmfulItems(BATCH, salt);
      return Promise.resolve(async () => (await scorer.score(batch)).length);
    },
    inline: (salt) => {
      const batch = harmfulItems(BATCH, salt);
      return Promise.resolve(async () => (await inline(batch)).length);
    },
    prerendered: (salt) => {
      const prompts = prerenderedPrompts(harmfulItems(BATCH, salt));
      return Promise.resolve(async () => {
        await inFlightPool(prompts.length, async (index) => {
          await prerenderedBackend.generate({ messages: [{ role: 'user', content: prompts[index] ?? '' }], settings: { temperature: 0, maxTokens: 512 } });
        });
        return prompts.length / 2;
      });
    },
  };
  const tallies = Object.fromEntries(CONTESTANTS.map((name) => [name, { calls: 0, items: 0, seconds: 0, cpu: { self: 0, server: 0, bare: 0, direct: 0, judge: 0 }, rates: [] as number[], clientCpu: [] as number[] }])) as Record<Contestant, Tally>;
  for (let warm = 0; warm < 4; warm += 1) {
    for (const name of CONTESTANTS) await (await prepare[name](`warm-${name}-${String(warm)}`))();
  }
  const countersBefore = await serverCounters(server.address);
  const orders = balancedOrders(CONTESTANTS.length);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const index of orders[round % orders.length] ?? []) {
        const name = CONTESTANTS[index] ?? 'server';
        const run = await prepare[name](`${name}-${String(round)}`);
        await settle();
        const serverCpu = childCpuSeconds(server.pid);
        const directCpu = childCpuSeconds(directProcess.pid);
        const bareCpu = childCpuSeconds(bare.pid);
        const judgeCpu = childCpuSeconds(judge.pid);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const scored = await run();
        const seconds = (performance.now() - started) / 1000;
        const tally = tallies[name];
        const used = {
          self: cpuSeconds(cpuBefore),
          server: childCpuSeconds(server.pid) - serverCpu,
          bare: childCpuSeconds(bare.pid) - bareCpu,
          direct: childCpuSeconds(directProcess.pid) - directCpu,
        };
        tally.cpu.self += used.self;
        tally.cpu.server += used.server;
        tally.cpu.bare += used.bare;
        tally.cpu.direct += used.direct;
        tally.cpu.judge += childCpuSeconds(judge.pid) - judgeCpu;
        tally.clientCpu.push(((used.self + used.server + used.bare + used.direct) / (scored * 2)) * 1e6);
        tally.items += scored;
        tally.calls += scored * 2;
        tally.seconds += seconds;
        tally.rates.push((scored * 2) / seconds);
      }
    }
  } finally {
    await directProcess.stop();
  }
  const countersAfter = await serverCounters(server.address);
  const serverCalls = countersAfter.calls - countersBefore.calls;
  if (serverCalls !== tallies.server.calls || countersAfter.hits !== 0 || countersAfter.failures !== 0) {
    throw new Error(`the reward server made ${String(serverCalls)} judge calls for ${String(tallies.server.calls)} expected (cache hits ${String(countersAfter.hits)}, failures ${String(countersAfter.failures)})`);
  }
  await scorer.close();
  await inlineBackend.close();
  await prerenderedBackend.close();
  return tallies;
}

/** An in-process judge: answers `#score: 1` on the next turn of the event loop (no HTTP). */
function instantBackend(): Backend {
  const result: GenerateResult = { text: '#reason: declined\n#score: 1', reasoning: '', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, verdicts: [] };
  return {
    uri: 'bench:instant',
    modelId: 'bench-judge',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: () =>
      new Promise((resolve) => {
        setImmediate(resolve, result);
      }),
    stream: () => {
      throw new Error('not used');
    },
    close: () => Promise.resolve(),
  };
}

/** CPU µs per judge call of this process: the scorer (cache empty, then full) and the direct client's own work, no HTTP. */
async function overheadWithoutHttp(): Promise<{ scorer: number; scorerFullCache: number; direct: number; cacheEntries: number }> {
  const backend = instantBackend();
  const config = parseRewardConfig({});
  // the direct client's code (split, render, send, parse, reward) against the same in-process judge
  const direct = createDirectJudgeClient(backend, config.weights);
  const scorer = createRewardScorer({ config, judges: [{ id: 'judge', backend }] });
  const fullScorer = createRewardScorer({ config, judges: [{ id: 'judge', backend }] });
  // fill one scorer's cache past its size: from then on every new answer evicts the least recently used one
  const fill = Math.ceil(config.judge.cacheEntries / (BATCH * 2)) + 1;
  for (let index = 0; index < fill; index += 1) await fullScorer.score(harmfulItems(BATCH, `fill-${String(index)}`));
  const contenders = {
    scorer: (batch: RewardItem[]) => scorer.score(batch),
    full: (batch: RewardItem[]) => fullScorer.score(batch),
    direct,
  };
  const perCall: Record<keyof typeof contenders, number[]> = { scorer: [], full: [], direct: [] };
  for (let warm = 0; warm < 6; warm += 1) for (const run of Object.values(contenders)) await run(harmfulItems(BATCH, `warm-${String(warm)}`));
  // blocks of 4 batches each, the three interleaved so that load from other processes hits all alike
  for (let block = 0; block < 15; block += 1) {
    for (const name of ['scorer', 'full', 'direct'] as const) {
      const prepared = Array.from({ length: 4 }, (_, index) => harmfulItems(BATCH, `${name}-${String(block)}-${String(index)}`));
      const before = process.cpuUsage();
      for (const batch of prepared) await contenders[name](batch);
      perCall[name].push((cpuSeconds(before) / (prepared.length * BATCH * 2)) * 1e6);
    }
  }
  await scorer.close();
  await fullScorer.close();
  const scorerCpu = median(perCall.scorer);
  const fullCpu = median(perCall.full);
  const directCpu = median(perCall.direct);
  return { scorer: scorerCpu, scorerFullCache: fullCpu, direct: directCpu, cacheEntries: config.judge.cacheEntries };
}

async function getRewardLatency(url: string, withJudge: boolean): Promise<{ p50: number; p99: number; requests: number }> {
  const latencies: number[] = [];
  const requests = 60;
  const fixed = getRewardBody(rewardItems(BATCH, true));
  for (let index = 0; index < requests + 5; index += 1) {
    const body = withJudge ? getRewardBody(rewardItems(BATCH, true, `latency-${String(index)}`)) : fixed;
    const started = performance.now();
    await postGetReward(url, body, BATCH);
    if (index >= 5) latencies.push(performance.now() - started);
  }
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), requests };
}

const format = (value: number) => Math.round(value).toLocaleString('en');
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
console.log(`load average (1 / 5 / 15 min) at the start: ${load()}`);
if (!flags['judged-only']) {
  const labelled = await ruleOnly(true);
  const unlabelled = await ruleOnly(false);
  console.log(`rule-only, labelled items, batch ${String(BATCH)}, in-process: ${format(labelled.wall)} items/s wall, ${format(labelled.cpu)} items per CPU-second (median of ${String(labelled.blocks)} blocks; target ≥ 20,000 on one core)`);
  console.log(`rule-only, kind from the guard classifier, batch ${String(BATCH)}, in-process: ${format(unlabelled.wall)} items/s wall, ${format(unlabelled.cpu)} items per CPU-second`);
}

const judge = await startJudge();
const judgedServer = await startRewardServer(judge.address);
const bareServer = await startChild([here('./reward-bare-server.ts'), judge.address], /listening on (http:\S+)/, 'stdin');
const ruleServer = await startRewardServer();
try {
  const tallies = await judged(judge, judgedServer, bareServer);
  const rate = (tally: Tally) => tally.calls / tally.seconds;
  const pairRatio = (name: Contestant, against: Contestant) => median(tallies[name].rates.map((value, index) => value / (tallies[against].rates[index] ?? Number.NaN)));
  const perCall = (seconds: number, tally: Tally) => ((seconds / tally.calls) * 1e6).toFixed(0);
  console.log(
    `instant judge (own process), ${String(IN_FLIGHT)} calls in flight, ${String(ROUNDS)} rounds in a balanced order of ${String(BATCH)} harmful items (${String(BATCH * 2)} judge calls) per contestant; reward server = \`safemed reward serve\` and the direct client each in their own process:`,
  );
  const labels: Record<Contestant, string> = {
    server: 'trainer -> /get_reward -> reward server process -> judge',
    bare: "trainer -> /get_reward -> bare hop process (the direct client's code behind node:http) -> judge",
    direct: "direct client process (a trainer's own judge code: split, render, send, parse, reward) -> judge",
    library: 'scorer in this process -> judge',
    inline: "the direct client's code in this process -> judge",
    prerendered: 'bare client in this process, prompts rendered before the clock, sent through generate',
  };
  for (const name of CONTESTANTS) {
    const tally = tallies[name];
    const cpu = tally.cpu;
    console.log(
      `  ${name.padEnd(11)} ${labels[name]}: ${format(rate(tally))} calls/s, ${format(tally.items / tally.seconds)} items/s (rounds ${format(Math.min(...tally.rates))}–${format(Math.max(...tally.rates))} calls/s); CPU µs per call: this process ${perCall(cpu.self, tally)}, reward server ${perCall(cpu.server, tally)}, bare hop ${perCall(cpu.bare, tally)}, direct client ${perCall(cpu.direct, tally)}, judge ${perCall(cpu.judge, tally)}`,
    );
  }
  /** Median over the rounds of the client-side CPU per call (a garbage collection of this process that lands in one round does not weigh on the whole). */
  const clientCpu = (tally: Tally) => median(tally.clientCpu);
  for (const [name, against, note] of [
    ['server', 'direct', 'the target: separate processes, as users run them'],
    ['bare', 'direct', 'one HTTP hop without SafeMed'],
    ['server', 'bare', 'what SafeMed adds beyond the hop'],
    ['library', 'inline', 'the scorer as a library, both in this process'],
    ['library', 'prerendered', 'prompts rendered before the clock; not the target'],
  ] as const) {
    console.log(
      `  ${name} vs ${against} (${note}): calls/s median of per-round ratios ${(pairRatio(name, against) * 100).toFixed(0)} %, overall ${((rate(tallies[name]) / rate(tallies[against])) * 100).toFixed(0)} %; client-side CPU per call (median of rounds) ${against} ÷ ${name} ${((clientCpu(tallies[against]) / clientCpu(tallies[name])) * 100).toFixed(0)} %${(name === 'server' && against === 'direct') || (name === 'library' && against === 'inline') ? ' (target ≥ 90 %)' : ''}`,
    );
  }
  for (const [server, withJudge] of flags['judged-only'] ? [] : ([
    [ruleServer, false],
    [judgedServer, true],
  ] as const)) {
    const latency = await getRewardLatency(server.address, withJudge);
    console.log(`POST /get_reward, ${String(BATCH)} mixed items, reward server process, ${withJudge ? 'instant judge (own process)' : 'rule-only'}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${String(latency.requests)} requests`);
  }
} finally {
  trainerAgent.destroy();
  await Promise.all([judgedServer.stop(), bareServer.stop(), ruleServer.stop(), judge.stop()]);
}
// after the HTTP rounds: its 100,000-answer cache is garbage the HTTP contestants should not collect
if (!flags['judged-only']) {
  const overhead = await overheadWithoutHttp();
  console.log(
    `without HTTP (in-process judge answering on the next turn), CPU µs per judge call: scorer ${overhead.scorer.toFixed(1)}, scorer with a full cache (${format(overhead.cacheEntries)} answers) ${overhead.scorerFullCache.toFixed(1)}, direct client's code (split, render, parse, reward) ${overhead.direct.toFixed(1)}`,
  );
}
console.log(`load average (1 / 5 / 15 min) at the end: ${load()}`);
