/**
 * Reads a safety specification folder (spec.yaml and the YAML files it names) and validates it with
 * zod (safety-spec-schema.ts). load-safety-spec.ts imports this module only when a specification has
 * to be read: always from source, in a build only without a fresh JSON snapshot.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, describeError } from '../core/errors.js';
import { resolvePackagePath } from '../core/package-paths.js';
import { deepFreeze } from './deep-freeze.js';
import { parseYaml } from './define-data-file.js';
import { safetySpecSchemas, type SafetySpec } from './safety-spec-schema.js';

export interface LoadSafetySpecOptions {
  /** Folder holding spec.yaml and the files it names (default: the package's src/spec/data). */
  folder?: string;
}

function readYaml(path: string): Record<string, unknown> {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the safety specification file ${path}: ${describeError(error)}.`, {
      cause: error,
      fix: 'Reinstall safemed, or point the spec folder at a copy of src/spec/data.',
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(source);
  } catch (error) {
    throw new ConfigError(`The safety specification file ${path} is not valid YAML: ${describeError(error)}.`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`The safety specification file ${path} must hold a YAML mapping.`);
  }
  return parsed as Record<string, unknown>;
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
}

/** Reads and validates a specification folder, without caching (tests, `spec` tooling). */
export function readSafetySpec(options: LoadSafetySpecOptions = {}): SafetySpec {
  const folder = options.folder ?? resolvePackagePath('src', 'spec', 'data');
  const at = (name: string) => `${folder}/${name}`;
  const { safetySpecIndexSchema, safetySpecSchema } = safetySpecSchemas();
  const index = safetySpecIndexSchema.safeParse(readYaml(at('spec.yaml')));
  if (!index.success) {
    const issue = index.error.issues[0];
    throw new ConfigError(`Invalid safety specification index ${at('spec.yaml')}: ${issue ? describeIssue(issue) : 'invalid'}.`);
  }
  const { files, ...header } = index.data;
  const merged: Record<string, unknown> = { ...header };
  for (const [key, file] of Object.entries(files)) {
    const content = readYaml(at(file));
    if (!(key in content)) {
      throw new ConfigError(`The safety specification file ${at(file)} must have a top-level "${key}" key.`);
    }
    merged[key] = content[key];
  }
  const parsed = safetySpecSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map(describeIssue).join('; ');
    throw new ConfigError(`Invalid safety specification in ${folder}: ${issues}.`, {
      fix: 'Fix the YAML under src/spec/data (see docs/safety-spec.md) and bump its version.',
    });
  }
  return deepFreeze(parsed.data);
}
