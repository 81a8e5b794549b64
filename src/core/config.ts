import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Describes one setting: its config-file key, its CLI flag and its environment variable.
 * `resolveSettings` merges them in the order flag > env > file > default and validates the
 * result with zod once, naming the flag and env var in every message.
 */
export interface SettingSource {
  /** Key in the YAML config file (camelCase). */
  key: string;
  /** CLI flag, e.g. `--port`. */
  flag: string;
  /** Environment variable, e.g. `SAFEMED_PORT`. */
  env: string;
  /**
   * The variable set but empty counts as an empty value (validated like one), not as unset. For settings
   * whose absence weakens security (the API key: an empty `SAFEMED_API_KEY=` from a missing secret gave an
   * open server).
   */
  emptyEnvIsAValue?: boolean;
}

export interface ResolveSettingsInput {
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  file: Record<string, unknown>;
  /** Name of the config file, for messages. */
  fileName?: string;
}

export function resolveSettings<Schema extends z.ZodObject<z.ZodRawShape>>(
  schema: Schema,
  sources: SettingSource[],
  input: ResolveSettingsInput,
): z.infer<Schema> {
  const known = new Set(sources.map((source) => source.key));
  for (const key of Object.keys(input.file)) {
    if (!known.has(key)) {
      throw new ConfigError(`Unknown key "${key}" in ${input.fileName ?? 'the config file'}.`, {
        key,
        fix: `Known keys: ${[...known].sort().join(', ')}.`,
      });
    }
  }
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const source of sources) {
    const fromFlag = input.flags[source.key];
    const fromEnv = input.env[source.env];
    const fromFile = input.file[source.key];
    if (fromFlag !== undefined) {
      merged[source.key] = fromFlag;
      origin.set(source.key, source.flag);
    } else if (fromEnv !== undefined && (fromEnv !== '' || source.emptyEnvIsAValue === true)) {
      merged[source.key] = fromEnv;
      origin.set(source.key, `$${source.env}`);
    } else if (fromFile !== undefined) {
      merged[source.key] = fromFile;
      origin.set(source.key, `"${source.key}" in ${input.fileName ?? 'the config file'}`);
    }
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const source = sources.find((candidate) => candidate.key === key);
    const where = origin.get(key) ?? (source ? `${source.flag} / $${source.env}` : key);
    throw new ConfigError(`Invalid setting ${where}: ${describeIssue(issue, merged[key])}.`, {
      key,
      fix: source ? `Set it with ${source.flag}, $${source.env} or "${source.key}" in the config file.` : undefined,
    });
  }
  return parsed.data;
}

/**
 * zod's message in a user's words: a value that is not a number says so with the value ("\"two\" is not
 * a number"), never "expected number, received NaN".
 */
function describeIssue(issue: z.core.$ZodIssue | undefined, value: unknown): string {
  if (!issue) return 'invalid value';
  if (issue.code === 'invalid_type' && issue.expected === 'number') {
    return `${JSON.stringify(typeof value === 'string' ? value : String(value))} is not a number`;
  }
  return issue.message;
}
