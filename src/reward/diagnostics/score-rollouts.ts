/**
 * `safemed reward score`: scores a JSONL file of rollouts offline and computes GRPO diagnostics.
 * Input lines: {prompt | messages, response (or completion), label?, kind?, …any other fields}.
 * Output lines: the input record plus `group`, `reward` (total, components, sources, details),
 * `advantage` (within its group) and `flags`.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { z } from 'zod';
import { DataFormatError, describeError } from '../../core/errors.js';
import type { ChatMessage } from '../../core/chat.js';
import type { RewardScorer } from '../create-reward-scorer.js';
import { parseRewardLabel } from '../parse-reward-label.js';
import { REWARD_COMPONENTS, type RewardComponent, type RewardItem, type RewardResult } from '../reward-types.js';
import { toGenericResult } from '../server/create-reward-server.js';
import { groupStatistics, type GroupStatistics } from './group-statistics.js';
import { DEFAULT_FLAG_THRESHOLDS, ITEM_FLAGS, rewardHackingFlags, type FlagThresholds, type ItemFlag } from './reward-hacking-flags.js';

const rolloutSchema = z.looseObject({
  prompt: z.string().optional(),
  messages: z.array(z.object({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.string() })).min(1).optional(),
  response: z.string().optional(),
  completion: z.string().optional(),
  label: z.unknown().optional(),
  kind: z.enum(['harmful', 'benign', 'exam', 'emergency']).optional(),
});

export interface ScoreRolloutsOptions {
  input: string;
  out: string;
  scorer: RewardScorer;
  /** The field that groups rollouts of one prompt (default `prompt`; for `messages` records, the conversation). */
  groupKey?: string;
  batchSize?: number;
  thresholds?: FlagThresholds;
  signal?: AbortSignal;
}

export interface ComponentDistribution {
  component: RewardComponent | 'total';
  applied: number;
  mean: number | null;
  values: number[];
}

export interface ScoreRolloutsSummary {
  items: number;
  groups: GroupStatistics[];
  zeroVarianceShare: number;
  meanReward: number;
  distributions: ComponentDistribution[];
  flags: Record<ItemFlag | 'identical_responses', number>;
  judgeFailures: number;
  kinds: Record<string, number>;
}

interface Rollout {
  record: Record<string, unknown>;
  item: RewardItem;
  group: string;
}

function readRollouts(path: string, groupKey: string): Rollout[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFormatError(`Cannot read ${path}: ${describeError(error)}.`, { file: path, fix: 'Pass --input <rollouts.jsonl>.' });
  }
  const rollouts: Rollout[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = { file: path, line: index + 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DataFormatError(`${path}:${index + 1} is not valid JSON.`, { ...where, fix: 'One JSON object per line.' });
    }
    const parsed = rolloutSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataFormatError(`${path}:${index + 1}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}.`, { ...where, fix: 'Each line needs prompt or messages, and response.' });
    }
    const record = parsed.data;
    const response = record.response ?? record.completion;
    if (response === undefined || (record.prompt === undefined) === (record.messages === undefined)) {
      throw new DataFormatError(`${path}:${index + 1} needs exactly one of "prompt" and "messages", and a "response".`, { ...where, fix: 'Example: {"prompt": "...", "response": "<think>…</think><answer>…</answer>"}' });
    }
    const messages: ChatMessage[] = record.messages ?? [{ role: 'user', content: record.prompt ?? '' }];
    const label = parseRewardLabel(record.label, `${path}:${index + 1} label`) ?? {};
    if (record.kind !== undefined) label.kind = record.kind === 'emergency' ? 'harmful' : record.kind;
    const keyValue = record[groupKey];
    const group = keyValue === undefined ? (groupKey === 'prompt' ? JSON.stringify(messages) : '(none)') : typeof keyValue === 'string' ? keyValue : JSON.stringify(keyValue);
    rollouts.push({ record: value as Record<string, unknown>, item: { messages, response, ...(Object.keys(label).length > 0 ? { label } : {}) }, group });
  });
  if (rollouts.length === 0) throw new DataFormatError(`${path} has no rollouts.`, { file: path, fix: 'One JSON object per line.' });
  return rollouts;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export async function scoreRollouts(options: ScoreRolloutsOptions): Promise<ScoreRolloutsSummary> {
  const groupKey = options.groupKey ?? 'prompt';
  const rollouts = readRollouts(options.input, groupKey);
  const batchSize = options.batchSize ?? 256;
  const results: RewardResult[] = [];
  for (let start = 0; start < rollouts.length; start += batchSize) {
    const batch = rollouts.slice(start, start + batchSize);
    results.push(...(await options.scorer.score(batch.map((rollout) => rollout.item), options.signal)));
  }
  const members = new Map<string, number[]>();
  rollouts.forEach((rollout, index) => {
    const list = members.get(rollout.group) ?? [];
    list.push(index);
    members.set(rollout.group, list);
  });
  const advantages = new Array<number>(rollouts.length).fill(0);
  const groups: GroupStatistics[] = [];
  let identical = 0;
  for (const [key, indexes] of members) {
    const statistics = groupStatistics(key, indexes.map((index) => results[index]?.total ?? 0));
    statistics.advantages.forEach((advantage, position) => {
      advantages[indexes[position] ?? 0] = advantage;
    });
    groups.push(statistics);
    if (indexes.length > 1 && new Set(indexes.map((index) => rollouts[index]?.item.response)).size === 1) identical += 1;
  }
  const flagCounts = Object.fromEntries([...ITEM_FLAGS, 'identical_responses'].map((flag) => [flag, 0])) as Record<ItemFlag | 'identical_responses', number>;
  flagCounts.identical_responses = identical;
  const kinds: Record<string, number> = {};
  const thresholds = options.thresholds ?? DEFAULT_FLAG_THRESHOLDS;
  const stream = createWriteStream(options.out);
  for (const [index, rollout] of rollouts.entries()) {
    const result = results[index];
    if (!result) continue;
    const flags = rewardHackingFlags(rollout.item.response, result, thresholds);
    for (const flag of flags) flagCounts[flag] += 1;
    kinds[result.kind] = (kinds[result.kind] ?? 0) + 1;
    const line = JSON.stringify({ ...rollout.record, group: rollout.group, reward: toGenericResult(result), advantage: Math.round((advantages[index] ?? 0) * 1e6) / 1e6, flags }) + '\n';
    if (!stream.write(line)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  const distributions: ComponentDistribution[] = [
    { component: 'total', applied: results.length, mean: mean(results.map((result) => result.total)), values: results.map((result) => result.total) },
    ...REWARD_COMPONENTS.map((component) => {
      const values = results.map((result) => result.components[component].value).filter((value): value is number => value !== null);
      return { component, applied: values.length, mean: mean(values), values };
    }),
  ];
  return {
    items: rollouts.length,
    groups,
    zeroVarianceShare: groups.filter((group) => group.zeroVariance).length / groups.length,
    meanReward: mean(results.map((result) => result.total)) ?? 0,
    distributions,
    flags: flagCounts,
    judgeFailures: results.reduce((sum, result) => sum + result.judgeFailures, 0),
    kinds,
  };
}
