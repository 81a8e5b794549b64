/** The Python trainer integration a GRPO recipe ships next to its scripts (integrations/, standard library only). */
import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '../../core/package-paths.js';
import type { RecipeFile } from '../recipe-types.js';

export function integrationFile(source: string, target: string): RecipeFile {
  return { path: target, content: readFileSync(resolvePackagePath('integrations', source), 'utf8') };
}
