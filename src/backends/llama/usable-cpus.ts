/**
 * The CPUs llama.cpp may keep busy: the CPUs this process may run on (os.availableParallelism(), which
 * follows the affinity mask), and no more than a container's CPU quota. `docker run --cpus 2` on a 64-core
 * host left availableParallelism() at 64: the default of one llama.cpp thread per CPU started 64 threads on
 * 2 CPUs' worth of time, and the 2-core measurements in docs/backends.md show what oversubscription costs
 * (100 tokens: 44 ms with 1 thread, 1,352 ms with 2 on a busy machine) (probing round 6).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

type ReadText = (path: string) => string;

const readText: ReadText = (path) => readFileSync(path, 'utf8');

/** The CPU quota of this process's cgroup in whole CPUs (rounded up), or undefined when there is none. */
export function cgroupCpuQuota(read: ReadText = readText): number | undefined {
  const tryRead = (path: string) => {
    try {
      return read(path).trim();
    } catch {
      return undefined;
    }
  };
  // cgroup v2: "<quota> <period>" or "max <period>"
  const v2 = tryRead('/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/u);
    return toCpus(Number(quota), Number(period));
  }
  // cgroup v1: quota -1 = none
  const quota = tryRead('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ?? tryRead('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us');
  const period = tryRead('/sys/fs/cgroup/cpu/cpu.cfs_period_us') ?? tryRead('/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us');
  if (quota === undefined || period === undefined) return undefined;
  return toCpus(Number(quota), Number(period));
}

function toCpus(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return Math.max(1, Math.ceil(quota / period));
}

/** CPUs llama.cpp threads may use: the affinity mask's count, capped by the cgroup quota. */
export function usableCpus(read: ReadText = readText, parallelism: number = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? parallelism : Math.min(parallelism, quota);
}
