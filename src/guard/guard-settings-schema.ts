/**
 * The zod schema of the guard's settings (guard-options-from-settings.ts lists their flags and env
 * variables). Loaded only when a guard setting is given (`resolveGuardSettings`) or a command
 * validates its own settings with it (`serve`, `eval run --guard`, `redteam`, `chat`).
 */
import { z } from 'zod';

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
