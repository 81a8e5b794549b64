/** The lines of one of the guard's data files in src/spec/data/, or a ConfigError naming the file and the fix. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { resolvePackagePath } from '../../core/package-paths.js';

/** `what` names the file in the error ("emoji word table"). */
export function readSpecDataLines(fileName: string, what: string): string[] {
  const path = resolvePackagePath('src', 'spec', 'data', fileName);
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's ${what} ${path}`, { cause: error, fix: `Restore src/spec/data/${fileName} from git.` });
  }
}
