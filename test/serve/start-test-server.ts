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

/** POSTs a chat completion (model `safemed-r1` unless the body names one) and reads the JSON answer. */
export async function postChat(url: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'safemed-r1', ...body }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
