/** Starts safemed's server on 127.0.0.1:0 in front of a scripted backend ("An answer.") unless one is given; stopped by the test. */
import { createSafemedServer, type SafemedServerOptions } from '../../src/serve/create-safemed-server.js';
import { createScriptedBackend } from './scripted-backend.js';

type After = { after(fn: () => unknown): void };

export async function startTestServer(t: After, options: Partial<SafemedServerOptions> = {}) {
  const backend = options.backend ?? createScriptedBackend(() => ({ text: 'An answer.' }));
  const server = createSafemedServer({ backend, servedModelName: 'safemed-r1', port: 0, ...options });
  const { url, port } = await server.listen();
  t.after(() => server.close());
  return { url, port, server };
}
