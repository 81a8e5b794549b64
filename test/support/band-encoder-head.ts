/** A committed-format sentence-encoder head for tests: its risk logit is embedding[0], its band 0.2–0.5. */
import type { EncoderHead } from '../../src/guard/classifier/encoder-head.js';

export const BAND_ENCODER_HEAD: EncoderHead = {
  format: 'safemed-guard-encoder-head/1',
  language: 'en',
  dimensions: 2,
  weights: [1, 0],
  bias: 0,
  calibration: { slope: 1, threshold: 0 },
  band: { low: 0.2, high: 0.5 },
  seed: 1,
  trainedAt: '2026-11-28T00:00:00.000Z',
  figures: {},
};
