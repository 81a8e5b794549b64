/** The settings hash: 16 hex characters of sha256 over the canonical JSON of everything that changes an output. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';

export function settingsHash(settings: unknown): string {
  return createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 16);
}

/** A deterministic 31-bit seed from a base seed and a key (per item, per attempt). */
export function derivedSeed(seed: number, ...parts: Array<string | number>): number {
  return createHash('sha256').update(`${seed}\u0000${parts.join('\u0000')}`).digest().readUInt32BE(0) >>> 1;
}
