/**
 * One small helper for backend middleware (the idea of the AI SDK's `wrapLanguageModel`): a
 * middleware rewrites the request, wraps `generate` and/or `stream`, and may add work to `close`.
 * Everything it leaves out passes straight through, so a wrapper never re-types the Backend shape.
 *
 *   const withLogging = (backend: Backend) =>
 *     wrapBackend(backend, { wrapGenerate: async ({ doGenerate, request }) => { log(request); return doGenerate(request); } });
 */
import type { Backend, BackendCapabilities } from '../core/backend.js';
import type { GenerateRequest, GenerateResult, StreamPart } from '../core/chat.js';

/** What a `wrapGenerate` / `wrapStream` hook receives: the (transformed) request and the inner calls. */
export interface BackendCall {
  /** The request after `transformRequest`. */
  request: GenerateRequest;
  /** Calls the wrapped backend's `generate` (with this request or another one). */
  doGenerate: (request: GenerateRequest) => Promise<GenerateResult>;
  /** Calls the wrapped backend's `stream` (with this request or another one). */
  doStream: (request: GenerateRequest) => AsyncIterable<StreamPart>;
  /** The wrapped backend (identity and capabilities). */
  backend: Backend;
}

export interface BackendMiddleware {
  /** Rewrites every request before it reaches `generate` or `stream`. */
  transformRequest?(request: GenerateRequest, kind: 'generate' | 'stream'): GenerateRequest;
  /** Replaces `generate`; call `doGenerate` (or `doStream`) to reach the wrapped backend. */
  wrapGenerate?(call: BackendCall): Promise<GenerateResult>;
  /** Replaces `stream`; call `doStream` (or `doGenerate`) to reach the wrapped backend. */
  wrapStream?(call: BackendCall): AsyncIterable<StreamPart>;
  /** Runs after the wrapped backend is closed (e.g. closing a second backend the middleware owns). */
  close?(): Promise<void>;
  /** Changes the declared capabilities (default: the wrapped backend's). */
  capabilities?(inner: BackendCapabilities): BackendCapabilities;
}

export function wrapBackend(backend: Backend, middleware: BackendMiddleware): Backend {
  const transform = (request: GenerateRequest, kind: 'generate' | 'stream'): GenerateRequest =>
    middleware.transformRequest ? middleware.transformRequest(request, kind) : request;
  const call = (request: GenerateRequest): BackendCall => ({
    request,
    doGenerate: (inner) => backend.generate(inner),
    doStream: (inner) => backend.stream(inner),
    backend,
  });
  return {
    uri: backend.uri,
    modelId: backend.modelId,
    capabilities: middleware.capabilities ? middleware.capabilities(backend.capabilities) : backend.capabilities,
    generate(request) {
      const transformed = transform(request, 'generate');
      return middleware.wrapGenerate ? middleware.wrapGenerate(call(transformed)) : backend.generate(transformed);
    },
    stream(request) {
      const transformed = transform(request, 'stream');
      return middleware.wrapStream ? middleware.wrapStream(call(transformed)) : backend.stream(transformed);
    },
    async close() {
      await backend.close();
      await middleware.close?.();
    },
  };
}
