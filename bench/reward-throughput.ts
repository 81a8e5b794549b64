/**
 * Reward throughput:
 *   1. rule-only components (format, accuracy, over-refusal detector, explanation heuristic), batches of
 *      256 labelled items, in-process: items/s of wall time and items per CPU-second of this process
 *      (the "one core" figure, which load from other processes on the machine does not move much);
 *      target ≥ 20,000. Also with the prompt kind left to the guard classifier (unlabelled items).
 *   2. with an instant scripted judge on 127.0.0.1 (its own process) at concurrency 64: judge calls/s
 *      through the scorer (harmfulness + explanation per harmful item, every item distinct so nothing is
 *      cached) against a direct client on the same judge, like for like: the same `openai:` backend
 *      (node:http, its own keep-alive agent, no retries, same timeout), 64 calls in flight, the same
 *      two rubric prompts per item — but rendered before the clock starts, so the direct client does
 *      nothing but send (the scorer's splitting, prompt building, hashing, parsing and bookkeeping all
 *      count against it). 10 alternating pairs, both rates printed side by side; target: the scorer
 *      reaches ≥ 90 % of the direct client's rate. Client CPU per call (process.cpuUsage) is printed too.
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

interface JudgedFigures {
  scorerCallsPerSecond: number;
  directCallsPerSecond: number;
  scorerCpuMicroseconds: number;
  directCpuMicroseconds: number;
  pairs: Array<{ scorer: number; direct: number }>;
  calls: number;
}

async function judged(): Promise<JudgedFigures> {
  const judge = await startJudgeProcess();
  try {
    const harmful = (salt: string) => items(BATCH * 3, true, salt).filter((item) => item.label?.kind === 'harmful');
    const backendOptions = { maxRetries: 0, timeoutMs: 30_000 };
    const backend = await createBackend(`openai:${judge.baseURL}`, backendOptions);
    const metrics = createRewardMetrics();
    const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 64 } }), judges: [{ id: 'judge', backend }], metrics });
    const direct = await createBackend(`openai:${judge.baseURL}`, backendOptions);
    // The two prompts the scorer sends for each harmful item (harmfulness, explanation), rendered up front.
    const directPrompts = (batch: RewardItem[]): string[] =>
      batch.flatMap((item) => {
        const split = splitReasoning(item.response);
        const request = formatConversationForJudge(item.messages);
        const view = formatResponseForJudge(split.answer, split.reasoning, 'full');
        return [formatHarmfulnessJudgePrompt(request, view), fillRubric(loadJudgeRubrics().explanation, request, view)];
      });
    const directRound = async (prompts: string[]): Promise<number> => {
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
    for (let round = 0; round < 2; round += 1) {
      await scorer.score(harmful(`warm${String(round)}`));
      await directRound(directPrompts(harmful(`dwarm${String(round)}`)));
    }
    const totals = { scorerCalls: 0, scorerSeconds: 0, scorerCpu: 0, directCalls: 0, directSeconds: 0, directCpu: 0 };
    const pairs: JudgedFigures['pairs'] = [];
    // Alternate the two (which goes first alternates too) so load from other processes hits both alike.
    const runScorer = async (round: number) => {
      const batch = harmful(`s${String(round)}`);
      const before = metrics.snapshot().judgeCalls;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await scorer.score(batch);
      const seconds = (performance.now() - started) / 1000;
      const calls = metrics.snapshot().judgeCalls - before;
      totals.scorerCpu += cpuSeconds(cpuBefore);
      totals.scorerCalls += calls;
      totals.scorerSeconds += seconds;
      return calls / seconds;
    };
    const runDirect = async (round: number) => {
      const prompts = directPrompts(harmful(`d${String(round)}`));
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const calls = await directRound(prompts);
      const seconds = (performance.now() - started) / 1000;
      totals.directCpu += cpuSeconds(cpuBefore);
      totals.directCalls += calls;
      totals.directSeconds += seconds;
      return calls / seconds;
    };
    for (let round = 0; round < 10; round += 1) {
      if (round % 2 === 0) {
        const scorerRate = await runScorer(round);
        pairs.push({ scorer: scorerRate, direct: await runDirect(round) });
      } else {
        const directRate = await runDirect(round);
        pairs.push({ scorer: await runScorer(round), direct: directRate });
      }
    }
    await scorer.close();
    await direct.close();
    return {
      scorerCallsPerSecond: totals.scorerCalls / totals.scorerSeconds,
      directCallsPerSecond: totals.directCalls / totals.directSeconds,
      scorerCpuMicroseconds: (totals.scorerCpu / totals.scorerCalls) * 1e6,
      directCpuMicroseconds: (totals.directCpu / totals.directCalls) * 1e6,
      pairs,
      calls: totals.scorerCalls,
    };
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
const judge = await judged();
const ratios = judge.pairs.map((pair) => pair.scorer / pair.direct);
console.log(`instant judge (own process), concurrency 64, ${String(judge.calls)} scorer calls: judge calls/s per pair (scorer / direct client, prompts pre-rendered):`);
console.log(`  ${judge.pairs.map((pair) => `${format(pair.scorer)} / ${format(pair.direct)}`).join(', ')}`);
console.log(
  `  scorer ${format(judge.scorerCallsPerSecond)} calls/s vs direct client ${format(judge.directCallsPerSecond)} calls/s → ${((judge.scorerCallsPerSecond / judge.directCallsPerSecond) * 100).toFixed(0)} % overall, median pair ${(median(ratios) * 100).toFixed(0)} % (pairs ${(Math.min(...ratios) * 100).toFixed(0)}–${(Math.max(...ratios) * 100).toFixed(0)} %; target ≥ 90 %)`,
);
console.log(`  client CPU per judge call: scorer ${judge.scorerCpuMicroseconds.toFixed(0)} µs, direct client ${judge.directCpuMicroseconds.toFixed(0)} µs`);
for (const withJudge of [false, true]) {
  const latency = await getRewardLatency(withJudge);
  console.log(`POST /get_reward, ${String(BATCH)} items, ${withJudge ? 'instant judge' : 'rule-only'}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${String(latency.requests)} requests`);
}
