/**
 * Reads and validates (zod) a sentence-encoder head file (assets/guard/encoder-head.json, trained by
 * training/guard/train-encoder-head.ts). encoder-head.ts imports this module only when the committed
 * head has to be read: always from source, in a build only without a fresh JSON snapshot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { defaultEncoderHeadPath, ENCODER_HEAD_FORMAT, ENCODER_HEAD_FORMAT_V1 } from './encoder-head-file.js';

const encoderHeadSchema = z
  .object({
    format: z.enum([ENCODER_HEAD_FORMAT, ENCODER_HEAD_FORMAT_V1]),
    language: z.literal('en'),
    dimensions: z.number().int().positive(),
    /**
     * Format 2 only: the risk head's hidden layer, units × dimensions weights (row-major, one row per unit)
     * and one bias per unit; the risk logit is then `weights` (one per unit) · ReLU(hidden · embedding + bias)
     * + `bias`. Without it the risk head is logistic: `weights` (one per dimension) · embedding + `bias`.
     */
    hidden: z.object({ units: z.number().int().positive(), weights: z.array(z.number()), bias: z.array(z.number()) }).optional(),
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
  })
  .superRefine((head, context) => {
    const issue = (message: string): void => {
      context.addIssue({ code: 'custom', message });
    };
    if (head.hidden !== undefined && head.format === ENCODER_HEAD_FORMAT_V1) issue(`a hidden layer needs format ${ENCODER_HEAD_FORMAT}`);
    const inputs = head.hidden === undefined ? head.dimensions : head.hidden.units;
    if (head.weights.length !== inputs) issue(`the risk head has ${String(head.weights.length)} weights, expected ${String(inputs)}`);
    if (head.hidden !== undefined && (head.hidden.weights.length !== head.hidden.units * head.dimensions || head.hidden.bias.length !== head.hidden.units)) issue('the hidden layer needs units × dimensions weights and one bias per unit');
    if (head.emergency !== undefined && head.emergency.weights.length !== head.dimensions) issue(`the emergency head has ${String(head.emergency.weights.length)} weights, expected ${String(head.dimensions)}`);
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
