import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.js';

/** Largest config file read: a settings file is a few hundred bytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** How long a pipe (`--config <(…)`, a named FIFO) may take to deliver its settings. */
export const CONFIG_PIPE_WAIT_MS = 10_000;

const failure = (code: string) => Object.assign(new Error(code), { code });

/** Sleeps this thread (start-up only: nothing else runs yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The file's text, at most MAX_CONFIG_FILE_BYTES. `--config /dev/zero` (or any device) read until memory
 * ran out, and a mistyped multi-GB file likewise; a pipe (`--config <(…)`) is still read to its end.
 * A pipe is opened without blocking and given CONFIG_PIPE_WAIT_MS to deliver: a named FIFO nobody writes
 * held `serve` before its first line, for ever (probing round 6).
 */
function readConfigText(path: string, waitMs: number): string {
  const pipe = statSync(path).isFIFO();
  const file = openSync(path, pipe ? constants.O_RDONLY | constants.O_NONBLOCK : 'r');
  try {
    const stats = fstatSync(file);
    if (stats.isDirectory()) throw failure('EISDIR');
    if (!stats.isFile() && !stats.isFIFO()) throw failure('not a regular file');
    const buffer = Buffer.alloc(MAX_CONFIG_FILE_BYTES + 1);
    const deadline = Date.now() + waitMs;
    let length = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(file, buffer, length, buffer.length - length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        read = -1; // a writer, nothing written yet
      }
      // end of file; for a pipe nothing came yet (no writer gives an end at once) also reads as 0
      if (read === 0 && (!pipe || length > 0)) break;
      if (read <= 0) {
        if (Date.now() >= deadline) {
          throw Object.assign(failure(`a pipe that gave no settings within ${Math.round(waitMs / 1000)} s (nothing written, or no writer)`), {
            fix: `Write the settings into the pipe within ${Math.round(waitMs / 1000)} s of the start, or pass --config <path to a YAML file>.`,
          });
        }
        pause(20);
        continue;
      }
      length += read;
      if (length > MAX_CONFIG_FILE_BYTES) throw failure(`larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(file);
  }
}

/** Reads a YAML config file into a flat object of settings (camelCase keys); no file → {}. */
export function loadConfigFile(path: string | undefined, pipeWaitMs = CONFIG_PIPE_WAIT_MS): Record<string, unknown> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readConfigText(path, pipeWaitMs);
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      key: 'config',
      fix:
        (error as { fix?: string }).fix ??
        ((error as NodeJS.ErrnoException).code === 'EACCES'
          ? 'Make it readable by the user serve runs as (chmod a+r, or chown it), or pass another --config.'
          : 'Pass --config <path to an existing YAML file>.'),
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
