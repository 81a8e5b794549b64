/**
 * Eval and red-team run folders under the configured runs folder (`--console-runs`): any folder (up to
 * three levels down) with a summary.json written by `safemed eval run` / `eval compare` or
 * `safemed redteam run`. The id of a run is its path relative to the runs folder; only listed ids are
 * ever read, so a request cannot name a file outside the folder.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
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

function classify(directory: string, root: string): ReportRun | undefined {
  const file = join(directory, 'summary.json');
  if (!existsSync(file)) return undefined;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
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

export function findReportRuns(root: string): ReportRun[] {
  const runs: ReportRun[] = [];
  const visit = (directory: string, depth: number) => {
    const run = classify(directory, root);
    if (run) runs.push(run);
    if (depth >= MAX_DEPTH) return;
    let names: string[];
    try {
      names = readdirSync(directory).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(directory, name);
      try {
        if (statSync(path).isDirectory()) visit(path, depth + 1);
      } catch {
        // a folder removed while listing: skipped
      }
    }
  };
  if (existsSync(root)) visit(root, 0);
  return runs;
}
