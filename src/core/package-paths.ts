import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root folder, computed from where this file lives (no file system access:
 * src/core holds no I/O). This file is `<root>/src/core/package-paths.ts` when run from source (tsx)
 * and `<root>/dist/core/package-paths.js` when built, two folders below the root either way, so data
 * shipped in the package (`src/spec/data`, `assets/`, `data/`) is found from both.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** A path inside the package, e.g. `resolvePackagePath('assets', 'guard', 'weights.json')`. */
export function resolvePackagePath(...segments: string[]): string {
  return join(packageRoot(), ...segments);
}
