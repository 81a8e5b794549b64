/** The repository's data/guard/ folder (training time; resolved from this file, not the working directory). */
import { fileURLToPath } from 'node:url';

export function guardDataPath(...segments: string[]): string {
  return fileURLToPath(new URL(['../../data/guard', ...segments].join('/'), import.meta.url));
}
