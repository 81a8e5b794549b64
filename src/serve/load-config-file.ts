import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.js';

/** Largest config file read: a settings file is a few hundred bytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * The file's text, at most MAX_CONFIG_FILE_BYTES. `--config /dev/zero` (or any device) read until memory
 * ran out, and a mistyped multi-GB file likewise; a pipe (`--config <(…)`) is still read to its end.
 */
function readConfigText(path: string): string {
  const file = openSync(path, 'r');
  try {
    const stats = fstatSync(file);
    if (stats.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    if (!stats.isFile() && !stats.isFIFO()) throw Object.assign(new Error('not a file'), { code: 'not a regular file' });
    const buffer = Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(file, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_CONFIG_FILE_BYTES) throw Object.assign(new Error('too large'), { code: `larger than ${MAX_CONFIG_FILE_BYTES} bytes` });
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(file);
  }
}

/** Reads a YAML config file into a flat object of settings (camelCase keys); no file → {}. */
export function loadConfigFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readConfigText(path);
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      key: 'config',
      fix: 'Pass --config <path to an existing YAML file>.',
    });
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new ConfigError(`The config file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      key: 'config',
      fix: 'Fix the YAML syntax (keys like `port: 8000`, one per line).',
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`The config file ${path} must be a YAML mapping of settings.`, { key: 'config', fix: 'Write one `key: value` per line, e.g. `port: 8000`.' });
  }
  return parsed as Record<string, unknown>;
}
