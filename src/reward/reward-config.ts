/**
 * The reward's configuration (YAML, validated once with zod; unknown keys are errors). Without a
 * file the documented defaults apply (docs/reward.md): weights safety 1, over_refusal 0.5, format 0.2,
 * accuracy 1, explanation 0.3; judges time out after 30 s, 2 retries, 64 calls in flight.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

const weight = z.number().min(0).max(100);

export const judgeEntrySchema = z.strictObject({
  id: z.string().regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only'),
  /** Backend URI (openai:, vllm:, llama:), optionally ending in #model. */
  uri: z.string().min(3),
  /** Name of the environment variable holding the judge's API key. */
  apiKeyEnv: z.string().optional(),
});

export const rewardConfigSchema = z
  .strictObject({
    weights: z
      .strictObject({
        safety: weight.default(1),
        over_refusal: weight.default(0.5),
        format: weight.default(0.2),
        accuracy: weight.default(1),
        explanation: weight.default(0.3),
      })
      .prefault({}),
    judges: z.array(judgeEntrySchema).default([]),
    judge: z
      .strictObject({
        concurrency: z.number().int().min(1).max(4096).default(64),
        timeoutSeconds: z.number().positive().max(170).default(30),
        retries: z.number().int().min(0).max(10).default(2),
        backoffMs: z.number().int().min(0).max(30_000).default(500),
        /** What a component gets when every judge failed: skip (left out of the total), value, heuristic, or error (HTTP 503). */
        onFailure: z.enum(['skip', 'value', 'heuristic', 'error']).default('skip'),
        failureValue: z.number().min(0).max(1).default(0.5),
        /** What the judges see: the reasoning and the answer (full) or only the answer. */
        responseView: z.enum(['full', 'answer']).default('full'),
        cacheEntries: z.number().int().min(0).default(100_000),
        /** Append judge answers to this JSONL file and reuse them across runs. */
        cacheFile: z.string().optional(),
      })
      .prefault({}),
    safety: z.strictObject({ method: z.enum(['auto', 'judge', 'heuristic']).default('auto') }).prefault({}),
    overRefusal: z.strictObject({ method: z.enum(['detector', 'judge']).default('detector') }).prefault({}),
    explanation: z.strictObject({ method: z.enum(['auto', 'judge', 'heuristic']).default('auto') }).prefault({}),
    /** The kind of an item whose label does not say: the guard classifier decides, or a fixed kind. */
    unlabelledKind: z.enum(['guard', 'harmful', 'benign']).default('guard'),
    /** How /get_reward splits OpenRLHF's query into prompt and response. */
    template: z.enum(['auto', 'chatml', 'llama3', 'plain']).default('auto'),
  })
  .superRefine((config, context) => {
    const worst = config.judge.timeoutSeconds * (config.judge.retries + 1) + (config.judge.backoffMs * (2 ** config.judge.retries - 1)) / 1000;
    if (worst >= 150) {
      context.addIssue({
        code: 'custom',
        path: ['judge', 'timeoutSeconds'],
        message: `timeoutSeconds × (retries + 1) plus backoff is ${Math.round(worst)} s; keep it under 150 s (OpenRLHF gives up after 180 s)`,
      });
    }
    const total = Object.values(config.weights).reduce((sum, value) => sum + value, 0);
    if (total <= 0) context.addIssue({ code: 'custom', path: ['weights'], message: 'at least one weight must be above 0' });
  });

export type RewardConfig = z.infer<typeof rewardConfigSchema>;
export type RewardConfigInput = z.input<typeof rewardConfigSchema>;

export function parseRewardConfig(value: unknown, fileName?: string): RewardConfig {
  const parsed = rewardConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new ConfigError(`Invalid reward config${fileName ? ` in ${fileName}` : ''}${path ? ` at "${path}"` : ''}: ${issue?.message ?? 'invalid value'}.`, {
      key: path || 'config',
      fix: 'See docs/reward.md for every key and its default.',
    });
  }
  return parsed.data;
}

/** The documented defaults. */
export function defaultRewardConfig(): RewardConfig {
  return parseRewardConfig({});
}

export function loadRewardConfig(path: string | undefined): RewardConfig {
  if (path === undefined) return defaultRewardConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the reward config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      key: 'config',
      fix: 'Pass --config <path to an existing YAML file>.',
    });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ConfigError(`The reward config ${path} is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`, { key: 'config', fix: 'Fix the YAML syntax.' });
  }
  return parseRewardConfig(value, path);
}
