/**
 * The SafeMed reward (explicit exports): the scorer, its config, the trainer-facing HTTP server and
 * the GRPO diagnostics. See docs/reward.md.
 */
export { createRewardScorer, weightedTotal, JudgeUnavailableError, type RewardScorer, type RewardScorerOptions } from './create-reward-scorer.js';
export { createRewardJudges } from './create-reward-judges.js';
export { defaultRewardConfig, loadRewardConfig, parseRewardConfig, rewardConfigSchema, type RewardConfig, type RewardConfigInput } from './reward-config.js';
export { createRewardMetrics, type RewardMetrics } from './reward-metrics.js';
export { parseRewardLabel } from './parse-reward-label.js';
export { splitChatQuery, type ChatTemplateName, type SplitQuery } from './split-chat-query.js';
export { createJudgeCache, judgeCacheKey, type JudgeCache } from './judging/create-judge-cache.js';
export type { RewardJudge } from './judging/create-judge-runner.js';
export { createRewardServer, toGenericResult, toOpenRlhfResponse, type RewardHttpEdge, type RewardServer, type RewardServerOptions } from './server/create-reward-server.js';
export {
  PROMPT_KINDS,
  REWARD_COMPONENTS,
  type ComponentScore,
  type ComponentSource,
  type PromptKind,
  type RewardComponent,
  type RewardItem,
  type RewardLabel,
  type RewardResult,
} from './reward-types.js';
