/** Where the committed sentence-encoder head lives and the format tag its file carries (no zod: the guard's start-up path needs them). */
import { resolvePackagePath } from '../../core/package-paths.js';

/** Format 2: the risk head may have a hidden ReLU layer (`hidden`); format 1 files (logistic risk head) still load. */
export const ENCODER_HEAD_FORMAT = 'safemed-guard-encoder-head/2';
export const ENCODER_HEAD_FORMAT_V1 = 'safemed-guard-encoder-head/1';

export function defaultEncoderHeadPath(): string {
  return resolvePackagePath('assets', 'guard', 'encoder-head.json');
}
