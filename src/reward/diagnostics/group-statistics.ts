/**
 * GRPO's view of a batch: rewards grouped by prompt, each group's mean and standard deviation, the
 * group-normalised advantages A = (r − mean) / (std + ε), and how many groups carry no learning signal
 * (all rewards equal: every advantage is 0). std is the sample standard deviation (n − 1), as verl and
 * TRL compute it with torch.std; ε = 1e-6.
 */
export const ADVANTAGE_EPSILON = 1e-6;

export interface GroupStatistics {
  key: string;
  size: number;
  mean: number;
  std: number;
  advantages: number[];
  zeroVariance: boolean;
}

export function groupStatistics(key: string, rewards: number[]): GroupStatistics {
  const size = rewards.length;
  const mean = size === 0 ? 0 : rewards.reduce((sum, value) => sum + value, 0) / size;
  const variance = size < 2 ? 0 : rewards.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (size - 1);
  const std = Math.sqrt(variance);
  const zeroVariance = std < ADVANTAGE_EPSILON;
  const advantages = rewards.map((value) => (zeroVariance ? 0 : (value - mean) / (std + ADVANTAGE_EPSILON)));
  return { key, size, mean, std, advantages, zeroVariance };
}
