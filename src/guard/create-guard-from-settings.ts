/**
 * Builds the guard from settings (flags > env > config file > default) the same way for `serve`,
 * `eval run --guard` and `redteam`:
 *
 *   --guard on|off                     SAFEMED_GUARD             guard          (default on)
 *   --guard-llm <uri>                  SAFEMED_GUARD_LLM         guardLlm       (optional LLM guard backend)
 *   --guard-llm-mode always|never|uncertain  SAFEMED_GUARD_LLM_MODE  guardLlmMode (default uncertain)
 *   --guard-fail open|closed           SAFEMED_GUARD_FAIL        guardFail      (default closed)
 *   --guard-config <yaml>              SAFEMED_GUARD_CONFIG      guardConfig    (thresholds, overrides)
 *   --redact-upstream                  SAFEMED_REDACT_UPSTREAM   redactUpstream (default false)
 */
import { z } from 'zod';
import type { Backend } from '../core/backend.js';
import type { SettingSource } from '../core/config.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { CreateBackendOptions } from '../backends/registry.js';
import { loadSafetySpec } from '../spec/load-safety-spec.js';
import { createGuardedBackend } from './create-guarded-backend.js';
import type { GuardOptions, RiskAssessor } from './guard-types.js';
import { createLlmGuardFromUri, type LlmGuard } from './llm-guard.js';
import { DEFAULT_GUARD_POLICY, loadGuardPolicyFile, type GuardPolicy } from './policy.js';
import { createPhiRedactor, redactPhi } from './redact-phi.js';
import { redactMessages, withRedactedUpstream } from './with-redacted-upstream.js';

export const GUARD_SETTING_SOURCES: SettingSource[] = [
  { key: 'guard', flag: '--guard', env: 'SAFEMED_GUARD' },
  { key: 'guardLlm', flag: '--guard-llm', env: 'SAFEMED_GUARD_LLM' },
  { key: 'guardLlmMode', flag: '--guard-llm-mode', env: 'SAFEMED_GUARD_LLM_MODE' },
  { key: 'guardFail', flag: '--guard-fail', env: 'SAFEMED_GUARD_FAIL' },
  { key: 'guardConfig', flag: '--guard-config', env: 'SAFEMED_GUARD_CONFIG' },
  { key: 'redactUpstream', flag: '--redact-upstream', env: 'SAFEMED_REDACT_UPSTREAM' },
];

const onOff = z
  .union([z.boolean(), z.enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])], { error: 'must be on or off' })
  .transform((value) => (typeof value === 'boolean' ? value : ['on', 'true', '1', 'yes'].includes(value)));

/** The guard keys, to `.extend()` a command's settings schema with. */
export const guardSettingsShape = {
  guard: onOff.default(true),
  guardLlm: z.string().min(1).optional(),
  guardLlmMode: z.enum(['always', 'never', 'uncertain'], { error: 'must be always, never or uncertain' }).default('uncertain'),
  guardFail: z.enum(['open', 'closed'], { error: 'must be open or closed' }).default('closed'),
  guardConfig: z.string().min(1).optional(),
  redactUpstream: onOff.default(false),
};

export const guardSettingsSchema = z.object(guardSettingsShape);
export type GuardSettings = z.infer<typeof guardSettingsSchema>;

export interface CreateGuardFromSettingsOptions {
  logger?: Logger;
  /** Options for the LLM guard's backend (API key, timeouts). */
  backendOptions?: CreateBackendOptions;
  /** Injected classifier (tests, benchmarks). */
  assess?: RiskAssessor;
  /** The system prompt a steered request gets when the conversation has none ('' = none; default: the model card's). */
  baseSystemPrompt?: string;
}

export interface GuardSetup {
  enabled: boolean;
  /** The resolved options (undefined when the guard is off). */
  options: GuardOptions | undefined;
  policy: GuardPolicy;
  /** Wraps a backend: PHI redaction towards the upstream (if asked), then the guard (if on). */
  wrap(backend: Backend): Backend;
  /** The redactor for audit records and logs: PHI redaction that also scrubs values seen earlier (createPhiRedactor). */
  redact: (text: string) => string;
  /** Closes the LLM guard when the wrapped backend was never created. */
  close(): Promise<void>;
}

export async function createGuardFromSettings(settings: GuardSettings, options: CreateGuardFromSettingsOptions = {}): Promise<GuardSetup> {
  const logger = options.logger ?? silentLogger;
  const policy = settings.guardConfig ? loadGuardPolicyFile(settings.guardConfig) : DEFAULT_GUARD_POLICY;
  const spec = loadSafetySpec();
  let llmGuard: LlmGuard | undefined;
  if (settings.guard && settings.guardLlm && settings.guardLlmMode !== 'never') {
    llmGuard = await createLlmGuardFromUri(settings.guardLlm, {
      mode: settings.guardLlmMode,
      band: policy.llmGuardBand,
      backendOptions: { logger, ...options.backendOptions },
    });
    if (settings.redactUpstream) llmGuard = withRedactedGuard(llmGuard);
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
  return {
    enabled: settings.guard,
    options: guardOptions,
    policy,
    redact: createPhiRedactor(),
    wrap(backend) {
      const upstream = settings.redactUpstream ? withRedactedUpstream(backend) : backend;
      return guardOptions ? createGuardedBackend(upstream, guardOptions) : upstream;
    },
    close: async () => {
      await llmGuard?.close();
    },
  };
}

function withRedactedGuard(guard: LlmGuard): LlmGuard {
  return {
    mode: guard.mode,
    format: guard.format,
    shouldCheck: (risk) => guard.shouldCheck(risk),
    check: (messages, signal) => guard.check(redactMessages(messages, redactPhi), signal),
    close: () => guard.close(),
  };
}
