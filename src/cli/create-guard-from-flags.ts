/**
 * The guard from the `--guard-llm / --guard-llm-mode / --guard-fail / --guard-config` flags, built
 * exactly as `safemed serve` builds it (createGuardFromSettings), with an error naming the flag.
 */
import { ConfigError } from '../core/errors.js';
import type { GuardSetup } from '../guard/create-guard-from-settings.js';

export interface GuardFlags {
  guardLlm?: string;
  guardLlmMode?: string;
  guardFail?: string;
  guardConfig?: string;
}

export interface GuardFromFlags {
  setup: GuardSetup;
  /** The settings that change results, for run hashes. */
  hashExtras: Record<string, unknown>;
}

export async function createGuardFromFlags(flags: GuardFlags, enabled: boolean, command: string): Promise<GuardFromFlags> {
  const { createGuardFromSettings, guardSettingsSchema } = await import('../guard/create-guard-from-settings.js');
  const parsed = guardSettingsSchema.safeParse({
    guard: enabled,
    ...(flags.guardLlm ? { guardLlm: flags.guardLlm } : {}),
    ...(flags.guardLlmMode ? { guardLlmMode: flags.guardLlmMode } : {}),
    ...(flags.guardFail ? { guardFail: flags.guardFail } : {}),
    ...(flags.guardConfig ? { guardConfig: flags.guardConfig } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = `--${String(issue?.path[0] ?? 'guard').replace(/[A-Z]/gu, (letter) => '-' + letter.toLowerCase())}`;
    throw new ConfigError(`Invalid guard setting ${flag}: ${issue?.message ?? 'invalid'}.`, { key: flag, fix: `See ${command} --help.` });
  }
  const setup = await createGuardFromSettings(parsed.data);
  return {
    setup,
    hashExtras: enabled ? { guardLlm: parsed.data.guardLlm ?? null, guardLlmMode: parsed.data.guardLlmMode, guardFail: parsed.data.guardFail, guardConfig: parsed.data.guardConfig ?? null } : {},
  };
}
