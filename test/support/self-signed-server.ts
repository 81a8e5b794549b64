/**
 * An HTTPS server on 127.0.0.1:0 with a fresh self-signed certificate for `localhost` (openssl), answering every
 * request with a one-model `/models` list; stopped and its files removed by the test. `HAS_OPENSSL` says whether
 * the machine can make one (tests skip otherwise).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type After = { after(fn: () => unknown): void };

export const HAS_OPENSSL = spawnSync('openssl', ['version']).status === 0;

/** Returns the port; the server answers `{object: "list", data: [{id: "m"}]}` to everything. */
export async function startSelfSignedServer(t: After): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-tls-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const [key, cert] = [join(folder, 'key.pem'), join(folder, 'cert.pem')];
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost']);
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr.toString()}`);
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ object: 'list', data: [{ id: 'm' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return (server.address() as AddressInfo).port;
}
