/**
 * The actions of `safemed model ...` (loaded only when one runs): make the tiny test GGUF, inspect a
 * GGUF, fetch an `hf:` model into the cache.
 */
import cliProgress from 'cli-progress';
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { GgufSummary } from '../../backends/llama/inspect-gguf-file.js';
import { writeTinyGguf } from '../../backends/tiny-gguf.js';
import { ConfigError } from '../../core/errors.js';

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw new ConfigError(`--seed must be an integer between 0 and 4294967295 (got "${value}").`, { key: 'seed', fix: 'Example: --seed 7' });
  }
  return seed;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export function formatGgufSummary(summary: GgufSummary): string {
  const rows: Array<[string, string]> = [
    ['file', summary.path],
    ['name', summary.name ?? '(none)'],
    ['architecture', summary.architecture],
    ['context length', String(summary.contextLength)],
    ['layers', String(summary.blockCount)],
    ['embedding width', String(summary.embeddingLength)],
    ['vocabulary size', String(summary.vocabularySize)],
    ['tokenizer', summary.tokenizerModel],
    ['chat template', summary.hasChatTemplate ? 'yes' : 'no'],
    ['tensors', String(summary.tensorCount)],
    ['GGUF version', String(summary.ggufVersion)],
    ['file size', `${formatBytes(summary.fileSizeBytes)} (${summary.fileSizeBytes} bytes)`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** A cli-progress bar as a backend `onProgress` callback (for `hf:` downloads); `stop()` when done. */
export function createDownloadProgress(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (event: { label: string; done: number; total?: number }) => void;
  stop: () => void;
} {
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress: (event) => {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${event.label} [{bar}] {percentage}% | {value}/{total} bytes`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total ?? 0, 0);
      }
      if (event.total !== undefined) bar.setTotal(event.total);
      bar.update(event.done);
    },
    stop: () => bar?.stop(),
  };
}

/** Largest existing file make-tiny replaces: a tiny model is ~0.5 MB, a real one is gigabytes. */
const MAX_REPLACED_TINY_BYTES = 8 * 1024 * 1024;

/**
 * make-tiny replaces an earlier tiny model (scripts re-run it) and nothing else: it wrote over any file it
 * was given — an audit database, a real 4 GB model — without a word (probing round 6).
 */
function checkTinyTarget(path: string): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return; // a new file (or a path whose folder is wrong: the write says so)
  }
  if (!stats.isFile()) return;
  const head = Buffer.alloc(4);
  let length = 0;
  try {
    const file = openSync(path, 'r');
    try {
      length = readSync(file, head, 0, 4, 0);
    } finally {
      closeSync(file);
    }
  } catch {
    return;
  }
  const gguf = length === 4 && head.toString('latin1') === 'GGUF';
  if (stats.size === 0 || (gguf && stats.size <= MAX_REPLACED_TINY_BYTES)) return;
  throw new ConfigError(`${path} exists and is ${gguf ? `a ${formatBytes(stats.size)} GGUF model, not a tiny one` : 'not a GGUF file'}; make-tiny will not write over it.`, {
    key: 'out',
    fix: 'Pass a new path, e.g. `safemed model make-tiny ./tiny.gguf` (delete the file first if you really mean to replace it).',
  });
}

export async function runMakeTiny(out: string, options: { seed: string }): Promise<void> {
  const seed = parseSeed(options.seed);
  const path = resolve(out);
  checkTinyTarget(path);
  try {
    await writeTinyGguf(path, { seed });
  } catch (error) {
    // a folder given as the output, a file where a folder of the path should be, no permission, a full disk:
    // it was "unexpected error: EISDIR / EEXIST …"
    throw new ConfigError(`Cannot write the tiny model to ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
      key: 'out',
      cause: error,
      fix: 'Pass a .gguf file path in a folder you can write to, e.g. `safemed model make-tiny ./tiny.gguf`.',
    });
  }
  process.stdout.write(`wrote ${path} (seed ${seed})\n`);
}

export async function runModelInfo(file: string, options: { json?: boolean }): Promise<void> {
  const { inspectGgufFile } = await import('../../backends/llama/inspect-gguf-file.js'); // node-llama-cpp's GGUF reader
  const summary = await inspectGgufFile(file);
  process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatGgufSummary(summary)}\n`);
}

export async function runModelPull(uri: string, options: { cacheDir?: string }): Promise<void> {
  if (!uri.startsWith('hf:')) throw new ConfigError(`"${uri}" is not an hf: model.`, { key: 'uri', fix: 'Example: safemed model pull hf:<user>/<repo>/<file.gguf>' });
  const { resolveHfModel } = await import('../../backends/llama/resolve-hf-model.js');
  const progress = createDownloadProgress();
  try {
    const path = await resolveHfModel(uri.slice(3), {
      onProgress: progress.onProgress,
      onWait: (event) => { process.stderr.write(`another process (${event.holder}) is downloading ${event.label}; waiting for it\n`); },
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    });
    progress.stop();
    process.stdout.write(`${path}\n`);
  } finally {
    progress.stop();
  }
}
