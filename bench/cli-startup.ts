/**
 * CLI start-up time, before and after, side by side: each git ref is exported (`git archive`) into a
 * temporary folder, built with the project's TypeScript (`tsconfig.build.json`, node_modules linked
 * from this checkout; plus its data snapshots, scripts/build-data-snapshots.mjs, and its bundled
 * start-up dependencies, scripts/bundle-dist-dependencies.mjs, and the bundled CLI entry, scripts/bundle-cli.mjs,
 * where the ref has them), and `node dist/cli/main.js <command>` is timed N times per command (wall clock,
 * spawn to exit, alternating between the two builds so machine load hits both alike).
 *
 *   node --import tsx bench/cli-startup.ts [--before <ref>] [--after <ref>] [--runs 15]
 *
 * Defaults: --before a8d488e (before the CLI loaded its commands lazily), --after HEAD; `worktree`
 * stands for the checkout as it is, uncommitted changes included.
 * Prints min / median / max in ms per command and build, and the target (300 ms).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildRef } from './support/build-ref.js';
import { parseBenchArgs, positiveWholeNumber } from './support/parse-bench-args.js';

const USAGE = 'usage: node --import tsx bench/cli-startup.ts [--before <ref>] [--after <ref>|worktree] [--runs 15]';
const values = parseBenchArgs(
  {
    before: { type: 'string', default: 'a8d488e' },
    after: { type: 'string', default: 'HEAD' },
    runs: { type: 'string', default: '15' },
  },
  USAGE,
);
const runs = positiveWholeNumber('--runs', values.runs, USAGE);
const repository = resolve(import.meta.dirname, '..');
const commands: string[][] = [['--help'], ['guard', 'check', 'hi'], ['model', 'info', '--help']];
const TARGET_MS = 300;

/** Prints the child's own CPU time (user + system, ms) to stderr as it exits. */
const CPU_PROBE = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-ms '+((u.user+u.system)/1000).toFixed(1)+'\\n')})`;

/** Wall time from spawn to exit, and the CPU time the process itself used (steadier on a busy machine). */
function timeOnce(folder: string, args: string[]): { wall: number; cpu: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', CPU_PROBE, join(folder, 'dist/cli/main.js'), ...args], { cwd: folder, env: { ...process.env, NO_COLOR: '1' } });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`safemed ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  const cpu = Number(/cpu-ms ([\d.]+)/.exec(result.stderr.toString())?.[1] ?? Number.NaN);
  return { wall, cpu };
}

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((left, right) => left - right);
  return { min: sorted[0] ?? NaN, median: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted.at(-1) ?? NaN };
};

const builds = [
  { label: `before (${values.before})`, folder: buildRef(repository, values.before, 'safemed-startup-') },
  { label: `after (${values.after})`, folder: buildRef(repository, values.after, 'safemed-startup-') },
];
try {
  console.log(`safemed CLI start-up, ${runs} runs per command and build, node ${process.version}`);
  console.log('wall ms min / median / max (spawn to exit), then the median CPU ms of the process itself');
  console.log(`| command | ${builds.map((entry) => `${entry.label} wall | CPU`).join(' | ')} |`);
  console.log(`|---|${builds.map(() => '---:|---:').join('|')}|`);
  for (const args of commands) {
    const samples = builds.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
    for (const entry of builds) timeOnce(entry.folder, args); // warm the file cache
    for (let index = 0; index < runs; index += 1) {
      builds.forEach((entry, which) => {
        const { wall, cpu } = timeOnce(entry.folder, args);
        samples[which]?.wall.push(wall);
        samples[which]?.cpu.push(cpu);
      });
    }
    const cells = samples.map(({ wall, cpu }) => {
      const { min, median, max } = stats(wall);
      return `${min.toFixed(0)} / **${median.toFixed(0)}** / ${max.toFixed(0)} | ${stats(cpu).median.toFixed(0)}`;
    });
    console.log(`| \`safemed ${args.join(' ')}\` | ${cells.join(' | ')} |`);
  }
  console.log(`target: ≤ ${TARGET_MS} ms wall (median). Load average now: ${(await import('node:os')).loadavg().map((value) => value.toFixed(2)).join(' ')}`);
} finally {
  for (const entry of builds) rmSync(entry.folder, { recursive: true, force: true });
}
