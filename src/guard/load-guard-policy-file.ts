/**
 * The guard policy file (`--guard-config`, docs/guard.md): its YAML shape (zod), merged over the
 * defaults of policy.ts with the thresholds checked. Imported only when a policy file is given.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, describeError } from '../core/errors.js';
import { parseYaml } from '../spec/define-data-file.js';
import { DIMENSION_IDS } from '../spec/safety-spec-ids.js';
import { DEFAULT_GUARD_POLICY, type ActionThresholds, type GuardPolicy } from './policy.js';

const probability = z.number().min(0).max(1);
const rankedAction = z.enum(['allow', 'caution', 'steer', 'block']);
const thresholdsSchema = z.object({ caution: probability, steer: probability, block: probability }).strict();

/** The YAML shape of `--guard-config` (every key optional; missing keys keep the defaults). */
export const guardPolicyFileSchema = z
  .object({
    input: thresholdsSchema.partial().optional(),
    output: z.object({ block: probability }).strict().optional(),
    healthTopicCaution: z.boolean().optional(),
    attacksRaiseToSteer: z.boolean().optional(),
    emergencyEscalation: z.boolean().optional(),
    llmGuardBand: z.object({ low: probability, high: probability }).strict().optional(),
    dimensions: z
      .partialRecord(
        z.enum(DIMENSION_IDS),
        thresholdsSchema.partial().extend({ minimumAction: rankedAction.optional(), maximumAction: rankedAction.optional() }).strict(),
      )
      .optional(),
  })
  .strict();

export type GuardPolicyFile = z.infer<typeof guardPolicyFileSchema>;

/** The keys of a parsed partial object that are set (zod types an absent optional key as `| undefined`). */
function setKeys<Value extends object>(value: Value | undefined): { [Key in keyof Value]?: Exclude<Value[Key], undefined> } {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, entry]) => entry !== undefined)) as { [Key in keyof Value]?: Exclude<Value[Key], undefined> };
}

/** Merges a (partial) policy over the defaults and checks that thresholds are ordered. */
export function resolveGuardPolicy(file: GuardPolicyFile = {}, base: GuardPolicy = DEFAULT_GUARD_POLICY): GuardPolicy {
  const dimensions: GuardPolicy['dimensions'] = { ...base.dimensions };
  for (const [id, override] of Object.entries(file.dimensions ?? {})) dimensions[id] = { ...dimensions[id], ...setKeys(override) };
  const policy: GuardPolicy = {
    input: { ...base.input, ...setKeys(file.input) },
    output: { ...base.output, ...file.output },
    healthTopicCaution: file.healthTopicCaution ?? base.healthTopicCaution,
    attacksRaiseToSteer: file.attacksRaiseToSteer ?? base.attacksRaiseToSteer,
    emergencyEscalation: file.emergencyEscalation ?? base.emergencyEscalation,
    llmGuardBand: { ...base.llmGuardBand, ...file.llmGuardBand },
    dimensions,
  };
  const check = (where: string, thresholds: ActionThresholds) => {
    if (!(thresholds.caution <= thresholds.steer && thresholds.steer <= thresholds.block)) {
      throw new ConfigError(`Guard thresholds in ${where} must satisfy caution <= steer <= block.`, {
        key: 'guardConfig',
        fix: 'Order the thresholds, e.g. caution: 0.35, steer: 0.5, block: 0.85.',
      });
    }
  };
  check('input', policy.input);
  for (const [id, override] of Object.entries(policy.dimensions)) check(`dimensions.${id}`, { ...policy.input, ...override });
  if (policy.llmGuardBand.low > policy.llmGuardBand.high) {
    throw new ConfigError('llmGuardBand.low must not exceed llmGuardBand.high.', { key: 'guardConfig' });
  }
  return policy;
}

/** Reads a `--guard-config` YAML file into a full policy. */
export function loadGuardPolicyFile(path: string): GuardPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new ConfigError(`Cannot read the guard config ${path}: ${describeError(error)}.`, {
      key: 'guardConfig',
      cause: error,
      fix: 'Pass --guard-config a readable YAML file (see docs/guard.md).',
    });
  }
  const parsed = guardPolicyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '(root)' : issue.path.map(String).join('.') || '(root)';
    throw new ConfigError(`Invalid guard config ${path} at ${where}: ${issue?.message ?? 'invalid value'}.`, {
      key: 'guardConfig',
      fix: 'See docs/guard.md for the guard config shape.',
    });
  }
  return resolveGuardPolicy(parsed.data);
}
