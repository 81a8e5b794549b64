/**
 * Judge backends of the reward, from the config's `judges:` and the CLI's `--judge [id=]<uri>[#model]`.
 * Each backend gets the reward's per-attempt timeout and no retries of its own (the judge runner
 * retries, with backoff, so attempts are counted in one place).
 */
import { createBackend } from '../backends/registry.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseJudgeSpec } from '../eval/parse-eval-arguments.js';
import type { RewardJudge } from './judging/create-judge-runner.js';
import type { RewardConfig } from './reward-config.js';

export async function createRewardJudges(config: RewardConfig, cliSpecs: string[], options: { logger?: Logger; env?: Record<string, string | undefined> } = {}): Promise<RewardJudge[]> {
  const env = options.env ?? process.env;
  const wanted = [
    ...config.judges.map((entry) => ({ id: entry.id, ...parseJudgeSpec(entry.uri), apiKey: entry.apiKeyEnv === undefined ? undefined : env[entry.apiKeyEnv] })),
    ...cliSpecs.map((text, index) => {
      const spec = parseJudgeSpec(text);
      return { ...spec, id: spec.id ?? spec.model ?? `judge-${config.judges.length + index + 1}`, apiKey: env.SAFEMED_JUDGE_API_KEY };
    }),
  ];
  const seen = new Set<string>();
  const judges: RewardJudge[] = [];
  try {
    for (const entry of wanted) {
      if (seen.has(entry.id)) throw new ConfigError(`Two judges are named "${entry.id}".`, { key: 'judges', fix: 'Give each judge its own id: --judge <id>=<uri>.' });
      seen.add(entry.id);
      const backend = await createBackend(entry.uri, {
        timeoutMs: config.judge.timeoutSeconds * 1000,
        maxRetries: 0,
        ...(entry.model !== undefined ? { model: entry.model } : {}),
        ...(entry.apiKey !== undefined ? { apiKey: entry.apiKey } : {}),
        ...(options.logger ? { logger: options.logger } : {}),
      });
      judges.push({ id: entry.id, backend });
    }
  } catch (error) {
    await Promise.all(judges.map((judge) => judge.backend.close()));
    throw error;
  }
  return judges;
}
