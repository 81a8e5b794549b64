/**
 * Where the reward server process spends its CPU per judge call, next to the processes that do the same
 * judge work without SafeMed (the ones bench/reward-throughput.ts compares it with). Starts the instant
 * judge (bench/reward-judge-server.ts), `safemed reward serve` through the CLI, the bare hop
 * (bench/reward-bare-server.ts: the direct client's code behind node:http) and the direct client
 * (bench/reward-direct-client.ts) — all but the judge under `node --cpu-prof` — and drives them in
 * rotating rounds of 256 fresh harmful items (512 judge calls), this process acting as the trainer (it
 * hosts no contestant, so its own CPU per call is the trainer's work alone). Then it reads the profiles
 * back and keeps only the samples taken while a measured round of that process ran (the profiles' clock
 * is CLOCK_MONOTONIC, as is process.hrtime here). Prints per process: calls/s, CPU µs per judge call
 * (/proc: overall and median of rounds; main thread and the other threads — V8's GC and compiler helpers),
 * paired per-round CPU ratios, then per process the self time grouped by where the code lives and the top
 * functions by self and inclusive time (µs per judge call; the profiler's own cost is in them).
 *
 * Run: node --import tsx bench/reward-serve-profile.ts [--rounds 12] [--interval 200] [--top 30] [--keep <dir>]
 *        [--no-profile] [--trace-gc] [--base-root <checkout>] [--idle-ms 0]
 *   --no-profile   the same rounds without the profiler (its CPU figures alone)
 *   --trace-gc     count the children's GCs (--trace-gc-nvp: pauses, bytes promoted and surviving)
 *   --base-root    also a reward server from another checkout (e.g. the code before a change) in the same
 *                  rounds, for paired before/after figures
 *   --idle-ms      a pause after each round (in the throughput bench each process waits while others run)
 *   --interval     the profiler's sampling interval in µs; --keep: leave the .cpuprofile files (and the
 *                  measured rounds' spans, windows.json) in <dir>
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RewardItem } from '../src/reward/reward-types.js';
import { statCpuSeconds, waitForAddress } from './support/bench-processes.js';
import { BATCH, harmfulItems } from './support/reward-bench-items.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '12' },
    interval: { type: 'string', default: '200' },
    top: { type: 'string', default: '30' },
    keep: { type: 'string' },
    'no-profile': { type: 'boolean', default: false },
    'trace-gc': { type: 'boolean', default: false },
    'base-root': { type: 'string' },
    'idle-ms': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log('node --import tsx bench/reward-serve-profile.ts [--rounds 12] [--interval 200] [--top 30] [--keep <dir>] [--no-profile] [--trace-gc] [--base-root <checkout>] [--idle-ms 0]  (see the header of this file)');
  process.exit(0);
}
const ROUNDS = Number(flags.rounds);
const idleMs = Number(flags['idle-ms']);
const TOP = Number(flags.top);
const profileDir = flags.keep ?? mkdtempSync(join(tmpdir(), 'reward-profile-'));
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const gcTraces: Record<'server' | 'base' | 'bare' | 'direct', string> = { server: '', base: '', bare: '', direct: '' };
const profileArgs = (name: string) => [...(flags['trace-gc'] ? ['--trace-gc', '--trace-gc-nvp'] : []), ...(flags['no-profile'] ? [] : ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name), '--cpu-prof-interval', flags.interval])];

const children: Array<ChildProcessByStdio<Writable, Readable, null>> = [];
function spawnNode(args: string[]): ChildProcessByStdio<Writable, Readable, null> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(child);
  return child;
}
// a failure half-way must not leave a child behind (a profiled server samples on, using CPU, until killed)
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function firstMatch(child: ChildProcessByStdio<Writable, Readable, null>, pattern: RegExp, trace?: 'server' | 'base' | 'bare'): Promise<string> {
  if (trace !== undefined) {
    child.stdout.on('data', (chunk: Buffer) => {
      gcTraces[trace] += chunk.toString();
    });
  }
  return waitForAddress(child, pattern, 'a child');
}

function childCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  return statCpuSeconds(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
}

/** CPU seconds of the main thread and of all other threads (V8's GC and compiler helpers, libuv's pool: all named "node"). */
function threadCpuSeconds(pid: number | undefined): Map<string, number> {
  const byName = new Map<string, number>();
  if (pid === undefined) return byName;
  for (const task of readdirSync(`/proc/${String(pid)}/task`)) {
    try {
      const stat = readFileSync(`/proc/${String(pid)}/task/${task}/stat`, 'utf8');
      const name = task === String(pid) ? 'main thread' : 'other threads';
      byName.set(name, (byName.get(name) ?? 0) + statCpuSeconds(stat));
    } catch {
      // the thread ended
    }
  }
  return byName;
}

function getRewardBody(batch: RewardItem[]): string {
  const prompts = batch.map((item) => `${item.messages.map((message) => `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`).join('')}<|im_start|>assistant\n`);
  return JSON.stringify({ query: batch.map((item, index) => `${prompts[index] ?? ''}${item.response}<|im_end|>`), prompts, labels: batch.map(() => 'harmful') });
}

const agent = new HttpAgent({ keepAlive: true });
async function post(url: string, body: string): Promise<void> {
  const payload = Buffer.from(body);
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(`${url}/get_reward`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length } }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode === 200) resolve();
        else reject(new Error(`status ${String(response.statusCode)}`));
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

const judge = spawnNode(['--import', 'tsx', here('./reward-judge-server.ts')]);
const judgeUrl = await firstMatch(judge, /^(http:\S+)\n/);
/** `safemed reward serve` through the CLI of this checkout (or of `root`), with the instant judge. */
async function startServer(name: 'server' | 'base', root?: string) {
  const main = root === undefined ? here('../src/cli/main.ts') : join(root, 'src/cli/main.ts');
  const child = spawnNode([...profileArgs(name), '--import', 'tsx', main, 'reward', 'serve', '--port', '0', '--judge', `judge=openai:${judgeUrl}#bench-judge`]);
  return { child, url: await firstMatch(child, /listening on (http:\S+)/, name) };
}
const server = await startServer('server');
const base = flags['base-root'] === undefined ? undefined : await startServer('base', flags['base-root']);
const bareChild = spawnNode([...profileArgs('bare'), '--import', 'tsx', here('./reward-bare-server.ts'), judgeUrl]);
const bare = { child: bareChild, url: await firstMatch(bareChild, /listening on (http:\S+)/, 'bare') };
const direct = spawnNode([...profileArgs('direct'), '--import', 'tsx', here('./reward-direct-client.ts'), judgeUrl]);
if (flags['trace-gc']) {
  direct.stdout.on('data', (chunk: Buffer) => {
    gcTraces.direct += chunk.toString();
  });
}
const lines = createInterface({ input: direct.stdout })[Symbol.asyncIterator]();
const nextLine = async (): Promise<string> => {
  for (;;) {
    const line = await lines.next();
    if (line.done === true) throw new Error('the direct client exited');
    if (!line.value.startsWith('[')) return line.value; // --trace-gc lines start with [pid:…]
  }
};
if ((await nextLine()) !== 'ready') throw new Error('the direct client did not start');

type Name = 'server' | 'base' | 'bare' | 'direct';
const NAMES: Name[] = base === undefined ? ['server', 'bare', 'direct'] : ['server', 'base', 'bare', 'direct'];
const windows: Record<Name, Array<[number, number]>> = { server: [], base: [], bare: [], direct: [] };
const cpu: Record<Name, number> = { server: 0, base: 0, bare: 0, direct: 0 };
const threads: Record<Name, Map<string, number>> = { server: new Map(), base: new Map(), bare: new Map(), direct: new Map() };
const seconds: Record<Name, number> = { server: 0, base: 0, bare: 0, direct: 0 };
const calls: Record<Name, number> = { server: 0, base: 0, bare: 0, direct: 0 };
/** CPU seconds of this process (the trainer) during each contestant's rounds. */
const trainerCpu: Record<Name, number> = { server: 0, base: 0, bare: 0, direct: 0 };
/** CPU µs per call of each measured round, per process (for medians and paired ratios). */
const perRound: Record<Name, number[]> = { server: [], base: [], bare: [], direct: [] };
const microsNow = () => Number(process.hrtime.bigint() / 1000n);

async function round(name: Name, salt: string, measured: boolean): Promise<void> {
  let run: () => Promise<void>;
  let pid: number | undefined;
  if (name === 'direct') {
    direct.stdin.write(`prepare ${salt}\n`);
    if ((await nextLine()) !== 'ready') throw new Error('prepare failed');
    run = async () => {
      direct.stdin.write('run\n');
      if (!(await nextLine()).startsWith('done')) throw new Error('run failed');
    };
    pid = direct.pid;
  } else {
    const target = name === 'server' ? server : name === 'bare' ? bare : base;
    if (target === undefined) throw new Error('no base server');
    const body = getRewardBody(harmfulItems(BATCH, salt));
    run = () => post(target.url, body);
    pid = target.child.pid;
  }
  const cpuBefore = childCpuSeconds(pid);
  const threadsBefore = threadCpuSeconds(pid);
  const selfBefore = process.cpuUsage();
  const start = microsNow();
  await run();
  const end = microsNow();
  if (!measured) return;
  const selfUsed = process.cpuUsage(selfBefore);
  trainerCpu[name] += (selfUsed.user + selfUsed.system) / 1e6;
  for (const [thread, used] of threadCpuSeconds(pid)) threads[name].set(thread, (threads[name].get(thread) ?? 0) + used - (threadsBefore.get(thread) ?? 0));
  windows[name].push([start, end]);
  const used = childCpuSeconds(pid) - cpuBefore;
  cpu[name] += used;
  perRound[name].push((used / (BATCH * 2)) * 1e6);
  seconds[name] += (end - start) / 1e6;
  calls[name] += BATCH * 2;
}

const loadStart = loadavg()[0] ?? 0;
for (let warm = 0; warm < 6; warm += 1) for (const name of NAMES) await round(name, `warm-${name}-${String(warm)}`, false);
for (let index = 0; index < ROUNDS; index += 1) {
  // rotate the order so that load from other processes hits each alike
  for (let turn = 0; turn < NAMES.length; turn += 1) {
    const name = NAMES[(index + turn) % NAMES.length] ?? 'server';
    await round(name, `${name}-${String(index)}`, true);
    // as in bench/reward-throughput.ts, where each process waits while four other contestants run
    if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
  }
}
const loadEnd = loadavg()[0] ?? 0;
agent.destroy();
const exits = [server.child, ...(base ? [base.child] : []), bare.child, direct, judge].map((child) => once(child, 'exit'));
server.child.kill('SIGTERM');
base?.child.kill('SIGTERM');
bare.child.stdin.end();
direct.stdin.end();
judge.stdin.end();
await Promise.all(exits);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/').replace(/^node:/, 'node:');
const keyOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}${node.callFrame.url ? `:${String(node.callFrame.lineNumber + 1)}` : ''}`;
function groupOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native/builtin)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const match = /\/(src\/[^/]+(?:\/[^/]+)?|bench|node_modules\/[^/]+)\//.exec(url);
  return match?.[1] ?? 'other';
}

function summarise(name: Name): void {
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the main thread (tsx's loader runs in another)
  const file = readdirSync(join(profileDir, name)).find((entry) => entry.split('.')[4] === '0');
  if (file === undefined) throw new Error(`no ${name} profile in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, name, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0;
  let time = profile.startTime;
  const spans = windows[name];
  let span = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const delta = profile.timeDeltas[index] ?? 0;
    time += delta;
    while (span < spans.length && time > (spans[span]?.[1] ?? 0)) span += 1;
    const window = spans[span];
    if (!window || time < window[0]) continue;
    const node = byId.get(profile.samples[index] ?? -1);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    // the delta before a sample is the time it stands for (approximately)
    const weight = profile.timeDeltas[index + 1] ?? delta;
    total += weight;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + weight);
    const group = groupOf(node);
    groups.set(group, (groups.get(group) ?? 0) + weight);
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const frameKey = keyOf(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + weight);
    }
  }
  const perCall = (micros: number) => (micros / calls[name]).toFixed(2);
  console.log(
    `\n== ${name}: ${String(calls[name])} judge calls, ${(calls[name] / seconds[name]).toFixed(0)} calls/s; CPU µs per call: /proc ${((cpu[name] / calls[name]) * 1e6).toFixed(0)}, profile samples ${perCall(total)}`,
  );
  const top = (map: Map<string, number>, title: string, count: number) => {
    console.log(`-- ${title} (µs per judge call)`);
    for (const [key, value] of [...map].sort((left, right) => right[1] - left[1]).slice(0, count)) console.log(`${perCall(value).padStart(8)}  ${key}`);
  };
  top(groups, 'self time by where the code lives', 40);
  top(self, 'self time by function', TOP);
  top(inclusive, 'inclusive time by function', TOP);
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
console.log(`load average (1 min) ${loadStart.toFixed(2)} at the start, ${loadEnd.toFixed(2)} at the end${flags['no-profile'] ? '' : `; sampling every ${flags.interval} µs`}`);
for (const name of NAMES) {
  const perThread = [...threads[name]].filter(([, used]) => used > 0).map(([thread, used]) => `${thread} ${((used / calls[name]) * 1e6).toFixed(0)}`).join(', ');
  console.log(
    `${name.padEnd(6)} ${(calls[name] / seconds[name]).toFixed(0)} calls/s; CPU µs per call (/proc): overall ${((cpu[name] / calls[name]) * 1e6).toFixed(0)}, median of rounds ${median(perRound[name]).toFixed(0)}; by thread: ${perThread}; this process (the trainer) ${((trainerCpu[name] / calls[name]) * 1e6).toFixed(0)}`,
  );
}
const pairedRatio = (name: Name, against: Name) => median(perRound[name].map((value, index) => value / (perRound[against][index] ?? Number.NaN)));
for (const [name, against] of (base === undefined ? [['server', 'direct'], ['bare', 'direct'], ['server', 'bare']] : [['server', 'direct'], ['bare', 'direct'], ['server', 'bare'], ['base', 'bare'], ['server', 'base']]) as Array<[Name, Name]>) {
  console.log(`CPU per call ${name} ÷ ${against}, median of per-round ratios: ${(pairedRatio(name, against) * 100).toFixed(1)} %`);
}
if (flags['trace-gc']) {
  for (const name of NAMES) {
    // --trace-gc-nvp lines: "pause=… gc=s|mc … promoted=… new_space_survived=…"
    const kinds = new Map<string, { count: number; pause: number; promoted: number; survived: number }>();
    for (const line of gcTraces[name].split('\n')) {
      const kind = /gc=(\w+)/.exec(line)?.[1];
      if (kind === undefined) continue;
      const field = (key: string) => Number(new RegExp(`\\b${key}=([\\d.]+)`).exec(line)?.[1] ?? 0);
      const entry = kinds.get(kind) ?? { count: 0, pause: 0, promoted: 0, survived: 0 };
      entry.count += 1;
      entry.pause += field('pause');
      entry.promoted += field('promoted');
      entry.survived += field('new_space_survived');
      kinds.set(kind, entry);
    }
    const described = [...kinds].map(
      ([kind, entry]) =>
        `${kind === 's' ? 'scavenges' : kind === 'mc' ? 'mark-compacts' : kind} ${String(entry.count)} (pauses ${entry.pause.toFixed(0)} ms, promoted ${(entry.promoted / 1e6).toFixed(1)} MB, survived in new space ${(entry.survived / 1e6).toFixed(1)} MB)`,
    );
    console.log(`${name} GCs over the whole run (warm-up included): ${described.join('; ')}`);
  }
}
if (!flags['no-profile']) for (const name of NAMES) summarise(name);
if (flags.keep === undefined) rmSync(profileDir, { recursive: true, force: true });
else {
  writeFileSync(join(profileDir, 'windows.json'), JSON.stringify({ windows, calls }));
  console.log(`\nprofiles (and windows.json: the measured rounds' spans) kept in ${profileDir}`);
}
