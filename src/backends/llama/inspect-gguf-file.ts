/**
 * Reads and checks a GGUF file's header BEFORE llama.cpp sees it: a malformed file can abort the
 * whole process inside llama.cpp (GGML_ASSERT), so every problem we can detect becomes a clear
 * ConfigError with a fix instead.
 */
import { stat } from 'node:fs/promises';
import { readGgufFileInfo, type GgufFileInfo } from 'node-llama-cpp';
import { ConfigError } from '../../core/errors.js';

export interface GgufSummary {
  path: string;
  fileSizeBytes: number;
  ggufVersion: number;
  name: string | null;
  architecture: string;
  contextLength: number;
  blockCount: number;
  embeddingLength: number;
  vocabularySize: number;
  tokenizerModel: string;
  hasChatTemplate: boolean;
  tensorCount: number;
}

const FIX_DOWNLOAD = 'Point --model at a complete .gguf file (re-download it, or create a test model with `safemed model make-tiny tiny.gguf`).';

export async function inspectGgufFile(path: string, options: { signal?: AbortSignal } = {}): Promise<GgufSummary> {
  let fileSizeBytes: number;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new ConfigError(`The model path ${path} is not a file.`, { key: 'model', fix: FIX_DOWNLOAD });
    fileSizeBytes = stats.size;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`The model file ${path} does not exist or cannot be read.`, { key: 'model', cause: error, fix: FIX_DOWNLOAD });
  }
  let magic: string;
  try {
    magic = await readMagic(path);
  } catch (error) {
    // a file the user running safemed may not read (EACCES) was "unexpected error: EACCES: permission denied" (probing round 6)
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`Cannot read the model file ${path} (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code}).`, {
      key: 'model',
      cause: error,
      fix: code === 'EACCES' || code === 'EPERM' ? `Make it readable by the user safemed runs as (uid ${process.getuid?.() ?? '?'}): chmod a+r, or chown it.` : FIX_DOWNLOAD,
    });
  }
  if (magic !== 'GGUF') {
    throw new ConfigError(`${path} is not a GGUF file (it does not start with "GGUF").`, { key: 'model', fix: FIX_DOWNLOAD });
  }
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false, readTensorInfo: true, spliceSplitFiles: false, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new ConfigError(`${path} is a damaged GGUF file: ${error instanceof Error ? error.message : String(error)}.`, {
      key: 'model',
      cause: error,
      fix: FIX_DOWNLOAD,
    });
  }
  const metadata = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const general = metadata.general ?? {};
  const architecture = typeof general.architecture === 'string' ? general.architecture : '';
  const missing: string[] = [];
  if (!architecture) missing.push('general.architecture');
  const architectureMetadata: Record<string, unknown> = info.architectureMetadata;
  const attention = (architectureMetadata.attention ?? {}) as Record<string, unknown>;
  const tokenizer = ((metadata.tokenizer ?? {})).ggml as Record<string, unknown> | undefined;
  const required: Array<[string, unknown]> = [
    [`${architecture}.context_length`, architectureMetadata.context_length],
    [`${architecture}.embedding_length`, architectureMetadata.embedding_length],
    [`${architecture}.block_count`, architectureMetadata.block_count],
    [`${architecture}.attention.head_count`, attention.head_count],
    ['tokenizer.ggml.model', tokenizer?.model],
    ['tokenizer.ggml.tokens', tokenizer?.tokens],
  ];
  if (architecture) for (const [key, value] of required) if (value === undefined || value === null) missing.push(key);
  if (missing.length > 0) {
    throw new ConfigError(`${path} lacks required GGUF metadata: ${missing.join(', ')}.`, { key: 'model', fix: FIX_DOWNLOAD });
  }
  const tensors = info.tensorInfo ?? [];
  if (tensors.length === 0) throw new ConfigError(`${path} contains no tensors.`, { key: 'model', fix: FIX_DOWNLOAD });
  const dataEnd = tensors.reduce((largest, tensor) => Math.max(largest, Number(tensor.fileOffset) + knownTensorBytes(tensor)), 0);
  if (dataEnd > fileSizeBytes) {
    throw new ConfigError(`${path} is truncated: its tensor data ends before the tensors it declares (${fileSizeBytes} bytes).`, {
      key: 'model',
      fix: FIX_DOWNLOAD,
    });
  }
  const tokens = tokenizer?.tokens;
  return {
    path,
    fileSizeBytes,
    ggufVersion: info.version,
    name: typeof general.name === 'string' ? general.name : null,
    architecture,
    contextLength: Number(architectureMetadata.context_length),
    blockCount: Number(architectureMetadata.block_count),
    embeddingLength: Number(architectureMetadata.embedding_length),
    vocabularySize: Array.isArray(tokens) ? tokens.length : 0,
    tokenizerModel: String(tokenizer?.model),
    hasChatTemplate: typeof ((metadata.tokenizer ?? {})).chat_template === 'string',
    tensorCount: tensors.length,
  };
}

/** Bytes of a tensor for unquantised types (F32, F16, BF16); 1 for others (only the start is checked). */
function knownTensorBytes(tensor: { dimensions: readonly (number | bigint)[]; ggmlType: number }): number {
  const elements = tensor.dimensions.reduce<number>((product, size) => product * Number(size), 1);
  if (tensor.ggmlType === 0) return elements * 4;
  if (tensor.ggmlType === 1 || tensor.ggmlType === 30) return elements * 2;
  return 1;
}

async function readMagic(path: string): Promise<string> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}
