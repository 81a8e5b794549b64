/**
 * Builds the guard from settings (guard-options-from-settings.ts: flags > env > config file > default)
 * the same way for `serve`, `eval run --guard` and `redteam`: the guard options, the backend wrapper
 * (PHI redaction towards the upstream if asked, then the guarded backend) and the audit redactor.
 */
import type { Backend } from '../core/backend.js';
import { createGuardedBackend } from './create-guarded-backend.js';
import type { GuardOptions } from './guard-types.js';
import { guardOptionsFromSettings, type GuardOptionsFromSettings, type GuardSettings } from './guard-options-from-settings.js';
import type { GuardPolicy } from './policy.js';
import { createPhiRedactor } from './redact-phi.js';
import { withRedactedUpstream } from './with-redacted-upstream.js';

export { GUARD_SETTING_SOURCES, type GuardSettings } from './guard-options-from-settings.js';
export { guardSettingsSchema, guardSettingsShape } from './guard-settings-schema.js';

export type CreateGuardFromSettingsOptions = GuardOptionsFromSettings;

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
  const setup = await guardOptionsFromSettings(settings, options);
  const guardOptions = setup.options;
  return {
    enabled: settings.guard,
    options: guardOptions,
    policy: setup.policy,
    redact: createPhiRedactor(),
    wrap(backend) {
      const upstream = settings.redactUpstream ? withRedactedUpstream(backend) : backend;
      return guardOptions ? createGuardedBackend(upstream, guardOptions) : upstream;
    },
    close: () => setup.close(),
  };
}
