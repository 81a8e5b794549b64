/** verl GRPO: parquet rows, the GRPO overrides as YAML (for reading) and as the launch command, the compute_score file. */
import { stringify } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { exportRecords, type ExportRecordInput } from '../../data/export/index.js';
import { assertDocumentedKeys } from '../engine-keys.js';
import type { EngineRecipe, RecipeContext } from '../recipe-types.js';
import { integrationFile } from './copy-integration.js';
import { rewardEnvironment, script, shellQuote } from './shell.js';

/** {a: {b: 1}} from [["a.b", 1]]. */
function nest(entries: Array<[string, unknown]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = root;
    parts.slice(0, -1).forEach((part) => {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    });
    node[parts.at(-1) ?? key] = value;
  }
  return root;
}

function hydraValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((entry) => (typeof entry === 'string' ? `"${entry}"` : String(entry))).join(',')}]`;
  return String(value);
}

export async function buildVerlRecipe(context: RecipeContext): Promise<EngineRecipe> {
  if (context.stage !== 'grpo') {
    throw new ConfigError('SafeMed writes verl recipes for GRPO only.', { key: 'stage', fix: 'Use --stage grpo with verl, or --engine llamafactory|ms-swift|trl for SFT.' });
  }
  const { settings } = context;
  const train: ExportRecordInput[] = context.records.filter((record) => (record.split ?? 'train') === 'train');
  const validation = context.records.filter((record) => record.split === 'dev');
  const trainExport = await exportRecords(train, { format: 'verl', stage: 'grpo', outDir: `${context.outDir}/data`, name: 'train' });
  const files = [...trainExport.files];
  if (validation.length > 0) files.push(...(await exportRecords(validation, { format: 'verl', stage: 'grpo', outDir: `${context.outDir}/data`, name: 'val' })).files);
  const totalGpus = context.gpus * context.nodes;
  const overrides: Array<[string, unknown]> = [
    ['algorithm.adv_estimator', 'grpo'],
    ['algorithm.use_kl_in_reward', false],
    ['data.train_files', 'data/train.parquet'],
    ['data.val_files', validation.length > 0 ? 'data/val.parquet' : 'data/train.parquet'],
    ['data.train_batch_size', Math.max(8, totalGpus * 4)],
    ['data.max_prompt_length', settings.maxPromptLength.value],
    ['data.max_response_length', settings.maxResponseLength.value],
    ['data.filter_overlong_prompts', true],
    ['data.truncation', 'error'],
    ['actor_rollout_ref.model.path', settings.base.value],
    ['actor_rollout_ref.model.use_remove_padding', true],
    ['actor_rollout_ref.model.enable_gradient_checkpointing', true],
    ['actor_rollout_ref.actor.optim.lr', settings.learningRate.value],
    ['actor_rollout_ref.actor.ppo_mini_batch_size', Math.max(8, totalGpus * 2)],
    ['actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu', 1],
    ['actor_rollout_ref.actor.use_kl_loss', true],
    ['actor_rollout_ref.actor.kl_loss_coef', settings.klCoefficient.value],
    ['actor_rollout_ref.actor.kl_loss_type', 'low_var_kl'],
    ['actor_rollout_ref.actor.entropy_coeff', 0],
    ['actor_rollout_ref.actor.fsdp_config.param_offload', true],
    ['actor_rollout_ref.actor.fsdp_config.optimizer_offload', true],
    ['actor_rollout_ref.rollout.name', 'vllm'],
    ['actor_rollout_ref.rollout.n', settings.groupSize.value],
    ['actor_rollout_ref.rollout.temperature', settings.rolloutTemperature.value],
    ['actor_rollout_ref.rollout.tensor_model_parallel_size', Math.min(context.gpus, 8)],
    ['actor_rollout_ref.rollout.gpu_memory_utilization', 0.5],
    ['actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu', 1],
    ['actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu', 1],
    ['actor_rollout_ref.ref.fsdp_config.param_offload', true],
    ['reward_model.reward_manager', 'batch'],
    ['custom_reward_function.path', 'safemed_reward.py'],
    ['custom_reward_function.name', 'compute_score_batch'],
    ['trainer.critic_warmup', 0],
    ['trainer.logger', ['console']],
    ['trainer.project_name', 'safemed'],
    ['trainer.experiment_name', context.name],
    ['trainer.n_gpus_per_node', context.gpus],
    ['trainer.nnodes', context.nodes],
    ['trainer.save_freq', 50],
    ['trainer.test_freq', 50],
    ['trainer.total_epochs', settings.epochs.value],
  ];
  assertDocumentedKeys('verl', 'keys', overrides.map(([key]) => key), 'the verl overrides');
  const command = ['python3 -m verl.trainer.main_ppo \\', overrides.map(([key, value]) => `  ${key}=${shellQuote(hydraValue(value))}`).join(' \\\n')].join('\n');
  const yamlFile = `${context.name}.yaml`;
  return {
    files: [
      {
        path: yamlFile,
        content: `# verl GRPO settings for SafeMed (safemed train recipe): the same values run_*.sh passes as overrides.\n# Keys checked against data/train/verl-keys.yaml.\n${stringify(nest(overrides))}`,
      },
      { path: 'run_single_node.sh', executable: true, content: script([...rewardEnvironment(context.rewardUrl), command]) },
      {
        path: 'run_multi_node.sh',
        executable: true,
        content: script([
          ...rewardEnvironment(context.rewardUrl),
          '# 1. On the head node:    ray start --head --port=6379',
          '# 2. On every other node: ray start --address=<head ip>:6379',
          `# 3. On the head node, once ray status shows ${context.nodes} nodes, run this script.`,
          command,
        ]),
      },
      integrationFile('verl/safemed_reward.py', 'safemed_reward.py'),
    ],
    dataFiles: files.map((file) => file.slice(context.outDir.length + 1)),
    checkedFiles: [yamlFile, 'run_single_node.sh', 'run_multi_node.sh'],
    singleNode: 'bash run_single_node.sh',
    multiNode: 'start a Ray cluster over the nodes, then on the head node: bash run_multi_node.sh',
    notes: [
      'Rows: `{data_source, prompt, ability, reward_model: {style: "rule", ground_truth: <label JSON>}, extra_info: {split, index, id, question, kind}}`.',
      '`reward_model.reward_manager=batch` calls `compute_score_batch` in `safemed_reward.py` once per batch (one POST to the reward server).',
    ],
  };
}
