import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(command: string, args: string[], cwd: string, input?: Buffer): Buffer {
  const result = spawnSync(command, args, { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(result.status)}): ${result.stderr.toString()}`);
  return result.stdout;
}

/**
 * Exports git `ref` of `repository` (or, for `worktree`, the checkout as it is now, uncommitted changes
 * included) into a temporary folder and builds it: TypeScript (`tsconfig.build.json`, node_modules linked
 * from the checkout), then the data snapshots, bundled start-up dependencies and bundled CLI entry, in refs
 * that have those steps. Returns the folder (its dist/ is the build).
 */
export function buildRef(repository: string, ref: string, prefix = 'safemed-build-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const archive =
    ref === 'worktree'
      ? run('bash', ['-c', 'git ls-files -z -co --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null'], repository)
      : run('git', ['archive', '--format=tar', ref], repository);
  run('tar', ['-x', '-C', folder], folder, archive);
  symlinkSync(join(repository, 'node_modules'), join(folder, 'node_modules'), 'dir');
  // tsc emits even when another part of the tree has type errors; only dist/ matters here.
  spawnSync(process.execPath, [join(repository, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: folder });
  if (existsSync(join(folder, 'scripts', 'build-data-snapshots.mjs'))) run(process.execPath, ['scripts/build-data-snapshots.mjs'], folder);
  if (existsSync(join(folder, 'scripts', 'bundle-dist-dependencies.mjs'))) run(process.execPath, ['scripts/bundle-dist-dependencies.mjs'], folder);
  if (existsSync(join(folder, 'scripts', 'bundle-cli.mjs'))) run(process.execPath, ['scripts/bundle-cli.mjs'], folder);
  return folder;
}
