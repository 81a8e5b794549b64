/** Starts a reward server on 127.0.0.1:0 the way `safemed reward serve` builds it (the main server's HTTP edge). */
import { createRewardHttpEdge } from '../../src/cli/commands/reward.js';
import { createRewardScorer, type RewardScorerOptions } from '../../src/reward/create-reward-scorer.js';
import { parseRewardConfig, type RewardConfigInput } from '../../src/reward/reward-config.js';
import { createRewardServer, toGenericResult } from '../../src/reward/server/create-reward-server.js';

/** Every field either reward route (or an error) may return; tests read the ones they expect. */
export interface RewardReply {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
  results: Array<ReturnType<typeof toGenericResult>>;
  error: { message: string; code: string | null };
}

export async function startRewardServer(config: RewardConfigInput = {}, options: Partial<RewardScorerOptions> & { apiKeys?: string[]; requestTimeoutMs?: number; shutdownGraceMs?: number } = {}) {
  const { apiKeys, requestTimeoutMs, shutdownGraceMs, ...scorerOptions } = options;
  const scorer = createRewardScorer({ config: parseRewardConfig(config), classify: () => 'benign', sleep: () => Promise.resolve(), ...scorerOptions });
  const server = createRewardServer({
    scorer,
    edge: createRewardHttpEdge(),
    port: 0,
    ...(apiKeys ? { apiKeys } : {}),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(shutdownGraceMs === undefined ? {} : { shutdownGraceMs }),
  });
  const { url } = await server.listen();
  return {
    url,
    scorer,
    post: async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as RewardReply };
    },
    close: async () => {
      await server.close();
      await scorer.close();
    },
  };
}
