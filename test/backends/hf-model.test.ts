import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHfModel, parseHfTarget } from '../../src/backends/llama/resolve-hf-model.js';
import { createBackend } from '../../src/backends/registry.js';
import { BackendError, ConfigError } from '../../src/core/errors.js';
import { tinyModelPath } from '../support/tiny-model.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => { resolve(port); });
    });
  });
}

test('hf: offline fails fast with a clear message naming llama:<path>', async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'safemed-hf-'));
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const started = Date.now();
  await assert.rejects(createBackend('hf:someone/tiny-GGUF/tiny.gguf', { cacheDir, hfEndpoint: endpoint }), (error) => {
    assert.ok(error instanceof BackendError);
    assert.match(error.message, /^Cannot download hf:someone\/tiny-GGUF\/tiny\.gguf \(network unreachable: connection refused\)/);
    assert.match(error.fix ?? '', /download .* elsewhere and run with llama:<path-to-file\.gguf>/i);
    return true;
  });
  assert.ok(Date.now() - started < 5_000, 'fails fast');
  assert.deepEqual(await readdir(cacheDir), [], 'no partial file left behind');
});

test('hf: endpoint from $SAFEMED_HF_ENDPOINT, connect timeout when the server never answers', async () => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = createNetServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => silent.once('listening', resolve));
  const { port } = silent.address() as { port: number };
  try {
    await assert.rejects(
      resolveHfModel('a/b/c.gguf', { cacheDir: await mkdtemp(join(tmpdir(), 'safemed-hf-')), env: { SAFEMED_HF_ENDPOINT: `http://127.0.0.1:${port}` }, connectTimeoutMs: 100 }),
      (error) => error instanceof BackendError && /network unreachable: no answer within the connect timeout/.test(error.message),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('hf: downloads over loopback with progress into the cache, then reuses the cached file', async () => {
  const model = await readFile(await tinyModelPath());
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    if (request.url === '/someone/tiny-GGUF/resolve/main/tiny.gguf') {
      response.writeHead(200, { 'content-length': String(model.length), 'content-type': 'application/octet-stream' });
      response.end(model);
    } else {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const cacheDir = await mkdtemp(join(tmpdir(), 'safemed-hf-'));
  try {
    const progress: Array<{ done: number; total?: number }> = [];
    const path = await resolveHfModel('someone/tiny-GGUF/tiny.gguf', { cacheDir, hfEndpoint: endpoint, onProgress: (event) => progress.push(event) });
    assert.equal(path, join(cacheDir, 'someone', 'tiny-GGUF', 'tiny.gguf'));
    assert.ok((await readFile(path)).equals(model));
    assert.deepEqual(await readdir(join(cacheDir, 'someone', 'tiny-GGUF')), ['tiny.gguf'], 'the .partial file was renamed');
    assert.ok(progress.length > 0);
    assert.deepEqual(progress[progress.length - 1], { label: 'hf:someone/tiny-GGUF/tiny.gguf', done: model.length, total: model.length });

    const again = await resolveHfModel('someone/tiny-GGUF/tiny.gguf', { cacheDir, hfEndpoint: 'http://127.0.0.1:1' });
    assert.equal(again, path);
    assert.equal(paths.length, 1, 'the cached copy is used without a request');

    const backend = await createBackend('hf:someone/tiny-GGUF/tiny.gguf', { cacheDir, hfEndpoint: 'http://127.0.0.1:1', threads: 1, contextSize: 1024 });
    try {
      assert.equal(backend.uri, 'hf:someone/tiny-GGUF/tiny.gguf');
      assert.ok((await backend.generate({ messages: [{ role: 'user', content: 'hi' }], settings: { maxTokens: 3, temperature: 0 } })).usage.completionTokens > 0);
    } finally {
      await backend.close();
    }

    await assert.rejects(
      resolveHfModel('someone/tiny-GGUF/missing.gguf', { cacheDir, hfEndpoint: endpoint }),
      (error) => error instanceof BackendError && error.status === 404 && /HTTP 404, no such file/.test(error.message),
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('hf: a cached file is used offline; malformed targets are ConfigErrors', async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'safemed-hf-'));
  await mkdir(join(cacheDir, 'u', 'r', 'sub'), { recursive: true });
  await writeFile(join(cacheDir, 'u', 'r', 'sub', 'm.gguf'), 'GGUF cached');
  assert.equal(await resolveHfModel('u/r/sub/m.gguf', { cacheDir, env: { SAFEMED_HF_ENDPOINT: 'http://127.0.0.1:1' } }), join(cacheDir, 'u', 'r', 'sub', 'm.gguf'));
  // a cached login page (saved before downloads checked their first bytes) is named with the fix, not returned
  await writeFile(join(cacheDir, 'u', 'r', 'sub', 'page.gguf'), '<!doctype html><title>Sign in</title>');
  await assert.rejects(resolveHfModel('u/r/sub/page.gguf', { cacheDir, env: { SAFEMED_HF_ENDPOINT: 'http://127.0.0.1:1' } }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /is not a GGUF file: it starts with "<!do"/);
    assert.match(error.fix ?? '', /Delete .*page\.gguf/);
    return true;
  });
  assert.deepEqual(parseHfTarget('u/r/sub/m.gguf'), { user: 'u', repo: 'r', file: 'sub/m.gguf' });
  for (const bad of ['u/m.gguf', 'u/r/m.bin', 'u/r/../m.gguf']) assert.throws(() => parseHfTarget(bad), ConfigError);
});
