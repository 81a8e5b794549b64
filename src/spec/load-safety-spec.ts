/**
 * The SafeMed safety specification (the YAML files in src/spec/data/, shipped in the package, found
 * from src and dist alike), read and validated once (read-safety-spec.ts) and cached. A build loads
 * the validated JSON snapshot instead while the YAML is unchanged (define-data-file.ts); then neither
 * the reader nor zod is loaded.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolvePackagePath } from '../core/package-paths.js';
import { deepFreeze } from './deep-freeze.js';
import { defineLazyDataFile, moduleFile } from './define-data-file.js';
import type { SafetySpec } from './safety-spec-schema.js';

const packageSpecFolder = () => resolvePackagePath('src', 'spec', 'data');

const packageSpec = await defineLazyDataFile<SafetySpec>({
  id: 'safety-spec',
  sources: () => [
    ...readdirSync(packageSpecFolder())
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => `${packageSpecFolder()}/${name}`),
    fileURLToPath(import.meta.url),
    moduleFile(import.meta.url, './read-safety-spec'),
    moduleFile(import.meta.url, './safety-spec-schema'),
    moduleFile(import.meta.url, './safety-spec-ids'),
  ],
  importRead: async () => {
    const { readSafetySpec } = await import('./read-safety-spec.js');
    return () => readSafetySpec({ folder: packageSpecFolder() });
  },
  revive: (json) => deepFreeze(json as SafetySpec),
});

/** The package's safety specification, read and validated on first use (or its build snapshot), then cached. */
export function loadSafetySpec(): SafetySpec {
  return packageSpec.load();
}
