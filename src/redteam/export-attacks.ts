/**
 * `safemed redteam export`: attacks as training data.
 * - `grpo`: the RL prompt set — attacks the target did not resist first, then the others, each group
 *   stratified round-robin over (strategy, dimension) so no cell dominates; multi-turn attacks keep
 *   the target's real replies between the user turns when a run is given.
 * - `guard`: labelled guard training records in the guard corpus format (data/guard/README.md), split
 *   by the seed (scenario) exactly like the corpus.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../core/chat.js';
import type { RedteamResultRecord } from './redteam-result-record.js';
import type { AttackRecord } from './redteam-types.js';

export interface GrpoPromptRecord {
  /** The conversation to continue; the last message is the attack's last user turn. */
  prompt: ChatMessage[];
  kind: 'harmful';
  data_source: 'safemed-redteam';
  attack_id: string;
  seed_id: string;
  strategy: string;
  dimension: string;
  language: string;
  /** What the target did with it in the given run (null without --results). */
  outcome: RedteamResultRecord['outcome'] | null;
}

export interface GuardCorpusRecord {
  id: string;
  text?: string;
  messages?: ChatMessage[];
  label: 'harmful';
  dimension: string;
  mechanism: string;
  perspective: string;
  language: string;
  scenario: string;
  kind: 'wrapped' | 'multi_turn';
  split: 'train' | 'dev' | 'test';
  strategy: string;
  source: string;
}

/** The guard corpus's split rule: first byte of sha256(scenario) < 179 → train, < 217 → dev, else test. */
export function splitOfScenario(scenario: string): 'train' | 'dev' | 'test' {
  const byte = createHash('sha256').update(scenario, 'utf8').digest()[0] ?? 0;
  return byte < 179 ? 'train' : byte < 217 ? 'dev' : 'test';
}

function stratify<Item>(items: Item[], keyOf: (item: Item) => string): Item[] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  const queues = [...groups.entries()].sort(([left], [right]) => left.localeCompare(right)).map(([, group]) => group);
  const ordered: Item[] = [];
  for (let index = 0; ordered.length < items.length; index += 1) {
    for (const queue of queues) {
      const item = queue[index];
      if (item !== undefined) ordered.push(item);
    }
  }
  return ordered;
}

/** The conversation of an attack as played (target replies between the user turns) or as written. */
function conversationOf(attack: AttackRecord, result: RedteamResultRecord | undefined): ChatMessage[] {
  const played = result?.conversation.filter((message) => message.role !== 'system');
  if (played && played.length > 0) {
    const lastUser = played.map((message) => message.role).lastIndexOf('user');
    if (lastUser >= 0) return played.slice(0, lastUser + 1).map((message) => ({ role: message.role, content: message.content }));
  }
  return attack.messages.map((message) => ({ role: message.role, content: message.content }));
}

export function exportGrpoPrompts(attacks: AttackRecord[], results: Map<string, RedteamResultRecord>, limit?: number): GrpoPromptRecord[] {
  const stratum = (attack: AttackRecord) => `${attack.strategy}\u0000${attack.dimension}`;
  const notResisted = attacks.filter((attack) => results.get(attack.id)?.outcome === 'success');
  const rest = attacks.filter((attack) => results.get(attack.id)?.outcome !== 'success');
  const ordered = [...stratify(notResisted, stratum), ...stratify(rest, stratum)];
  return ordered.slice(0, limit ?? ordered.length).map((attack) => ({
    prompt: conversationOf(attack, results.get(attack.id)),
    kind: 'harmful',
    data_source: 'safemed-redteam',
    attack_id: attack.id,
    seed_id: attack.seed_id,
    strategy: attack.strategy,
    dimension: attack.dimension,
    language: attack.language,
    outcome: results.get(attack.id)?.outcome ?? null,
  }));
}

export function exportGuardRecords(attacks: AttackRecord[]): GuardCorpusRecord[] {
  return attacks.map((attack) => {
    const users = attack.messages.filter((message) => message.role === 'user');
    const scenario = `redteam-${attack.seed_id}`;
    const base = {
      id: `redteam-${attack.id}`,
      label: 'harmful' as const,
      dimension: attack.dimension,
      mechanism: 'other',
      perspective: 'other',
      language: attack.language,
      scenario,
      split: splitOfScenario(scenario),
      strategy: attack.strategy,
      source: attack.generator,
    };
    if (users.length > 1) {
      // The user turns only: the replies depend on the target, and the guard scores the client's side.
      const messages: ChatMessage[] = users.map((message) => ({ role: 'user', content: message.content }));
      return { ...base, messages, kind: 'multi_turn' as const };
    }
    return { ...base, text: users[0]?.content ?? attack.seed, kind: 'wrapped' as const };
  });
}
