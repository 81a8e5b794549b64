/**
 * The sentence-encoder thread (started by createSentenceEncoderWorker): loads the Universal Sentence
 * Encoder once and embeds texts one request at a time, off the server's event loop.
 * In: {id, texts}; out: {ready} once the model has loaded (or failed to), then {id, vectors} or {id, error}.
 */
import { parentPort } from 'node:worker_threads';
import { loadSentenceEncoder, type EncoderWorkerReply, type EncoderWorkerRequest } from './sentence-encoder.js';

const port = parentPort;
if (port) {
  // Start loading at once: the first band request should not wait for the model.
  // The caller's deadlines start when the model is ready (a failed load also reports ready: the calls then fail fast).
  let queue: Promise<unknown> = loadSentenceEncoder()
    .catch(() => undefined)
    .finally(() => {
      port.postMessage({ ready: true } satisfies EncoderWorkerReply);
    });
  port.on('message', (request: EncoderWorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const encoder = await loadSentenceEncoder();
        const vectors = await encoder.embed(request.texts);
        port.postMessage({ id: request.id, vectors } satisfies EncoderWorkerReply);
      } catch (error) {
        port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies EncoderWorkerReply);
      }
    });
  });
}
