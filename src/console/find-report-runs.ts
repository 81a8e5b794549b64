/**
 * Eval and red-team run folders under the configured runs folder (`--console-runs`): any folder (up to
 * three levels down) with a summary.json written by `safemed eval run` / `eval compare` or
 * `safemed redteam run`. The id of a run is its path relative to the runs folder; only listed ids are
 * ever read, so a request cannot name a file outside the folder.
 * The walk is asynchronous and bounded (MAX_FOLDERS folders, summaries of at most MAX_SUMMARY_BYTES): it
 * ran on the event loop for every reports request, and `--console-runs /` (11,000 folders three levels
 * down) held every client 120-310 ms per request (probing round 5).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface ReportRun {
  id: string;
  kind: 'eval' | 'redteam';
  /** The model (eval) or the target (red team). */
  name: string;
  created: string | null;
  complete: boolean | null;
  directory: string;
}

const MAX_DEPTH = 3;
/** Folders looked at per walk: a runs folder holds tens of runs, not thousands of folders. */
export const MAX_FOLDERS = 2000;
/** Largest summary.json read (a run's summary is a few KB). */
const MAX_SUMMARY_BYTES = 16 * 1024 * 1024;

async function classify(directory: string, root: string): Promise<ReportRun | undefined> {
  const file = join(directory, 'summary.json');
  let value: Record<string, unknown>;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_SUMMARY_BYTES) return undefined;
    value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const id = relative(root, directory).split(sep).join('/') || '.';
  const complete = typeof value.complete === 'boolean' ? value.complete : null;
  if (typeof value.model === 'string' && typeof value.benchmarks === 'object' && value.benchmarks !== null) {
    return { id, kind: 'eval', name: value.model, created: typeof value.created_at === 'string' ? value.created_at : null, complete, directory };
  }
  if (typeof value.overall === 'object' && typeof value.by_strategy === 'object') {
    return { id, kind: 'redteam', name: typeof value.target === 'string' ? value.target : id, created: typeof value.created === 'string' ? value.created : null, complete, directory };
  }
  return undefined;
}

export async function findReportRuns(root: string): Promise<ReportRun[]> {
  const runs: ReportRun[] = [];
  let folders = 0;
  const visit = async (directory: string, depth: number): Promise<void> => {
    folders += 1;
    const run = await classify(directory, root);
    if (run) runs.push(run);
    if (depth >= MAX_DEPTH) return;
    let names: string[];
    try {
      names = (await readdir(directory)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (folders >= MAX_FOLDERS) return;
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(directory, name);
      try {
        if ((await stat(path)).isDirectory()) await visit(path, depth + 1);
      } catch {
        // a folder removed while listing: skipped
      }
    }
  };
  await visit(root, 0);
  return runs;
}
