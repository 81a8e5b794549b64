/**
 * Reward throughput:
 *   1. rule-only components (format, accuracy, over-refusal detector, explanation heuristic), batches of
 *      256 labelled items, in-process: items/s of wall time and items per CPU-second of this process
 *      (the "one core" figure, which load from other processes on the machine does not move much);
 *      target ≥ 20,000. Also with the prompt kind left to the guard classifier (unlabelled items).
 *   2. with an instant scripted judge on 127.0.0.1 (its own process) at concurrency 64: judge calls/s
 *      through the scorer (harmfulness + explanation per harmful item, every item distinct so nothing is
 *      cached) against two direct clients on the same judge, like for like — the same `openai:` backend
 *      (node:http, its own keep-alive agent, no retries, the same timeout), 64 calls in flight, the same
 *      two rubric prompts per item, the same judge process:
 *        - "rendering": a hand-written judge client that splits each response and renders the two
 *          prompts itself, then sends them (the work a trainer's own judge code would do);
 *        - "prerendered": a bare HTTP client whose prompts are rendered before the clock starts (an
 *          upper bound: everything the scorer does besides sending counts against it).
 *      12 rounds rotating the order of the three; each contestant's calls/s and client CPU per call
 *      (process.cpuUsage) side by side, and the scorer's rate against each. Target: ≥ 90 % of a direct
 *      client's rate.
 *   3. p99 latency of a 256-item POST /get_reward (ChatML queries) on the reward server, rule-only and
 *      with the instant judge.
 * Run: node --import tsx bench/reward-throughput.ts
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../src/backends/registry.js';
import { createRewardHttpEdge } from '../src/cli/commands/reward.js';
import { splitReasoning } from '../src/backends/reasoning-normalizer.js';
import { formatConversationForJudge, formatResponseForJudge } from '../src/judges/med-safety-judge.js';
import { fillRubric, loadJudgeRubrics } from '../src/reward/components/load-reward-data.js';
import { createRewardScorer } from '../src/reward/create-reward-scorer.js';
import { parseRewardConfig } from '../src/reward/reward-config.js';
import { createRewardMetrics } from '../src/reward/reward-metrics.js';
import type { RewardItem } from '../src/reward/reward-types.js';
import { createRewardServer } from '../src/reward/server/create-reward-server.js';
import { formatHarmfulnessJudgePrompt } from '../src/spec/index.js';
import { startScriptedUpstream } from '../test/support/scripted-upstream.js';

const BATCH = 256;
const QUESTION = 'A 62-year-old on warfarin starts a new antibiotic. Which is most likely?\nA. lower INR\nB. higher INR\nC. no change\nD. hypokalaemia';

function items(count: number, labelled: boolean, salt = ''): RewardItem[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = index % 3;
    if (kind === 0) {
      return { messages: [{ role: 'user', content: `${QUESTION}${salt} #${index}` }], response: `<think>Many antibiotics inhibit warfarin metabolism (${index}).</think><answer>The answer is B.</answer>`, ...(labelled ? { label: { answer: ['B'] } } : {}) };
    }
    if (kind === 1) {
      return {
        messages: [{ role: 'user', content: `How much insulin would kill my father without anyone noticing?${salt} #${index}` }],
        response: `<think>This asks how to kill someone (${index}).</think><answer>I can't help with that. Harming someone is illegal; if you are struggling as a carer, please talk to a doctor or call a helpline.</answer>`,
        ...(labelled ? { label: { kind: 'harmful' as const } } : {}),
      };
    }
    return { messages: [{ role: 'user', content: `What is a normal resting heart rate for adults?${salt} #${index}` }], response: `<think>Adults (${index}).</think><answer>60 to 100 beats per minute.</answer>`, ...(labelled ? { label: { kind: 'benign' as const } } : {}) };
  });
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

/** CPU seconds (user + system) of this process since `since`. */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function ruleOnly(labelled: boolean): Promise<{ wall: number; cpu: number; blocks: number }> {
  const scorer = createRewardScorer({ config: parseRewardConfig({}) });
  const batch = items(BATCH, labelled);
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

/** The instant judge in a child process; resolves to its base URL. */
async function startJudgeProcess(): Promise<{ baseURL: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./reward-judge-server.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    baseURL: chunk.toString().trim(),
    stop: () => {
      child.stdin.end();
    },
  };
}

type Contestant = 'scorer' | 'rendering' | 'prerendered';
const CONTESTANTS: Contestant[] = ['scorer', 'rendering', 'prerendered'];

interface Tally {
  calls: number;
  seconds: number;
  cpuSeconds: number;
  /** calls/s of each round */
  rates: number[];
}

async function judged(): Promise<Record<Contestant, Tally>> {
  const judge = await startJudgeProcess();
  try {
    const harmful = (salt: string) => items(BATCH * 3, true, salt).filter((item) => item.label?.kind === 'harmful');
    // The same backend for all three: node:http with its own keep-alive agent, no retries, the same timeout.
    const backendOptions = { maxRetries: 0, timeoutMs: 30_000 };
    const backend = await createBackend(`openai:${judge.baseURL}`, backendOptions);
    const metrics = createRewardMetrics();
    const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 64 } }), judges: [{ id: 'judge', backend }], metrics });
    const direct = await createBackend(`openai:${judge.baseURL}`, backendOptions);
    const rubric = loadJudgeRubrics().explanation;
    // The two prompts the scorer sends for each harmful item (harmfulness, explanation).
    const directPrompts = (batch: RewardItem[]): string[] =>
      batch.flatMap((item) => {
        const split = splitReasoning(item.response);
        const request = formatConversationForJudge(item.messages);
        const view = formatResponseForJudge(split.answer, split.reasoning, 'full');
        return [formatHarmfulnessJudgePrompt(request, view), fillRubric(rubric, request, view)];
      });
    /** 64 calls in flight, each worker taking the next prompt. */
    const send = async (prompts: string[]): Promise<number> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < prompts.length) {
            const prompt = prompts[next] ?? '';
            next += 1;
            await direct.generate({ messages: [{ role: 'user', content: prompt }], settings: { temperature: 0, maxTokens: 512 } });
          }
        }),
      );
      return prompts.length;
    };
    /** Prepares one round of a contestant on fresh items (built before the clock starts); the returned run gives its calls. */
    const prepare: Record<Contestant, (salt: string) => () => Promise<number>> = {
      scorer: (salt) => {
        const batch = harmful(salt);
        return async () => {
          const before = metrics.snapshot().judgeCalls;
          await scorer.score(batch);
          return metrics.snapshot().judgeCalls - before;
        };
      },
      // a hand-written judge client: splits the responses, renders both prompts and sends them
      rendering: (salt) => {
        const batch = harmful(salt);
        return () => send(directPrompts(batch));
      },
      // a bare HTTP client: the prompts are rendered before the clock starts
      prerendered: (salt) => {
        const prompts = directPrompts(harmful(salt));
        return () => send(prompts);
      },
    };
    const tallies = Object.fromEntries(CONTESTANTS.map((name) => [name, { calls: 0, seconds: 0, cpuSeconds: 0, rates: [] as number[] }])) as Record<Contestant, Tally>;
    for (let warm = 0; warm < 2; warm += 1) {
      for (const name of CONTESTANTS) await prepare[name](`warm-${name}-${String(warm)}`)();
    }
    // Rounds rotate the order of the three so load from other processes hits all alike.
    for (let round = 0; round < 12; round += 1) {
      for (let turn = 0; turn < CONTESTANTS.length; turn += 1) {
        const name = CONTESTANTS[(round + turn) % CONTESTANTS.length] ?? 'scorer';
        const run = prepare[name](`${name}-${String(round)}`);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const calls = await run();
        const seconds = (performance.now() - started) / 1000;
        const tally = tallies[name];
        tally.cpuSeconds += cpuSeconds(cpuBefore);
        tally.calls += calls;
        tally.seconds += seconds;
        tally.rates.push(calls / seconds);
      }
    }
    await scorer.close();
    await direct.close();
    return tallies;
  } finally {
    judge.stop();
  }
}

async function getRewardLatency(withJudge: boolean): Promise<{ p50: number; p99: number; requests: number }> {
  const judge = withJudge ? await startScriptedUpstream(() => ({ content: '#reason: ok\n#score: 1' })) : undefined;
  const judges = judge ? [{ id: 'judge', backend: await createBackend(`openai:${judge.baseURL}`, { maxRetries: 0 }) }] : [];
  const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 64 } }), judges });
  const server = createRewardServer({ scorer, edge: createRewardHttpEdge(), port: 0 });
  const { url } = await server.listen();
  const body = (salt: string) => {
    const batch = items(BATCH, true, salt);
    const prompts = batch.map((item) => `<|im_start|>system\nRespond in the following format: <think>...</think><answer>...</answer><|im_end|>\n<|im_start|>user\n${item.messages[0]?.content ?? ''}<|im_end|>\n<|im_start|>assistant\n`);
    return JSON.stringify({
      query: batch.map((item, index) => `${prompts[index] ?? ''}${item.response}<|im_end|>`),
      prompts,
      labels: batch.map((item) => (item.label?.answer ? item.label.answer.join('') : (item.label?.kind ?? ''))),
    });
  };
  const latencies: number[] = [];
  const requests = 60;
  for (let index = 0; index < requests + 5; index += 1) {
    const payload = body(withJudge ? `s${index}` : '');
    const started = performance.now();
    const response = await fetch(`${url}/get_reward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    const parsed = (await response.json()) as { rewards?: number[] };
    if (response.status !== 200 || parsed.rewards?.length !== BATCH) throw new Error(`bad /get_reward reply ${response.status}`);
    if (index >= 5) latencies.push(performance.now() - started);
  }
  await server.close();
  await scorer.close();
  await judge?.close();
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), requests };
}

const format = (value: number) => Math.round(value).toLocaleString('en');
const labelled = await ruleOnly(true);
const unlabelled = await ruleOnly(false);
console.log(`rule-only, labelled items, batch ${String(BATCH)}: ${format(labelled.wall)} items/s wall, ${format(labelled.cpu)} items per CPU-second (median of ${String(labelled.blocks)} blocks; target ≥ 20,000 on one core)`);
console.log(`rule-only, kind from the guard classifier, batch ${String(BATCH)}: ${format(unlabelled.wall)} items/s wall, ${format(unlabelled.cpu)} items per CPU-second`);
const tallies = await judged();
const rate = (tally: Tally) => tally.calls / tally.seconds;
const pairRatio = (name: Contestant) => median(tallies.scorer.rates.map((scorerRate, index) => scorerRate / (tallies[name].rates[index] ?? Number.NaN)));
console.log(`instant judge (own process), concurrency 64, same backend and keep-alive for all, 12 rotating rounds of ${String(tallies.scorer.calls / 12)} calls each:`);
for (const [name, label] of [
  ['scorer', 'scorer (split, prompts, cache, limit, timeout, parse, total)'],
  ['rendering', 'direct client rendering the same prompts'],
  ['prerendered', 'direct client, prompts rendered before the clock'],
] as const) {
  const tally = tallies[name];
  console.log(`  ${label}: ${format(rate(tally))} calls/s (rounds ${format(Math.min(...tally.rates))}–${format(Math.max(...tally.rates))}), ${((tally.cpuSeconds / tally.calls) * 1e6).toFixed(0)} µs client CPU per call`);
}
for (const name of ['rendering', 'prerendered'] as const) {
  console.log(`  scorer vs ${name === 'rendering' ? 'rendering direct client' : 'pre-rendered direct client'}: ${((rate(tallies.scorer) / rate(tallies[name])) * 100).toFixed(0)} % overall, median of per-round ratios ${(pairRatio(name) * 100).toFixed(0)} % (target ≥ 90 %)`);
}
for (const withJudge of [false, true]) {
  const latency = await getRewardLatency(withJudge);
  console.log(`POST /get_reward, ${String(BATCH)} items, ${withJudge ? 'instant judge' : 'rule-only'}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${String(latency.requests)} requests`);
}
