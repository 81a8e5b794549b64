/**
 * `hf:<user>/<repo>/<file.gguf>` → a local path. A cached copy is used as is; otherwise the file is
 * downloaded from `<endpoint>/<user>/<repo>/resolve/main/<file>` into `<file>.partial` and renamed
 * when complete. It fails fast (connect timeout, DNS failure, refused connection) with a message
 * that tells the user to fetch the file elsewhere and use `llama:<path>`.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendError, ConfigError, TimeoutError } from '../../core/errors.js';
import { checkHeaderKey } from '../openai-compatible/create-openai-compatible-backend.js';
import { acquireDownloadLock } from './download-lock.js';
import { defaultSleep, proxyVariableIn, sendUpstreamRequest, withoutCredentials, type UpstreamResponseHandle } from '../openai-compatible/send-upstream-request.js';

export interface ResolveHfModelOptions {
  /** Default: $SAFEMED_CACHE_DIR, else ~/.cache/safemed/models. */
  cacheDir?: string;
  /** Default: $SAFEMED_HF_ENDPOINT, else https://huggingface.co. */
  hfEndpoint?: string;
  /** Time allowed until the response headers arrive (default 10 s). */
  connectTimeoutMs?: number;
  /** Longest pause between two received chunks (default 60 s). */
  idleTimeoutMs?: number;
  env?: Record<string, string | undefined>;
  onProgress?: (event: { label: string; done: number; total?: number }) => void;
  /** Called once when another process is downloading the same file and this one waits for it (`holder`: `<host>:<pid>`). */
  onWait?: (event: { label: string; holder: string }) => void;
  signal?: AbortSignal;
}

export interface HfModelReference {
  user: string;
  repo: string;
  file: string;
}

export function parseHfTarget(target: string): HfModelReference {
  const parts = target.split('/').filter((part) => part !== '');
  const file = parts.slice(2).join('/');
  if (parts.length < 3 || !file.toLowerCase().endsWith('.gguf') || parts.some((part) => part === '..')) {
    throw new ConfigError(`"hf:${target}" is not of the form hf:<user>/<repo>/<file.gguf>.`, {
      key: 'backend',
      fix: 'Example: hf:someone/some-model-GGUF/some-model-Q4_K_M.gguf',
    });
  }
  return { user: parts[0] as string, repo: parts[1] as string, file };
}

/** Every GGUF file starts with these bytes. */
const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');

/** The download endpoint: an http(s) URL (an empty or malformed $SAFEMED_HF_ENDPOINT said "network unreachable: ERR_INVALID_URL"). */
function hfEndpointOf(configured: string | undefined): string {
  const endpoint = (configured ?? 'https://huggingface.co').replace(/\/+$/, '');
  let protocol = '';
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigError(`The Hugging Face endpoint ${JSON.stringify(configured ?? '')} is not an http(s) URL.`, {
      key: 'SAFEMED_HF_ENDPOINT',
      fix: 'Set $SAFEMED_HF_ENDPOINT to a URL such as https://huggingface.co or https://hf-mirror.example, or unset it.',
    });
  }
  return endpoint;
}

export function defaultModelCacheDir(env: Record<string, string | undefined> = process.env): string {
  return env.SAFEMED_CACHE_DIR || join(homedir(), '.cache', 'safemed', 'models');
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A cached file must start like a GGUF: a download by an older version (before the first-bytes check) could have
 * cached a login page or a proxy's answer under the model's name, which llama.cpp then failed to load on every run.
 */
async function checkCachedGguf(path: string, target: string): Promise<void> {
  const file = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(GGUF_MAGIC.length);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (head.equals(GGUF_MAGIC)) return;
  throw new ConfigError(`The cached copy of hf:${target} (${path}) is not a GGUF file: it starts with ${JSON.stringify(head.toString('latin1'))} (a login page or a proxy's answer saved by an earlier download?).`, {
    key: 'hf-cache',
    fix: `Delete ${path} and run again to download it afresh.`,
  });
}

/** Behind a proxy a download fails like an offline machine (proxyVariableIn): said in the fix when one is set. */
function proxyNote(env: Record<string, string | undefined>): string {
  const name = proxyVariableIn(env);
  return name === undefined ? '' : ` $${name} is set, but SafeMed connects directly (it does not use proxy variables): download the file through the proxy.`;
}

/** Why a connection failed, always starting with "network unreachable" so users recognise an offline machine. */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const detail =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'host name does not resolve'
      : code === 'ECONNREFUSED'
        ? 'connection refused'
        : error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
          ? 'no answer within the connect timeout'
          : (code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
  return `network unreachable: ${detail}`;
}

export async function resolveHfModel(target: string, options: ResolveHfModelOptions = {}): Promise<string> {
  const reference = parseHfTarget(target);
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultModelCacheDir(env);
  const destination = join(cacheDir, reference.user, reference.repo, ...reference.file.split('/'));
  if (await exists(destination)) {
    await checkCachedGguf(destination, target);
    return destination;
  }
  // one download per file: another process pulling it is waited for (download-lock.ts)
  const lock = await acquireDownloadLock(destination, {
    signal: options.signal,
    ...(options.onWait ? { onWait: (holder: string) => options.onWait?.({ label: `hf:${target}`, holder }) } : {}),
  });
  if (lock === undefined) {
    await checkCachedGguf(destination, target);
    return destination;
  }
  try {
    if (await exists(destination)) {
      await checkCachedGguf(destination, target);
      return destination;
    }
    return await download(target, reference, destination, env, options);
  } finally {
    await lock.release();
  }
}

async function download(
  target: string,
  reference: HfModelReference,
  destination: string,
  env: Record<string, string | undefined>,
  options: ResolveHfModelOptions,
): Promise<string> {
  const endpoint = hfEndpointOf(options.hfEndpoint ?? env.SAFEMED_HF_ENDPOINT);
  const url = `${endpoint}/${reference.user}/${reference.repo}/resolve/main/${reference.file.split('/').map(encodeURIComponent).join('/')}`;
  const shown = withoutCredentials(url); // messages never show the password of a `user:password@` endpoint
  const failure = (reason: string, cause?: unknown, status?: number) =>
    new BackendError(`Cannot download hf:${target} (${reason}).`, {
      url: shown,
      ...(status !== undefined ? { status } : {}),
      retryable: status === undefined || status >= 500,
      code: 'download_failed',
      cause,
      fix: `Download ${shown} elsewhere and run with llama:<path-to-file.gguf> (or copy it to ${destination}).${status === undefined ? proxyNote(env) : ''}`,
    });

  // The project's one upstream transport (redirects to the CDN followed, the token dropped off-origin).
  // Its timer runs until the headers (connect timeout), then as the idle timeout between chunks.
  const connect = new AbortController();
  const connectTimer = setTimeout(() => { connect.abort(Object.assign(new Error('connect timeout'), { name: 'TimeoutError' })); }, options.connectTimeoutMs ?? 10_000);
  const headers: Record<string, string> = {};
  const token = checkHeaderKey(env.HF_TOKEN, '$HF_TOKEN'); // `token\r` from a .env file was "network unreachable: ERR_INVALID_CHAR"
  if (token) headers.authorization = `Bearer ${token}`;
  const partial = `${destination}.partial`;
  let handle: UpstreamResponseHandle;
  try {
    handle = await sendUpstreamRequest({
      url,
      method: 'GET',
      headers,
      signal: options.signal ? AbortSignal.any([options.signal, connect.signal]) : connect.signal,
      timeoutMs: options.idleTimeoutMs ?? 60_000,
      maxRetries: 0,
      sleep: defaultSleep,
      random: Math.random,
    });
  } catch (error) {
    if (error instanceof BackendError && error.code === 'upstream_error' && error.status !== undefined) {
      const status = error.status;
      const hint = status === 401 || status === 403 ? 'access denied; set $HF_TOKEN' : status === 404 ? 'no such file' : 'server error';
      throw failure(`HTTP ${status}, ${hint}`, undefined, status);
    }
    if (error instanceof BackendError && error.code === 'upstream_certificate') {
      // the server was reached: its certificate is not trusted (it said "network unreachable")
      throw new BackendError(`Cannot download hf:${target}: ${error.message}`, { url: shown, status: 502, retryable: false, code: 'download_failed', cause: error, ...(error.fix ? { fix: error.fix } : {}) });
    }
    throw failure(reasonOf(connect.signal.aborted ? connect.signal.reason : error), error);
  } finally {
    clearTimeout(connectTimer);
  }
  try {
    const length = handle.response.headers['content-length'];
    const total = Number(length) || undefined;
    const cannotWrite = (error: unknown) =>
      new ConfigError(`Cannot write the download to ${partial} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
        key: 'cacheDir',
        cause: error,
        fix: `Free disk space, or point --cache-dir / $SAFEMED_CACHE_DIR at a folder you can write to (or download ${shown} elsewhere and run with llama:<path-to-file.gguf>).`,
      });
    try {
      await mkdir(dirname(destination), { recursive: true });
    } catch (error) {
      throw cannotWrite(error);
    }
    const output = createWriteStream(partial);
    // A write error (a full disk, the .partial path taken by a folder) was an 'error' event nothing
    // listened to: the process died with a stack trace mid-download.
    let writeError: unknown;
    let wakeWriter: (() => void) | undefined;
    output.on('error', (error) => {
      writeError ??= error;
      wakeWriter?.();
    });
    let done = 0;
    let head = Buffer.alloc(0);
    const label = `hf:${target}`;
    try {
      try {
        for await (const chunk of handle.response.body as AsyncIterable<Buffer>) {
          handle.touch();
          if (head.length < GGUF_MAGIC.length) {
            head = Buffer.concat([head, chunk]).subarray(0, GGUF_MAGIC.length);
            // A captive portal or a proxy's login page answers 200 with HTML: it was saved as the model, and
            // every later run (and `model pull`) took the cached page for the model.
            if (head.length === GGUF_MAGIC.length && !head.equals(GGUF_MAGIC)) throw failure(`the server sent something that is not a GGUF file; it starts with ${JSON.stringify(head.toString('latin1'))} (a login page or a proxy?)`);
          }
          done += chunk.length;
          if (!output.write(chunk) && writeError === undefined) {
            await new Promise<void>((resolve) => {
              const wake = () => {
                output.off('drain', wake);
                wakeWriter = undefined;
                resolve();
              };
              wakeWriter = wake;
              output.on('drain', wake);
            });
          }
          if (writeError !== undefined) throw cannotWrite(writeError);
          options.onProgress?.({ label, done, ...(total !== undefined ? { total } : {}) });
        }
      } catch (error) {
        if (error instanceof BackendError || error instanceof ConfigError) throw error;
        const failed = handle.failure(error);
        // the timer runs as an idle timeout once the headers are in: a stalled download is not a connect timeout
        const stalled = failed instanceof TimeoutError || failed.name === 'TimeoutError';
        throw failure(`interrupted after ${done} bytes: ${stalled ? `the server sent nothing for ${(options.idleTimeoutMs ?? 60_000) / 1000} s` : reasonOf(failed)}`, error);
      }
      if (head.length < GGUF_MAGIC.length) throw failure(`the server sent ${done} bytes, too few for a GGUF file`);
      await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => {
        if (error) reject(cannotWrite(error));
        else if (writeError !== undefined) reject(cannotWrite(writeError));
        else resolve();
      }));
    } catch (error) {
      output.destroy();
      await rm(partial, { force: true }).catch(() => undefined);
      throw error;
    }
    if (total !== undefined && done !== total) {
      await rm(partial, { force: true });
      throw failure(`received ${done} of ${total} bytes`);
    }
    await rename(partial, destination);
    return destination;
  } finally {
    handle.done(true);
  }
}
