// `safemed model pull` downloads through the project's one HTTP transport: it follows a redirect to
// another host (as Hugging Face's CDN does) and never sends the token there.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => { resolve(); })) };
}

test('model pull follows a redirect to the CDN host, drops the token there, and prints the cached path', async (t) => {
  const body = Buffer.from('GGUF-not-really-but-bytes');
  const seen: Array<{ host: string; headers: IncomingHttpHeaders }> = [];
  const cdn = await listen((request, response) => {
    seen.push({ host: 'cdn', headers: request.headers });
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  t.after(() => cdn.close());
  const hub = await listen((request, response) => {
    seen.push({ host: 'hub', headers: request.headers });
    response.writeHead(302, { location: `${cdn.url}/blob/abc` }).end();
  });
  t.after(() => hub.close());
  const cacheDir = await mkdtemp(join(tmpdir(), 'safemed-pull-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'model', 'pull', 'hf:someone/repo/m.gguf', '--cache-dir', cacheDir], {
    env: { ...process.env, SAFEMED_HF_ENDPOINT: hub.url, HF_TOKEN: 'secret-token' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  const path = join(cacheDir, 'someone', 'repo', 'm.gguf');
  assert.equal(stdout.trim(), path);
  assert.ok((await readFile(path)).equals(body));
  assert.deepEqual(seen.map((entry) => entry.host), ['hub', 'cdn']);
  assert.equal(seen[0]!.headers.authorization, 'Bearer secret-token');
  assert.equal(seen[1]!.headers.authorization, undefined, 'the token never reaches another host');
});
