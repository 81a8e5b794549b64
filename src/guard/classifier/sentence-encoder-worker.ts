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
  // One embedding before `ready`: the first inference runs the WebAssembly kernels' one-time set-up (116 ms for a
  // sentence against ~20 ms after, on this VM), which would otherwise fall on the first band request.
  let queue: Promise<unknown> = loadSentenceEncoder()
    .then((encoder) => encoder.embed(['Is it safe to take ibuprofen with food?']))
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
