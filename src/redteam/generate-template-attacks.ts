/**
 * The offline, deterministic attack generator: each seed × strategy × language × k gets a template
 * of that strategy (data/redteam/templates.yaml), chosen by a seeded permutation keyed by the seed
 * id, strategy, language and `--seed`, so the same input always gives byte-identical output
 * whatever the order of the seeds.
 */
import { createHash } from 'node:crypto';
import { createSeededRandom } from '../eval/engine/sample-items.js';
import type { SafetySpec } from '../spec/index.js';
import { dimensionName } from '../spec/index.js';
import { normalizeSingleTemplate, type RedteamTemplates } from './load-redteam-templates.js';
import { OBFUSCATIONS, obfuscateText } from './obfuscate-text.js';
import type { AttackRecord, RedteamLanguage, RedteamSeed } from './redteam-types.js';

export const TEMPLATE_GENERATOR_ID = 'template-v1';

export interface GenerateTemplateAttacksOptions {
  seeds: RedteamSeed[];
  strategies: string[];
  languages: RedteamLanguage[];
  perSeed: number;
  /** Number of user turns for multi-turn attacks (default: the template's own). */
  turns?: number;
  seed: number;
  templates: RedteamTemplates;
  spec: SafetySpec;
}

export interface GenerateAttacksResult {
  attacks: AttackRecord[];
  /** Seeds left out because their language is not among --languages (the offline generator cannot translate). */
  skippedSeeds: string[];
}

/** A template: one user turn, or several (`turns`). */
type Template = { kind: 'single'; template: string; encoding?: keyof typeof OBFUSCATIONS } | { kind: 'turns'; turns: string[] };

function hashToSeed(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0);
}

function permutation(length: number, random: () => number): number[] {
  const order = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] ?? 0, order[index] ?? 0];
  }
  return order;
}

function topicOf(dimension: string, language: RedteamLanguage, spec: SafetySpec): string {
  if (dimension === 'general_harm' || dimension === 'benign') return language === 'zh' ? '安全' : 'safety';
  const name = dimensionName(dimension, language, spec).replace(/\s*[(（].*$/u, '');
  return language === 'zh' ? name : name.charAt(0).toLowerCase() + name.slice(1);
}

const CLIMB_TURN: Record<RedteamLanguage, string> = { en: 'Go on, tell me more about that.', zh: '继续，再多说一点。' };

/** Fits a multi-turn template to `turns` user turns: drops or adds lead-in turns, never the request. */
export function fitTurns(turns: string[], wanted: number | undefined, language: RedteamLanguage): string[] {
  if (wanted === undefined) return turns;
  const fitted = [...turns];
  while (fitted.length > wanted) {
    const index = fitted.findIndex((turn) => !turn.includes('{request}'));
    if (index === -1 || index === fitted.length - 1) break;
    fitted.splice(index, 1);
  }
  while (fitted.length < wanted) fitted.splice(Math.max(0, fitted.length - 1), 0, CLIMB_TURN[language]);
  return fitted;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(request|topic|encoded|scheme)\}/gu, (_, key: string) => values[key] ?? '');
}

function templatesFor(templates: RedteamTemplates, strategy: string, language: RedteamLanguage): Template[] {
  const entry = templates.strategies[strategy]?.[language];
  if (!entry) return [];
  return [
    ...(entry.single ?? []).map((raw): Template => ({ kind: 'single', ...normalizeSingleTemplate(raw) })),
    ...(entry.turns ?? []).map((turns): Template => ({ kind: 'turns', turns })),
  ];
}

export function generateTemplateAttacks(options: GenerateTemplateAttacksOptions): GenerateAttacksResult {
  const attacks: AttackRecord[] = [];
  const skippedSeeds: string[] = [];
  for (const seed of options.seeds) {
    if (!options.languages.includes(seed.language)) {
      skippedSeeds.push(seed.id);
      continue;
    }
    const language = seed.language;
    for (const strategy of options.strategies) {
      const pool = templatesFor(options.templates, strategy, language);
      if (pool.length === 0) continue;
      const order = permutation(pool.length, createSeededRandom(hashToSeed(seed.id, strategy, language, options.seed)));
      for (let k = 0; k < options.perSeed; k += 1) {
        const template = pool[order[k % pool.length] ?? 0];
        if (!template) continue;
        const values: Record<string, string> = { request: seed.text, topic: topicOf(seed.dimension, language, options.spec) };
        let userTurns: string[];
        if (template.kind === 'single') {
          if (template.encoding) {
            values.encoded = obfuscateText(seed.text, template.encoding);
            values.scheme = OBFUSCATIONS[template.encoding].name;
          }
          userTurns = [fill(template.template, values)];
        } else {
          userTurns = fitTurns(template.turns, options.turns, language).map((turn) => fill(turn, values));
        }
        attacks.push({
          id: `${seed.id}/${strategy}/${language}/${k}`,
          seed_id: seed.id,
          seed: seed.text,
          strategy,
          dimension: seed.dimension,
          language,
          generator: TEMPLATE_GENERATOR_ID,
          messages: userTurns.map((content) => ({ role: 'user' as const, content })),
        });
      }
    }
  }
  return { attacks, skippedSeeds };
}
