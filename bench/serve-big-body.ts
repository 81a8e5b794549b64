/**
 * One huge request must not stall other clients (issue 8, item 1): `/health` latency while 1 MB bodies
 * of several shapes (test/serve/big-body-shapes.ts) go through `safemed serve` (own process, instant scripted upstream, audit trail on
 * with PHI redaction in the audit worker). Rows: guard off and guard on (the default).
 *
 *   node --import tsx bench/serve-big-body.ts [--rounds 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bigBodyShapes } from '../test/serve/big-body-shapes.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (text: Buffer) => {
      output += text.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.stderr.resume();
    child.once('exit', (code) => { reject(new Error(`serve exited (${code}): ${output}`)); });
  });
}

async function measure(url: string): Promise<Array<{ shape: string; status: number; ms: number; healthMax: number; healthP99: number; polls: number }>> {
  const rows = [];
  for (const { name: shape, messages } of bigBodyShapes()) {
    const body = JSON.stringify({ model: 'safemed-r1', messages });
    const latencies: number[] = [];
    const started = performance.now();
    const state = { done: false };
    const big = fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (response) => {
      await response.text();
      state.done = true;
      return response.status;
    });
    while (!state.done) {
      const t0 = performance.now();
      const health = await fetch(`${url}/health`);
      await health.arrayBuffer();
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const status = await big;
    latencies.sort((a, b) => a - b);
    rows.push({
      shape,
      status,
      ms: performance.now() - started,
      healthMax: latencies.at(-1) ?? 0,
      healthP99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      polls: latencies.length,
    });
  }
  return rows;
}

// The upstream runs in its own process (gateway-overhead's upstream role), so this process only polls.
const upstreamProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'gateway-overhead.ts'), '--role', 'upstream'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const upstream = {
  baseURL: await new Promise<string>((resolve) => {
    let output = '';
    upstreamProcess.stdout.on('data', (text: Buffer) => {
      output += text.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  }),
};
const folder = mkdtempSync(join(tmpdir(), 'safemed-big-body-'));
const children: ChildProcess[] = [];
try {
  console.log('| configuration | body (1 MB) | status | request ms | /health polls | /health p99 ms | /health max ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [label, extra] of [
    ['guard off, audit on', ['--guard', 'off']],
    ['defaults (guard on, audit on)', []],
  ] as const) {
    const serve = await startServe(['--model', `openai:${upstream.baseURL}`, '--port', '0', '--audit-db', join(folder, `${label.length}.db`), '--log-level', 'warn', '--body-limit', '2mb', '--console', 'off', ...extra]);
    children.push(serve.child);
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const row of await measure(serve.url)) {
        console.log(`| ${label} | ${row.shape} | ${row.status} | ${row.ms.toFixed(0)} | ${row.polls} | ${row.healthP99.toFixed(1)} | ${row.healthMax.toFixed(1)} |`);
      }
    }
  }
} finally {
  // SIGKILL: a server stuck in a synchronous loop would never see SIGTERM.
  for (const child of children) child.kill('SIGKILL');
  upstreamProcess.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
}
