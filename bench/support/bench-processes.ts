/**
 * What the reward benchmarks (reward-throughput.ts, reward-serve-profile.ts) share about their child
 * processes and their timed rounds: reading a child's address from its stdout, CPU time from /proc
 * (Linux; 10 ms ticks), this process's CPU time, a balanced contestant order and a quiet start.
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Waits for the first stdout text of `child` matching `pattern` and returns its first group (the
 * child's address); rejects, naming `what`, if the child exits first. The stream keeps flowing after.
 */
export function waitForAddress(child: { stdout: Readable; once(event: 'exit', listener: (code: number | null) => void): unknown }, pattern: RegExp, what: string): Promise<string> {
  let seen = '';
  return new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match?.[1] !== undefined) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`${what} exited (${String(code)}) before it printed its address: ${seen}`));
    });
  });
}

/** CPU seconds (user + system) in a /proc `stat` line: utime and stime, fields 14 and 15. */
export function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds a child process has used so far, from /proc; NaN when it cannot be read. */
export function childCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    return statCpuSeconds(readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) of this process since `since`. */
export function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/**
 * The contestants' order in each round: a Williams design (for six, six orders: each contestant runs
 * once in each position and follows each other contestant exactly once), so what one contestant
 * leaves behind (garbage its process collects later, a socket pool, cache lines) lands on every other
 * alike. A fixed rotation put the same contestant after the same one every round: the server round
 * always came right after the prerendered one, and this process was still collecting the prerendered
 * round's garbage while the trainer waited for /get_reward.
 */
export function balancedOrders(count: number): number[][] {
  const first = Array.from({ length: count }, (_, step) => (step === 0 ? 0 : step % 2 === 1 ? (step + 1) / 2 : count - step / 2));
  return Array.from({ length: count }, (_, shift) => first.map((index) => (index + shift) % count)).flatMap((order) => (count % 2 === 1 ? [order, [...order].reverse()] : [order]));
}

let collectGarbage: (() => void) | undefined;

/**
 * Before each timed round: this process collects its garbage now (a full GC; this process hosts the
 * in-process contestants, whose garbage would otherwise be collected — on the machine's two cores —
 * during whichever round comes next), then waits until it is quiet (under 0.5 ms of CPU in 10 ms: the
 * GC's background sweeping is done; at most 300 ms). Every contestant gets the same; the child processes
 * are not touched, so the reward server, the bare hop and the direct client still pay for their own
 * garbage in their own rounds.
 */
export async function settle(): Promise<void> {
  if (!collectGarbage) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
  for (let waited = 0; waited < 300; waited += 10) {
    const before = process.cpuUsage();
    await sleep(10);
    if (cpuSeconds(before) < 0.0005) return;
  }
}
