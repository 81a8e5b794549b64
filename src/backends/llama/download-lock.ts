/**
 * One download of a model file at a time. Two processes pulling the same `hf:` model into one cache (two
 * `serve` replicas on a shared volume starting together, `model pull` run twice) both wrote the same
 * `.partial` file — the second truncated what the first had written — and the slower one ended with
 * "unexpected error: ENOENT … rename" (probing round 6); the faster one could hand llama.cpp a file the
 * other was still rewriting. Now the first takes `<file>.lock` (created exclusively, holding
 * `<host>:<pid>`), the others wait for the file to appear. A lock is stale — taken over — when its process
 * is gone (same host), or when neither it nor the `.partial` file changed for STALE_LOCK_MS (another host,
 * a hung download).
 */
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { mkdir, open, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { abortableSleep } from '../../core/abortable-sleep.js';
import { ConfigError } from '../../core/errors.js';

/** A download that neither wrote a byte nor touched its lock for this long is taken as abandoned. */
export const STALE_LOCK_MS = 120_000;
const POLL_MS = 250;

export interface DownloadLock {
  release(): Promise<void>;
}

export interface AcquireDownloadLockOptions {
  signal?: AbortSignal | undefined;
  /** Called once when another process holds the lock (e.g. to log that this one waits). */
  onWait?: (holder: string) => void;
  staleMs?: number;
}

const owner = () => `${hostname()}:${process.pid}`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function modifiedAt(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

async function isStale(lock: string, partial: string, holder: string, staleMs: number): Promise<boolean> {
  const [host, pid] = holder.split(':');
  if (host === hostname() && Number.isSafeInteger(Number(pid)) && !isAlive(Number(pid))) return true;
  const latest = Math.max(await modifiedAt(lock), await modifiedAt(partial));
  return latest > 0 && Date.now() - latest > staleMs;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Removes `folder` and its parents up to `top` (the first folder mkdir created) while they are empty. */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let current = folder; ; current = dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (another download, another file): kept
    }
    if (current === top || dirname(current) === current) return;
  }
}

/**
 * Takes the download lock of `destination`, waiting while another live process holds it. Resolves with
 * the lock, or with undefined when the file appeared meanwhile (another process downloaded it).
 */
export async function acquireDownloadLock(destination: string, options: AcquireDownloadLockOptions = {}): Promise<DownloadLock | undefined> {
  const lock = `${destination}.lock`;
  const partial = `${destination}.partial`;
  const me = owner();
  let created: string | undefined;
  try {
    created = await mkdir(dirname(destination), { recursive: true });
  } catch (error) {
    throw new ConfigError(`Cannot write the download to ${partial} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
      key: 'cacheDir',
      cause: error,
      fix: 'Free disk space, or point --cache-dir / $SAFEMED_CACHE_DIR at a folder you can write to.',
    });
  }
  let waited = false;
  for (;;) {
    try {
      const file = await open(lock, 'wx');
      try {
        await file.writeFile(me);
      } finally {
        await file.close();
      }
      return {
        release: async () => {
          // only our own lock: a stale-taken one belongs to someone else now
          const holder = await readFile(lock, 'utf8').catch(() => '');
          if (holder === me) await rm(lock, { force: true });
          // a failed download (offline) leaves no empty folders of ours in the cache
          if (created !== undefined && !(await fileExists(destination))) await removeEmptyFolders(dirname(destination), created);
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // a failed download elsewhere removed the (empty) folder meanwhile
        await mkdir(dirname(destination), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
    }
    if (await fileExists(destination)) return undefined;
    const holder = await readFile(lock, 'utf8').catch(() => '');
    if (await isStale(lock, partial, holder, options.staleMs ?? STALE_LOCK_MS)) {
      await rm(lock, { force: true });
      continue;
    }
    if (!waited) {
      waited = true;
      options.onWait?.(holder);
    }
    await abortableSleep(POLL_MS, options.signal);
  }
}
