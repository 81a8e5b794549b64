/** `safemed train recipe`: configs, data and launch scripts for existing training engines (the recipe code loads inside the action). */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((part) => part !== '')];
}

function integer(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new ConfigError(`${flag} must be a whole number ≥ 1, got "${value}".`, { key: flag, fix: `Example: ${flag} 8` });
    return parsed;
  };
}

function positive(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new ConfigError(`${flag} must be a positive number, got "${value}".`, { key: flag, fix: `Example: ${flag} 0.001` });
    return parsed;
  };
}

function choice<Value extends string>(flag: string, values: readonly Value[]) {
  return (value: string): Value => {
    if (!(values as readonly string[]).includes(value)) throw new ConfigError(`${flag} must be one of ${values.join(', ')}, got "${value}".`, { key: flag, fix: `Example: ${flag} ${values[0] ?? ''}` });
    return value as Value;
  };
}

interface RecipeFlags {
  stage: 'sft' | 'grpo';
  engine: 'llamafactory' | 'ms-swift' | 'verl' | 'openrlhf' | 'trl';
  base?: string;
  data: string[];
  rewardUrl?: string;
  gpus: number;
  nodes: number;
  out: string;
  name?: string;
  groupSize?: number;
  kl?: number;
  learningRate?: number;
  epochs?: number;
  openrlhfFlags: 'dotted' | 'flat';
}

export function registerTrainCommand(program: Command): void {
  const train = program.command('train').description('Training recipes for existing engines (LLaMA-Factory, MS-Swift, verl, OpenRLHF, TRL); SafeMed never trains by itself.');
  train
    .command('recipe')
    .description("Write the engine's config, data files, single- and multi-node launch scripts and a README into --out.")
    .requiredOption('--stage <stage>', 'sft or grpo', choice('--stage', ['sft', 'grpo'] as const))
    .requiredOption('--engine <engine>', 'llamafactory, ms-swift, verl, openrlhf or trl', choice('--engine', ['llamafactory', 'ms-swift', 'verl', 'openrlhf', 'trl'] as const))
    .requiredOption('--data <paths>', 'JSONL files or folders (repeatable or comma-separated)', collect)
    .requiredOption('--gpus <n>', 'GPUs per node', integer('--gpus'))
    .requiredOption('--out <dir>', 'output folder')
    .option('--base <model>', "base model (default: the card's Qwen/Qwen3-32B)")
    .option('--reward-url <url>', 'URL of `safemed reward serve` (GRPO)')
    .option('--nodes <n>', 'nodes', integer('--nodes'), 1)
    .option('--name <name>', 'experiment name (default safemed-<stage>)')
    .option('--group-size <G>', 'GRPO samples per prompt (default 8)', integer('--group-size'))
    .option('--kl <coefficient>', 'KL coefficient to the reference model (default 0.001)', positive('--kl'))
    .option('--learning-rate <lr>', 'learning rate', positive('--learning-rate'))
    .option('--epochs <n>', 'epochs', positive('--epochs'))
    .option('--openrlhf-flags <style>', 'dotted (OpenRLHF 0.10.2+, default) or flat (0.9.x)', choice('--openrlhf-flags', ['dotted', 'flat'] as const), 'dotted')
    .action(async (flags: RecipeFlags) => {
      const { writeRecipe } = await import('../../train/index.js');
      const result = await writeRecipe({
        stage: flags.stage,
        engine: flags.engine,
        data: flags.data,
        gpus: flags.gpus,
        nodes: flags.nodes,
        outDir: flags.out,
        openrlhfFlags: flags.openrlhfFlags,
        ...(flags.base !== undefined ? { base: flags.base } : {}),
        ...(flags.rewardUrl !== undefined ? { rewardUrl: flags.rewardUrl } : {}),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.groupSize !== undefined ? { groupSize: flags.groupSize } : {}),
        ...(flags.kl !== undefined ? { klCoefficient: flags.kl } : {}),
        ...(flags.learningRate !== undefined ? { learningRate: flags.learningRate } : {}),
        ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
      });
      process.stdout.write(`safemed train recipe: ${flags.engine} ${flags.stage}, ${result.records} records → ${result.outDir}\n${result.files.map((file) => `  ${file}`).join('\n')}\nrun: ${result.recipe.singleNode} (see ${result.outDir}/README.md)\n`);
    });
}
