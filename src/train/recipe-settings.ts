/**
 * The values a recipe uses, each with where it comes from: the SafeMed-R1 model card (`card`), our
 * default (`default`, not in the card) or the user's flag (`flag`). The README of every recipe lists them.
 */
import { MODEL_CARD_GENERATION, MODEL_CARD_SYSTEM_PROMPT } from '../core/defaults.js';

export type SettingOrigin = 'card' | 'default' | 'flag';

export interface RecipeSetting<Value = string | number | boolean> {
  value: Value;
  origin: SettingOrigin;
  note: string;
}

export interface RecipeSettings {
  base: RecipeSetting<string>;
  systemPrompt: RecipeSetting<string>;
  maxLength: RecipeSetting<number>;
  maxResponseLength: RecipeSetting<number>;
  maxPromptLength: RecipeSetting<number>;
  groupSize: RecipeSetting<number>;
  klCoefficient: RecipeSetting<number>;
  learningRate: RecipeSetting<number>;
  epochs: RecipeSetting<number>;
  perDeviceBatchSize: RecipeSetting<number>;
  gradientAccumulation: RecipeSetting<number>;
  rolloutTemperature: RecipeSetting<number>;
  warmupRatio: RecipeSetting<number>;
}

export interface RecipeSettingFlags {
  base?: string;
  groupSize?: number;
  klCoefficient?: number;
  learningRate?: number;
  epochs?: number;
}

export function recipeSettings(stage: 'sft' | 'grpo', flags: RecipeSettingFlags): RecipeSettings {
  const pick = <Value extends string | number>(flag: Value | undefined, fallback: RecipeSetting<Value>): RecipeSetting<Value> =>
    flag === undefined ? fallback : { value: flag, origin: 'flag', note: fallback.note };
  return {
    base: pick(flags.base, { value: 'Qwen/Qwen3-32B', origin: 'card', note: 'SafeMed-R1 is fine-tuned from Qwen3-32B' }),
    systemPrompt: { value: MODEL_CARD_SYSTEM_PROMPT, origin: 'card', note: 'the card\'s answer format <think>…</think><answer>…</answer>, added as the system message of every sample that has none' },
    maxLength: { value: 4096, origin: 'card', note: 'the card serves with --max-model-len 4096' },
    maxResponseLength: { value: MODEL_CARD_GENERATION.maxTokens, origin: 'card', note: 'the card\'s max_tokens 2048' },
    maxPromptLength: { value: 4096 - MODEL_CARD_GENERATION.maxTokens, origin: 'default', note: 'what is left of 4,096 after a 2,048-token response' },
    groupSize: pick(flags.groupSize, { value: 8, origin: 'default', note: 'the card samples G responses per question but gives no G' }),
    klCoefficient: pick(flags.klCoefficient, { value: 0.001, origin: 'default', note: 'the card uses a KL term to the reference model but gives no coefficient' }),
    learningRate: pick(flags.learningRate, stage === 'sft' ? { value: 1e-5, origin: 'default', note: 'full fine-tuning of a 32B model' } : { value: 1e-6, origin: 'default', note: 'usual GRPO actor learning rate' }),
    epochs: pick(flags.epochs, { value: stage === 'sft' ? 3 : 1, origin: 'default', note: 'not in the card' }),
    perDeviceBatchSize: { value: stage === 'sft' ? 1 : 2, origin: 'default', note: 'fits a 32B model with ZeRO-3 on 80 GB GPUs' },
    gradientAccumulation: { value: 8, origin: 'default', note: 'not in the card' },
    rolloutTemperature: { value: 1.0, origin: 'default', note: 'sampling temperature of the G rollouts (the card\'s temperature 0 is for serving)' },
    warmupRatio: { value: 0.05, origin: 'default', note: 'not in the card' },
  };
}
