/**
 * The guard's settings (flags > env > config file > default) and the guard options they make, without
 * the guarded backend: what `guard check` and `guard scan` need (create-guard-from-settings.ts adds
 * the backend wrapper and the audit redactor for `serve`, `eval run --guard` and `redteam`). The LLM
 * guard's module loads only when one is configured.
 *
 *   --guard on|off                     SAFEMED_GUARD             guard          (default on)
 *   --guard-llm <uri>                  SAFEMED_GUARD_LLM         guardLlm       (optional LLM guard backend)
 *   --guard-llm-mode always|never|uncertain  SAFEMED_GUARD_LLM_MODE  guardLlmMode (default uncertain)
 *   --guard-fail open|closed           SAFEMED_GUARD_FAIL        guardFail      (default closed)
 *   --guard-config <yaml>              SAFEMED_GUARD_CONFIG      guardConfig    (thresholds, overrides)
 *   --redact-upstream                  SAFEMED_REDACT_UPSTREAM   redactUpstream (default false)
 *
 * Their zod schema is guard-settings-schema.ts, loaded only when a setting needs validating; a policy
 * file's reader (load-guard-policy-file.ts) only when one is given.
 */
import { resolveSettings, type SettingSource } from '../core/config.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { CreateBackendOptions } from '../backends/registry.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import type { GuardSettings } from './guard-settings-schema.js';
import type { GuardOptions, RiskAssessor } from './guard-types.js';
import type { LlmGuard } from './llm-guard.js';
import { DEFAULT_GUARD_POLICY, type GuardPolicy } from './policy.js';

export type { GuardSettings } from './guard-settings-schema.js';

export const GUARD_SETTING_SOURCES: SettingSource[] = [
  { key: 'guard', flag: '--guard', env: 'SAFEMED_GUARD' },
  { key: 'guardLlm', flag: '--guard-llm', env: 'SAFEMED_GUARD_LLM' },
  { key: 'guardLlmMode', flag: '--guard-llm-mode', env: 'SAFEMED_GUARD_LLM_MODE' },
  { key: 'guardFail', flag: '--guard-fail', env: 'SAFEMED_GUARD_FAIL' },
  { key: 'guardConfig', flag: '--guard-config', env: 'SAFEMED_GUARD_CONFIG' },
  { key: 'redactUpstream', flag: '--redact-upstream', env: 'SAFEMED_REDACT_UPSTREAM' },
];

/** The settings when none is given: what `guardSettingsSchema` makes of `{}` (a test holds the two equal). */
export const DEFAULT_GUARD_SETTINGS: Readonly<GuardSettings> = Object.freeze({
  guard: true,
  guardLlmMode: 'uncertain',
  guardFail: 'closed',
  redactUpstream: false,
});

export interface ResolveGuardSettingsInput {
  /** Flag values by setting key (`guardFail`, ...); undefined = not given. */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

/**
 * The guard's settings from flags and the environment (flag > env > default), as `resolveSettings`
 * makes them with `guardSettingsSchema` — same values, same errors. The schema (and zod) loads only
 * when a value differs from its default: a command run with no guard setting (`safemed guard check`)
 * needs no validation and starts faster.
 */
export async function resolveGuardSettings(input: ResolveGuardSettingsInput): Promise<GuardSettings> {
  const defaults: Readonly<Record<string, unknown>> = DEFAULT_GUARD_SETTINGS;
  const given = GUARD_SETTING_SOURCES.some(({ key, env }) => {
    const fromFlag = input.flags[key];
    const fromEnv = input.env[env];
    const value = fromFlag !== undefined ? fromFlag : fromEnv === '' ? undefined : fromEnv;
    return value !== undefined && value !== defaults[key];
  });
  if (!given) return { ...DEFAULT_GUARD_SETTINGS };
  const { guardSettingsSchema } = await import('./guard-settings-schema.js');
  return resolveSettings(guardSettingsSchema, GUARD_SETTING_SOURCES, { ...input, file: {} });
}

export interface GuardOptionsFromSettings {
  logger?: Logger;
  /** Options for the LLM guard's backend (API key, timeouts). */
  backendOptions?: CreateBackendOptions;
  /** Injected classifier (tests, benchmarks). */
  assess?: RiskAssessor;
  /** The system prompt a steered request gets when the conversation has none ('' = none; default: the model card's). */
  baseSystemPrompt?: string;
}

export interface GuardOptionsSetup {
  /** The resolved options (undefined when the guard is off). */
  options: GuardOptions | undefined;
  policy: GuardPolicy;
  /** Closes the LLM guard, when one is configured. */
  close(): Promise<void>;
}

export async function guardOptionsFromSettings(settings: GuardSettings, options: GuardOptionsFromSettings = {}): Promise<GuardOptionsSetup> {
  const logger = options.logger ?? silentLogger;
  const policy = settings.guardConfig ? (await import('./load-guard-policy-file.js')).loadGuardPolicyFile(settings.guardConfig) : DEFAULT_GUARD_POLICY;
  const spec = loadSafetySpec();
  let llmGuard: LlmGuard | undefined;
  if (settings.guard && settings.guardLlm && settings.guardLlmMode !== 'never') {
    const { createLlmGuardFromUri } = await import('./llm-guard.js');
    llmGuard = await createLlmGuardFromUri(settings.guardLlm, {
      mode: settings.guardLlmMode,
      band: policy.llmGuardBand,
      backendOptions: { logger, ...options.backendOptions },
    });
    if (settings.redactUpstream) {
      const { withRedactedGuard } = await import('./with-redacted-upstream.js');
      llmGuard = withRedactedGuard(llmGuard);
    }
  }
  const guardOptions: GuardOptions | undefined = settings.guard
    ? {
        policy,
        failMode: settings.guardFail,
        spec,
        logger,
        ...(llmGuard ? { llmGuard } : {}),
        ...(options.assess ? { assess: options.assess } : {}),
        ...(options.baseSystemPrompt !== undefined ? { baseSystemPrompt: options.baseSystemPrompt } : {}),
      }
    : undefined;
  const guard = llmGuard;
  const assess = options.assess;
  return { options: guardOptions, policy, close: async () => { await Promise.all([guard?.close(), assess?.close?.()]); } };
}
