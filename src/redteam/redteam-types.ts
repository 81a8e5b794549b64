/**
 * The red team's records as data: a seed (a harmful request), an attack (one strategy applied to a
 * seed, single- or multi-turn) and the attack file's zod schema, so every reader validates the same
 * shape.
 */
import { z } from 'zod';

export type RedteamLanguage = 'en' | 'zh';

/** A harmful request to attack with, from a seed file. */
export interface RedteamSeed {
  id: string;
  text: string;
  /** One of the spec's dimension ids (inferred by the guard when the file has none). */
  dimension: string;
  language: RedteamLanguage;
  /** Where the dimension / language came from: the file, or the guard's inference. */
  inferred: Array<'dimension' | 'language'>;
}

export const attackMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
});

export const attackRecordSchema = z.object({
  id: z.string().min(1),
  seed_id: z.string().min(1),
  seed: z.string().min(1),
  strategy: z.string().min(1),
  dimension: z.string().min(1),
  language: z.enum(['en', 'zh']),
  generator: z.string().min(1),
  /** The user turns of the attack (multi-turn: several; the target's replies are filled in at run time). */
  messages: z.array(attackMessageSchema).min(1),
});

export type AttackRecord = z.infer<typeof attackRecordSchema>;
export type AttackMessage = z.infer<typeof attackMessageSchema>;
