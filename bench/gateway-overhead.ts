/**
 * What `safemed serve` adds as a gateway, compared with the Portkey AI Gateway, in front of the same
 * instant scripted upstream (non-stream, tiny reply), all on loopback, each server in its own process:
 *   1. the upstream alone   2. safemed serve (openai: backend, guard off), audit off
 *   3. the same with the audit trail on (SQLite WAL, synchronous=FULL)   4. Portkey (x-portkey-provider: openai +
 *   x-portkey-custom-host → the upstream).
 * Also, as references, safemed's HTTP layer alone (same server, in-memory backend, no upstream hop) and a
 * minimal node:http JSON proxy (the floor any Node.js gateway pays for the extra hop on this machine).
 * Two measurements per row: autocannon (`--connections`, default 50; `--rounds` interleaved rounds of `--seconds`,
 * median reported: req/s, p50, p99 in whole ms) and a precise single-connection probe (`--probe` sequential
 * requests over one keep-alive socket timed with hrtime, in `--rounds` interleaved slices: p50/p99 in µs), from
 * which the added latency is taken.
 *
 * Rows 3-6 cross guard on/off with audit on/off; the last is the default configuration (audit durability
 * `full`: each response waits for its record's fsync). Row 7 is the default with `--audit-durability normal`
 * (each response waits for its record's write to the WAL, fsynced in the background once a second); row 8
 * the default with `--guard-thread main` (the guard's classifier in the server's thread, not its own).
 * The run prints the load average and the CPU steal time (a shared VM) before and after, and the
 * defaults' throughput as a share of the guard-off/audit-off row (before and after, with --before).
 *
 * Every safemed row runs the built CLI (`dist/cli/main.js`, what `npx safemed` runs; `npm run build` first)
 * at its default log level, one JSON log line per request written to a file in the run's temporary folder
 * (as a deployed server logs to a file or journald), not to a pipe read by this process.
 *
 * `--before <dir>` adds the guard-off/audit-off and default servers of another checkout (e.g.
 * `git worktree add /tmp/before <commit>`, then `npm run build` there), measured in the same run.
 *
 *   node --import tsx bench/gateway-overhead.ts [--seconds 4] [--rounds 3] [--connections 50] [--probe 2000] [--no-portkey] [--before <dir>]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const benchFolder = dirname(fileURLToPath(import.meta.url));
const MINIMAL_PROXY = 'reference: minimal node:http JSON proxy (parse, forward, parse, send; nothing else)';
const root = dirname(benchFolder);

async function runUpstreamRole(): Promise<void> {
  const { startScriptedUpstream } = await import('../test/support/scripted-upstream.js');
  const upstream = await startScriptedUpstream(() => ({ content: 'OK.', usage: { prompt_tokens: 9, completion_tokens: 2 } }));
  upstream.requests.push = () => 0; // do not keep every request body for the whole benchmark
  process.stdout.write(`listening on ${upstream.baseURL}\n`);
  process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
}

/**
 * The floor any Node.js gateway pays on this machine: a bare node:http proxy that parses the client's
 * JSON, forwards it over a keep-alive agent, parses the upstream's answer and sends it back. No
 * validation, guard, audit, logging or error handling: a reference row, not a product.
 */
async function runMinimalProxyRole(upstreamBase: string): Promise<void> {
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(`${upstreamBase}/chat/completions`);
  const server = http.createServer((incoming, outgoing) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const body = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
      const upstreamRequest = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () => {
            const text = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
            outgoing.end(text);
          });
        },
      );
      upstreamRequest.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
  });
}

/** safemed serve's HTTP layer alone: the same server with an in-memory backend that answers at once. */
async function runServeLayerRole(): Promise<void> {
  const { createSafemedServer } = await import('../src/serve/create-safemed-server.js');
  const { createLogger } = await import('../src/core/logger.js');
  const backend = {
    uri: 'instant:',
    modelId: 'instant',
    capabilities: { streaming: false, jsonSchema: false, seed: false, reasoningChannel: false },
    generate: () => Promise.resolve({ reasoning: '', text: 'OK.', finishReason: 'stop' as const, usage: { promptTokens: 9, completionTokens: 2, totalTokens: 11 }, verdicts: [] }),
    stream: () => {
      throw new Error('not used');
    },
    close: async () => {},
  };
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, logger: createLogger() });
  const { url } = await server.listen();
  process.stdout.write(`listening on ${url}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => { resolve(port); });
    });
  });
}

/**
 * Spawns a server process and resolves with its URL once `pattern` matches its output. With `logFile`,
 * its stderr goes to that file (as a deployed server's log would), not to a pipe this busy process must
 * drain: a full pipe makes every log write of the server wait for the benchmark.
 */
function startProcess(command: string[], pattern: RegExp, cwd = root, logFile?: string): Promise<{ child: ChildProcess; match: string }> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = command;
    if (program === undefined) {
      reject(new Error('startProcess: empty command'));
      return;
    }
    const logFd = logFile === undefined ? undefined : openSync(logFile, 'a');
    const child = spawn(program, args, { cwd, stdio: ['ignore', 'pipe', logFd ?? 'pipe'] });
    if (logFd !== undefined) closeSync(logFd);
    let output = '';
    const onData = (text: Buffer) => {
      output += text.toString();
      const found = pattern.exec(output)?.[1];
      if (found !== undefined) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ child, match: found });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      let log = '';
      try {
        if (logFile !== undefined) log = readFileSync(logFile, 'utf8');
      } catch {
        // the run's folder is gone (the process was stopped at the end): nothing to report
      }
      reject(new Error(`${command.join(' ')} exited (${code}) before it was ready:\n${(output + log).slice(-2000)}`));
    });
  });
}

/** The built CLI of a checkout: what a user runs (`npx safemed`), not the TypeScript sources under tsx. */
function builtCli(checkout: string): string {
  const cli = join(checkout, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} does not exist: this benchmark measures the built CLI. Run \`npm run build\` in ${checkout} first.`);
  return cli;
}

/** CPU time (user + system) a process has used so far, in microseconds (Linux /proc; 10 ms ticks). */
function processCpuMicros(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime in 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** Load average and the share of CPU time stolen by the hypervisor since `since` (Linux /proc). */
function machineState(since?: { steal: number; total: number }): { text: string; steal: number; total: number } {
  try {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((sum, value) => sum + value, 0);
    const steal = cpu[7] ?? 0;
    const share = since ? ` steal ${((100 * (steal - since.steal)) / Math.max(1, total - since.total)).toFixed(0)} % of CPU time during the run` : '';
    return { text: `load average ${load}${share}`, steal, total };
  } catch {
    return { text: 'load average unknown', steal: 0, total: 0 };
  }
}

/** `count` sequential requests over one keep-alive socket (after `warmUp` untimed ones); their latencies in microseconds. */
async function probe(url: string, headers: Record<string, string>, body: string, count: number, warmUp: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const timings: number[] = [];
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const call = request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          response.on('data', () => {});
          response.on('end', () => {
            if (response.statusCode !== 200) reject(new Error(`${url}: HTTP ${response.statusCode}`));
            timings.push(Number(process.hrtime.bigint() - started) / 1000);
            resolve();
          });
        },
      );
      call.on('error', reject);
      call.end(body);
    });
  for (let index = 0; index < warmUp; index += 1) await once();
  timings.length = 0;
  for (let index = 0; index < count; index += 1) await once();
  agent.destroy();
  return timings;
}

/** p50 / p99 of latencies in microseconds. */
function percentiles(timings: number[]): { p50: number; p99: number } {
  const sorted = [...timings].sort((left, right) => left - right);
  const at = (fraction: number) => sorted[Math.floor(sorted.length * fraction)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      upstream: { type: 'string' },
      seconds: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      probe: { type: 'string', default: '2000' },
      'no-portkey': { type: 'boolean', default: false },
      /** A checkout of an older commit (e.g. a git worktree): its guard-off/audit-off and default servers join the table. */
      before: { type: 'string' },
    },
  });
  if (values.role === 'upstream') return runUpstreamRole();
  if (values.role === 'serve-layer') return runServeLayerRole();
  if (values.role === 'minimal-proxy') return runMinimalProxyRole(values.upstream ?? '');
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const probeCount = Number(values.probe);
  const autocannonName = 'autocannon';
  const autocannonModule = (await import(autocannonName)) as { default?: Autocannon } & Autocannon;
  const autocannon = autocannonModule.default ?? autocannonModule;

  const node = process.execPath;
  const startState = machineState();
  const children: ChildProcess[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'safemed-gateway-bench-'));
  try {
    const upstream = await startProcess([node, '--import', 'tsx', join(benchFolder, 'gateway-overhead.ts'), '--role', 'upstream'], /listening on (\S+)/);
    children.push(upstream.child);
    const upstreamBase = upstream.match; // http://127.0.0.1:N/v1
    // Every safemed row is the built CLI at its default log level (one JSON line per request), its log in a file.
    const serveArgs = (extra: string[], checkout = root) => [node, builtCli(checkout), 'serve', '--model', `openai:${upstreamBase}`, '--port', '0', ...extra];
    const log = (name: string) => join(folder, `${name}.log`);
    const serveLayer = await startProcess([node, '--import', 'tsx', join(benchFolder, 'gateway-overhead.ts'), '--role', 'serve-layer'], /listening on (\S+)/);
    children.push(serveLayer.child);
    const minimalProxy = await startProcess([node, '--import', 'tsx', join(benchFolder, 'gateway-overhead.ts'), '--role', 'minimal-proxy', '--upstream', upstreamBase], /listening on (\S+)/);
    children.push(minimalProxy.child);
    const auditOff = await startProcess(serveArgs(['--guard', 'off', '--no-audit']), /listening on (\S+)/, root, log('bare'));
    children.push(auditOff.child);
    const auditOn = await startProcess(serveArgs(['--guard', 'off', '--audit-db', join(folder, 'audit.db')]), /listening on (\S+)/, root, log('audit-on'));
    children.push(auditOn.child);
    const guardOn = await startProcess(serveArgs(['--no-audit']), /listening on (\S+)/, root, log('guard-on'));
    children.push(guardOn.child);
    const defaults = await startProcess(serveArgs(['--audit-db', join(folder, 'audit-default.db')]), /listening on (\S+)/, root, log('defaults'));
    children.push(defaults.child);
    const defaultsNormal = await startProcess(serveArgs(['--audit-db', join(folder, 'audit-normal.db'), '--audit-durability', 'normal']), /listening on (\S+)/, root, log('defaults-normal'));
    children.push(defaultsNormal.child);
    const defaultsMain = await startProcess(serveArgs(['--audit-db', join(folder, 'audit-main.db'), '--guard-thread', 'main']), /listening on (\S+)/, root, log('defaults-guard-main'));
    children.push(defaultsMain.child);
    const beforeRows: Array<{ label: string; pid: number | undefined; url: string; headers: Record<string, string>; body: string }> = [];
    if (values.before) {
      const bare = await startProcess(serveArgs(['--guard', 'off', '--no-audit'], values.before), /listening on (\S+)/, values.before, log('before-bare'));
      children.push(bare.child);
      const full = await startProcess(serveArgs(['--audit-db', join(folder, 'audit-before.db')], values.before), /listening on (\S+)/, values.before, log('before-defaults'));
      children.push(full.child);
      const body = JSON.stringify({ model: 'safemed-r1', messages: [{ role: 'user', content: 'Is paracetamol safe with ibuprofen?' }] });
      beforeRows.push(
        { label: 'BEFORE: guard off, audit off', pid: bare.child.pid, url: `${bare.match}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body },
        { label: 'BEFORE: defaults (guard on, audit on)', pid: full.child.pid, url: `${full.match}/v1/chat/completions`, headers: { 'content-type': 'application/json' }, body },
      );
    }
    const portkeyPort = await freePort();
    const portkeyScript = join(benchFolder, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
    const portkey = values['no-portkey'] ? undefined : await startProcess([node, portkeyScript, `--port=${portkeyPort}`, '--headless'], /(\d+)/, benchFolder).catch((error: unknown) => {
      console.error(`Portkey gateway did not start: ${(error as Error).message}`);
      return undefined;
    });
    if (portkey) children.push(portkey.child);
    // Portkey logs its banner before it listens; wait until it answers.
    if (portkey) {
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const ok = await fetch(`http://127.0.0.1:${portkeyPort}/`).then(() => true, () => false);
        if (ok) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const messages = [{ role: 'user', content: 'Is paracetamol safe with ibuprofen?' }];
    const json = { 'content-type': 'application/json' };
    const rows = [
      { label: 'upstream alone', pid: upstream.child.pid, url: `${upstreamBase}/chat/completions`, headers: json, body: JSON.stringify({ model: 'scripted-model', messages }) },
      { label: MINIMAL_PROXY, pid: minimalProxy.child.pid, url: `${minimalProxy.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'scripted-model', messages }) },
      { label: 'safemed HTTP layer alone (in-memory instant backend, no upstream)', pid: serveLayer.child.pid, url: `${serveLayer.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve, guard off, audit off', pid: auditOff.child.pid, url: `${auditOff.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve, guard off, audit on', pid: auditOn.child.pid, url: `${auditOn.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve, guard on, audit off', pid: guardOn.child.pid, url: `${guardOn.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve defaults (guard on, audit on)', pid: defaults.child.pid, url: `${defaults.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve defaults + --audit-durability normal', pid: defaultsNormal.child.pid, url: `${defaultsNormal.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      { label: 'safemed serve defaults + --guard-thread main', pid: defaultsMain.child.pid, url: `${defaultsMain.match}/v1/chat/completions`, headers: json, body: JSON.stringify({ model: 'safemed-r1', messages }) },
      ...beforeRows,
      ...(portkey
        ? [
            {
              label: 'Portkey gateway 1.15.2',
              pid: portkey.child.pid,
              url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
              headers: { ...json, authorization: 'Bearer unused', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamBase },
              body: JSON.stringify({ model: 'scripted-model', messages }),
            },
          ]
        : []),
    ];
    const run = (row: (typeof rows)[number], duration: number) =>
      autocannon({ url: row.url, method: 'POST', headers: row.headers, body: row.body, connections, duration });

    // Check every row answers 200 before measuring.
    for (const row of rows) {
      const response = await fetch(row.url, { method: 'POST', headers: row.headers, body: row.body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${row.label}: HTTP ${response.status} ${text.slice(0, 300)}`);
    }
    /** One configuration: its single-connection probe, its load samples and its server's CPU time under load. */
    interface Measured {
      row: (typeof rows)[number];
      single: { p50: number; p99: number };
      samples: AutocannonResult[];
      cpuMicros: number;
      requests: number;
    }
    const measured: Measured[] = [];
    // The single-connection probe in `rounds` interleaved slices per row, so a change of machine load
    // during the run moves every row alike.
    const timings = rows.map((): number[] => []);
    const slice = Math.ceil(probeCount / rounds);
    for (let round = 0; round < rounds; round += 1) {
      for (const [index, row] of rows.entries()) timings[index]?.push(...(await probe(row.url, row.headers, row.body, slice, round === 0 ? Math.min(200, probeCount) : 20)));
    }
    for (const [index, row] of rows.entries()) measured.push({ row, single: percentiles(timings[index] ?? []), samples: [], cpuMicros: 0, requests: 0 });
    for (const row of rows) await run(row, 1); // warm-up
    for (let round = 0; round < rounds; round += 1) {
      for (const entry of measured) {
        const before = processCpuMicros(entry.row.pid);
        const result = await run(entry.row, seconds);
        entry.cpuMicros += processCpuMicros(entry.row.pid) - before;
        entry.requests += result.requests.total;
        entry.samples.push(result);
      }
    }
    const median = (numbers: number[]) => [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)] ?? Number.NaN;
    const [first] = measured;
    if (first === undefined) throw new Error('no configuration to measure');
    console.log(`gateway overhead: POST /v1/chat/completions, non-stream, instant scripted upstream, loopback, 2 cores shared by client and servers`);
    console.log(`machine: at start ${startState.text}; at end ${machineState(startState).text}`);
    console.log(`single connection: ${probeCount} sequential requests per row in ${rounds} interleaved slices (µs); load: autocannon ${connections} connections, median of ${rounds} x ${seconds} s (ms)`);
    console.log('server CPU/request = CPU time of that server process (upstream not included) / requests served under load');
    console.log('| configuration | 1-conn p50 µs | 1-conn p99 µs | added p50 µs | added p99 µs | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms | server CPU µs/req | errors |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const base = { p50: median(first.samples.map((sample) => sample.latency.p50)), p99: median(first.samples.map((sample) => sample.latency.p99)) };
    for (const [index, { row, single, samples: list, cpuMicros, requests }] of measured.entries()) {
      const p50 = median(list.map((sample) => sample.latency.p50));
      const p99 = median(list.map((sample) => sample.latency.p99));
      const rps = median(list.map((sample) => sample.requests.average));
      const errors = list.reduce((sum, sample) => sum + sample.errors + sample.timeouts + sample.non2xx, 0);
      const added = index === 0 ? ['-', '-'] : [(single.p50 - first.single.p50).toFixed(0), (single.p99 - first.single.p99).toFixed(0)];
      const addedLoad = index === 0 ? ['-', '-'] : [(p50 - base.p50).toFixed(0), (p99 - base.p99).toFixed(0)];
      console.log(
        `| ${row.label} | ${single.p50.toFixed(0)} | ${single.p99.toFixed(0)} | ${added[0]} | ${added[1]} | ${rps.toFixed(0)} | ${p50.toFixed(0)} | ${p99.toFixed(0)} | ${addedLoad[0]} | ${addedLoad[1]} | ${(cpuMicros / requests).toFixed(0)} | ${errors} |`,
      );
    }
    // The issue 8 target: defaults >= 70 % of the guard-off/audit-off throughput, <= 0.5 ms added p50 at one connection.
    const rpsOf = (label: string) => {
      const entry = measured.find((item) => item.row.label === label);
      return entry ? median(entry.samples.map((sample) => sample.requests.average)) : Number.NaN;
    };
    const share = (top: string, bottom: string) => `${((100 * rpsOf(top)) / rpsOf(bottom)).toFixed(0)} %`;
    const bare = 'safemed serve, guard off, audit off';
    console.log(`defaults / guard-off-audit-off req/s: ${share('safemed serve defaults (guard on, audit on)', bare)}; with --audit-durability normal: ${share('safemed serve defaults + --audit-durability normal', bare)}`);
    // What safemed adds beyond the floor a bare Node.js proxy pays on this machine (1 connection, p50).
    const singleOf = (label: string) => measured.find((item) => item.row.label === label)?.single.p50 ?? Number.NaN;
    const overFloor = (label: string) => `${(singleOf(label) - singleOf(MINIMAL_PROXY)).toFixed(0)} µs`;
    console.log(`1-conn p50 added by the minimal proxy itself: ${(singleOf(MINIMAL_PROXY) - first.single.p50).toFixed(0)} µs; beyond it: bare ${overFloor(bare)}, defaults ${overFloor('safemed serve defaults (guard on, audit on)')}, defaults + normal ${overFloor('safemed serve defaults + --audit-durability normal')}`);
    if (values.before) console.log(`BEFORE defaults / BEFORE guard-off-audit-off req/s: ${share('BEFORE: defaults (guard on, audit on)', 'BEFORE: guard off, audit off')}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
