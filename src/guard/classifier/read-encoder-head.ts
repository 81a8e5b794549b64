/**
 * Reads and validates (zod) a sentence-encoder head file (assets/guard/encoder-head.json, trained by
 * training/guard/train-encoder-head.ts). encoder-head.ts imports this module only when the committed
 * head has to be read: always from source, in a build only without a fresh JSON snapshot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { defaultEncoderHeadPath, ENCODER_HEAD_FORMAT } from './encoder-head-file.js';

const encoderHeadSchema = z.object({
  format: z.literal(ENCODER_HEAD_FORMAT),
  language: z.literal('en'),
  dimensions: z.number().int().positive(),
  weights: z.array(z.number()),
  bias: z.number(),
  /** probability = sigmoid(slope × (logit − threshold)). */
  calibration: z.object({ slope: z.number(), threshold: z.number() }),
  /** Fast-path risks in [low, high) are refined; outside the band the fast path decides alone. */
  band: z.object({ low: z.number(), high: z.number() }),
  seed: z.number(),
  trainedAt: z.string(),
  figures: z.record(z.string(), z.unknown()),
  /**
   * The emergency head on the same embedding (an emergency happening now), consulted when the fast
   * path's emergency probability is in its band; the refined probability is the higher of the two.
   */
  emergency: z
    .object({
      weights: z.array(z.number()),
      bias: z.number(),
      calibration: z.object({ slope: z.number(), threshold: z.number() }),
      band: z.object({ low: z.number(), high: z.number() }),
      figures: z.record(z.string(), z.unknown()),
    })
    .optional(),
});

export type EncoderHead = z.infer<typeof encoderHeadSchema>;

/** Reads and validates a head file (the committed one by default, bypassing snapshot and cache), or undefined when there is none. */
export function readEncoderHead(path: string = defaultEncoderHeadPath()): EncoderHead | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return encoderHeadSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new ConfigError(`Cannot read the guard's encoder head ${path}`, { cause: error, fix: 'Retrain with `npm run train:guard` or restore assets/guard/ from git.' });
  }
}
