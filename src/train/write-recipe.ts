/**
 * `safemed train recipe`: converts our data into the engine's format, writes the engine's config, the
 * single- and multi-node launch scripts, the reward integration (GRPO) and a README that says which
 * values are the model card's and which are our defaults. Every key written is checked against
 * data/train/<engine>-keys.yaml first; nothing is written when a check fails.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { loadEngineKeys, TRAIN_ENGINES, type TrainEngine } from './engine-keys.js';
import { buildLlamaFactoryRecipe } from './engines/llamafactory-recipe.js';
import { buildMsSwiftRecipe } from './engines/ms-swift-recipe.js';
import { buildOpenRlhfRecipe } from './engines/openrlhf-recipe.js';
import { buildTrlRecipe } from './engines/trl-recipe.js';
import { buildVerlRecipe } from './engines/verl-recipe.js';
import { readTrainingRecords } from './read-training-records.js';
import { recipeSettings, type RecipeSetting, type RecipeSettingFlags, type RecipeSettings } from './recipe-settings.js';
import type { EngineRecipe, RecipeContext, TrainStage } from './recipe-types.js';

export interface WriteRecipeOptions extends RecipeSettingFlags {
  stage: TrainStage;
  engine: TrainEngine;
  data: string[];
  rewardUrl?: string;
  gpus: number;
  nodes?: number;
  outDir: string;
  name?: string;
  openrlhfFlags?: 'dotted' | 'flat';
}

export interface WriteRecipeResult {
  outDir: string;
  files: string[];
  records: number;
  settings: RecipeSettings;
  recipe: EngineRecipe;
}

const BUILDERS: Record<TrainEngine, (context: RecipeContext) => Promise<EngineRecipe>> = {
  llamafactory: buildLlamaFactoryRecipe,
  'ms-swift': buildMsSwiftRecipe,
  verl: buildVerlRecipe,
  openrlhf: buildOpenRlhfRecipe,
  trl: buildTrlRecipe,
};

function readme(context: RecipeContext, recipe: EngineRecipe, records: number): string {
  const keys = loadEngineKeys(context.engine);
  const grpoOnly = new Set(['groupSize', 'klCoefficient', 'rolloutTemperature', 'maxPromptLength', 'maxResponseLength']);
  const rows = (Object.entries(context.settings) as Array<[string, RecipeSetting]>)
    .filter(([name]) => context.stage === 'grpo' || !grpoOnly.has(name))
    .map(([name, setting]) => `| ${name} | \`${String(setting.value)}\` | ${setting.origin === 'card' ? 'model card' : setting.origin === 'flag' ? 'your flag' : 'SafeMed default'} | ${setting.note} |`);
  const reward =
    context.stage === 'grpo'
      ? [
          '## The reward server',
          '',
          'Start it before training, where every node can reach it (judges: the model card scores risk 1–5 with a judge LLM):',
          '',
          '```bash',
          'npx safemed reward serve --host 0.0.0.0 --port 8700 --judge judge=vllm:http://judge-host:8000/v1 --api-key "$SAFEMED_REWARD_API_KEY"',
          '```',
          '',
          `The scripts read its URL from \`SAFEMED_REWARD_URL\` (written default: \`${context.rewardUrl ?? 'http://127.0.0.1:8700'}\`) and stop when \`/health\` does not answer. See docs/reward.md.`,
          '',
        ]
      : [];
  return [
    `# ${context.engine} ${context.stage.toUpperCase()} recipe: ${context.name}`,
    '',
    `Written by \`safemed train recipe\` for ${context.nodes} node(s) × ${context.gpus} GPU(s), from ${records} records.`,
    `Every config key and flag below was checked against \`${keys.file}\` (${keys.version}; source: ${keys.source[0] ?? ''}).`,
    '',
    '## Files',
    '',
    ...recipe.dataFiles.map((file) => `- \`${file}\`: ${file.endsWith('dataset_info.json') ? 'the LLaMA-Factory dataset registry' : 'training data'}`),
    ...recipe.files.map((file) => `- \`${file.path}\``),
    '',
    '## Run',
    '',
    `- one node: \`${recipe.singleNode}\``,
    `- ${context.nodes > 1 ? context.nodes : 'several'} nodes: \`${recipe.multiNode}\``,
    '',
    ...reward,
    '## Values and where they come from',
    '',
    '| setting | value | from | note |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    '## Notes',
    '',
    ...recipe.notes.map((note) => `- ${note}`),
    '- The model card (SafeMed-R1) gives the base model, the answer format, the 4,096-token length and the two stages (SFT, then GRPO with a judge scoring risk 1–5 and a KL term); it gives no group size, KL coefficient, learning rate or batch size — those are ours.',
    '',
  ].join('\n');
}

export async function writeRecipe(options: WriteRecipeOptions): Promise<WriteRecipeResult> {
  if (!(TRAIN_ENGINES as readonly string[]).includes(options.engine)) {
    throw new ConfigError(`Unknown engine "${options.engine}".`, { key: 'engine', fix: `Engines: ${TRAIN_ENGINES.join(', ')}.` });
  }
  if (!Number.isInteger(options.gpus) || options.gpus < 1) throw new ConfigError('--gpus must be a whole number ≥ 1.', { key: 'gpus', fix: 'Example: --gpus 8' });
  const nodes = options.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1) throw new ConfigError('--nodes must be a whole number ≥ 1.', { key: 'nodes', fix: 'Example: --nodes 2' });
  if (options.stage === 'grpo' && options.rewardUrl === undefined) {
    throw new ConfigError('GRPO needs the reward server: pass --reward-url.', { key: 'reward-url', fix: 'Start `safemed reward serve` and pass --reward-url http://<host>:8700.' });
  }
  const settings = recipeSettings(options.stage, options);
  const records = readTrainingRecords(options.data, settings.systemPrompt.value);
  if (options.stage === 'sft') {
    const missing = records.find((record) => record.target === undefined);
    if (missing) throw new ConfigError(`Record ${missing.id} has no response, which SFT needs.`, { key: 'data', fix: 'Give SFT records a response (or messages ending with the assistant turn).' });
  }
  const context: RecipeContext = {
    stage: options.stage,
    engine: options.engine,
    settings,
    records,
    rewardUrl: options.rewardUrl,
    gpus: options.gpus,
    nodes,
    outDir: options.outDir,
    name: options.name ?? `safemed-${options.stage}`,
    openrlhfFlags: options.openrlhfFlags ?? 'dotted',
  };
  mkdirSync(options.outDir, { recursive: true });
  const recipe = await BUILDERS[options.engine](context);
  const files = [...recipe.dataFiles];
  for (const file of [...recipe.files, { path: 'README.md', content: readme(context, recipe, records.length) }]) {
    const path = join(options.outDir, file.path);
    writeFileSync(path, file.content);
    if ('executable' in file && file.executable) chmodSync(path, 0o755);
    files.push(file.path);
  }
  return { outDir: options.outDir, files, records: records.length, settings, recipe };
}
