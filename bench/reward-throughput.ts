/**
 * Reward throughput:
 *   1. rule-only components (format, accuracy, over-refusal detector, explanation heuristic), batches of
 *      256 labelled items, in-process: items/s (target ≥ 20,000 on one core); also with the prompt kind
 *      left to the guard classifier (unlabelled items).
 *   2. with an instant scripted judge on 127.0.0.1 (its own process) at concurrency 64, rounds alternating: judge calls/s through the scorer
 *      (harmfulness + explanation per harmful item, every item distinct so nothing is cached) against a
 *      direct client (the same openai: backend, 64 calls in flight, the same prompts) on the same judge.
 *      Target: the scorer reaches ≥ 90 % of the direct client's rate.
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

async function ruleOnly(labelled: boolean): Promise<number> {
  const scorer = createRewardScorer({ config: parseRewardConfig({}) });
  const batch = items(BATCH, labelled);
  for (let round = 0; round < 5; round += 1) await scorer.score(batch); // warm-up (JIT, guard model load)
  const rounds = 80;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) await scorer.score(batch);
  return (rounds * BATCH) / ((performance.now() - started) / 1000);
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

async function judged(): Promise<{ scorerCallsPerSecond: number; directCallsPerSecond: number; calls: number; medianRatio: number }> {
  const judge = await startJudgeProcess();
  try {
    const harmful = (salt: string) => items(BATCH * 3, true, salt).filter((item) => item.label?.kind === 'harmful');
    const backend = await createBackend(`openai:${judge.baseURL}`, { maxRetries: 0, timeoutMs: 30_000 });
    const metrics = createRewardMetrics();
    const scorer = createRewardScorer({ config: parseRewardConfig({ judge: { concurrency: 64 } }), judges: [{ id: 'judge', backend }], metrics });
    const direct = await createBackend(`openai:${judge.baseURL}`, { maxRetries: 0, timeoutMs: 30_000 });
    // Each harmful item asks the judge twice (harmfulness, explanation); the direct client sends the same two prompts.
    const directRound = async (salt: string): Promise<number> => {
      const prompts = harmful(salt).flatMap((item) => {
        const split = splitReasoning(item.response);
        const request = formatConversationForJudge(item.messages);
        const view = formatResponseForJudge(split.answer, split.reasoning, 'full');
        return [formatHarmfulnessJudgePrompt(request, view), fillRubric(loadJudgeRubrics().explanation, request, view)];
      });
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
    await scorer.score(harmful('warm'));
    await directRound('warm');
    let scorerCalls = 0;
    let scorerSeconds = 0;
    let directCalls = 0;
    let directSeconds = 0;
    const ratios: number[] = [];
    // Alternate the two so load from other processes hits both alike; report the median ratio of the pairs.
    for (let round = 0; round < 10; round += 1) {
      const before = metrics.snapshot().judgeCalls;
      let started = performance.now();
      await scorer.score(harmful(`s${String(round)}`));
      const scorerRound = (performance.now() - started) / 1000;
      const calls = metrics.snapshot().judgeCalls - before;
      started = performance.now();
      const directRoundCalls = await directRound(`d${String(round)}`);
      const directRoundSeconds = (performance.now() - started) / 1000;
      scorerCalls += calls;
      scorerSeconds += scorerRound;
      directCalls += directRoundCalls;
      directSeconds += directRoundSeconds;
      ratios.push(calls / scorerRound / (directRoundCalls / directRoundSeconds));
    }
    await scorer.close();
    await direct.close();
    return { scorerCallsPerSecond: scorerCalls / scorerSeconds, directCallsPerSecond: directCalls / directSeconds, calls: scorerCalls, medianRatio: percentile(ratios, 0.5) };
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

const labelled = await ruleOnly(true);
const unlabelled = await ruleOnly(false);
console.log(`rule-only, labelled items, batch ${BATCH}: ${Math.round(labelled).toLocaleString('en')} items/s (target ≥ 20,000)`);
console.log(`rule-only, kind from the guard classifier, batch ${BATCH}: ${Math.round(unlabelled).toLocaleString('en')} items/s`);
const judge = await judged();
console.log(
  `instant judge, concurrency 64: scorer ${Math.round(judge.scorerCallsPerSecond).toLocaleString('en')} judge calls/s (${judge.calls} calls), direct client ${Math.round(judge.directCallsPerSecond).toLocaleString('en')} calls/s → ${((judge.scorerCallsPerSecond / judge.directCallsPerSecond) * 100).toFixed(0)} % overall, median of 10 alternating pairs ${(judge.medianRatio * 100).toFixed(0)} % (target ≥ 90 %)`,
);
for (const withJudge of [false, true]) {
  const latency = await getRewardLatency(withJudge);
  console.log(`POST /get_reward, ${BATCH} items, ${withJudge ? 'instant judge' : 'rule-only'}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms over ${latency.requests} requests`);
}
