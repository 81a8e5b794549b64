/**
 * OpenRLHF GRPO (group_norm advantages): a Ray job with the remote reward URL pointing at
 * `safemed reward serve` /get_reward. Flags in the 0.10.2+ dotted form, or the 0.9.x flat form.
 */
import { ConfigError } from '../../core/errors.js';
import { exportRecords } from '../../data/export/index.js';
import { assertDocumentedKeys } from '../engine-keys.js';
import type { EngineRecipe, RecipeContext } from '../recipe-types.js';
import { integrationFile } from './copy-integration.js';
import { flagLines, script } from './shell.js';

type Flag = [dotted: string, flat: string, value: string | number | boolean];

export function getRewardEndpoint(rewardUrl: string | undefined): string {
  const base = (rewardUrl ?? 'http://127.0.0.1:8700').replace(/\/+$/, '');
  return base.endsWith('/get_reward') ? base : `${base}/get_reward`;
}

export async function buildOpenRlhfRecipe(context: RecipeContext): Promise<EngineRecipe> {
  if (context.stage !== 'grpo') {
    throw new ConfigError('SafeMed writes OpenRLHF recipes for GRPO only.', { key: 'stage', fix: 'Use --stage grpo with openrlhf, or --engine llamafactory|ms-swift|trl for SFT.' });
  }
  const { settings } = context;
  const exported = await exportRecords(context.records, { format: 'ms-swift', stage: 'grpo', outDir: `${context.outDir}/data`, name: context.name });
  const totalGpus = context.gpus * context.nodes;
  const flags: Flag[] = [
    ['actor.model_name_or_path', 'pretrain', settings.base.value],
    ['reward.remote_url', 'remote_rm_url', getRewardEndpoint(context.rewardUrl)],
    ['data.prompt_dataset', 'prompt_data', `data/${context.name}.jsonl`],
    ['data.input_key', 'input_key', 'messages'],
    ['data.label_key', 'label_key', 'solution'],
    ['data.apply_chat_template', 'apply_chat_template', true],
    ['ref.num_nodes', 'ref_num_nodes', context.nodes],
    ['ref.num_gpus_per_node', 'ref_num_gpus_per_node', context.gpus],
    ['actor.num_nodes', 'actor_num_nodes', context.nodes],
    ['actor.num_gpus_per_node', 'actor_num_gpus_per_node', context.gpus],
    ['vllm.num_engines', 'vllm_num_engines', Math.max(1, Math.floor(totalGpus / Math.min(context.gpus, 4)))],
    ['vllm.tensor_parallel_size', 'vllm_tensor_parallel_size', Math.min(context.gpus, 4)],
    ['vllm.gpu_memory_utilization', 'vllm_gpu_memory_utilization', 0.5],
    ['vllm.enable_sleep', 'vllm_enable_sleep', true],
    ['ds.enable_sleep', 'deepspeed_enable_sleep', true],
    ['train.colocate_all', 'colocate_all_models', true],
    ['algo.advantage.estimator', 'advantage_estimator', 'group_norm'],
    ['algo.kl.use_loss', 'use_kl_loss', true],
    ['algo.kl.estimator', 'kl_estimator', 'k3'],
    ['algo.kl.init_coef', 'init_kl_coef', settings.klCoefficient.value],
    ['rollout.n_samples_per_prompt', 'n_samples_per_prompt', settings.groupSize.value],
    ['rollout.batch_size', 'rollout_batch_size', Math.max(8, totalGpus * 4)],
    ['rollout.micro_batch_size', 'micro_rollout_batch_size', 4],
    ['rollout.max_new_tokens', 'generate_max_len', settings.maxResponseLength.value],
    ['rollout.temperature', 'temperature', settings.rolloutTemperature.value],
    ['train.batch_size', 'train_batch_size', Math.max(8, totalGpus * 4) * settings.groupSize.value],
    ['train.micro_batch_size', 'micro_train_batch_size', 1],
    ['train.max_epochs', 'max_epochs', 1],
    ['train.num_episodes', 'num_episodes', settings.epochs.value],
    ['actor.adam.lr', 'actor_learning_rate', settings.learningRate.value],
    ['ds.zero_stage', 'zero_stage', 3],
    ['actor.gradient_checkpointing_enable', 'gradient_checkpointing', true],
    ['ckpt.output_dir', 'save_path', `checkpoint/${context.name}`],
    ['ckpt.path', 'ckpt_path', `checkpoint/${context.name}/ckpt`],
    ['ckpt.save_steps', 'save_steps', 50],
    ['ckpt.save_hf', 'save_hf_ckpt', true],
    ['logger.logging_steps', 'logging_steps', 1],
  ];
  // max length: 0.10.2+ has one data.max_len; 0.9.x takes the prompt length.
  const style = context.openrlhfFlags;
  const chosen: Array<[string, string | number | boolean]> = flags.map(([dotted, flat, value]) => [style === 'dotted' ? dotted : flat, value]);
  if (style === 'dotted') chosen.push(['data.max_len', settings.maxLength.value], ['ds.param_dtype', 'bf16']);
  else chosen.push(['prompt_max_len', settings.maxPromptLength.value], ['bf16', true]);
  assertDocumentedKeys('openrlhf', style, chosen.map(([key]) => key), 'the train_ppo_ray command line');
  const job = [
    'ray job submit --address="${RAY_ADDRESS:-http://127.0.0.1:8265}" \\',
    '  --runtime-env-json="{\\"working_dir\\": \\"$(pwd)\\"}" \\',
    '  -- python3 -m openrlhf.cli.train_ppo_ray \\',
    flagLines(chosen, { bareBooleans: true }),
  ].join('\n');
  const check = [
    `REWARD_URL=${getRewardEndpoint(context.rewardUrl)}`,
    'curl -fsS "${REWARD_URL%/get_reward}/health" >/dev/null || { echo "safemed reward serve is not reachable at $REWARD_URL" >&2; exit 1; }',
    '',
  ];
  return {
    files: [
      { path: 'run_single_node.sh', executable: true, content: script([...check, `ray start --head --num-gpus ${context.gpus} || true`, '', job]) },
      {
        path: 'run_multi_node.sh',
        executable: true,
        content: script([
          ...check,
          '# 1. On the head node:    ray start --head --port=6379 --dashboard-host=0.0.0.0',
          `# 2. On every other node: ray start --address=<head ip>:6379 --num-gpus ${context.gpus}`,
          '# 3. On the head node, run this script.',
          job,
        ]),
      },
      integrationFile('openrlhf/reward_func.py', 'reward_func.py'),
    ],
    dataFiles: exported.files.map((file) => file.slice(context.outDir.length + 1)),
    checkedFiles: ['run_single_node.sh', 'run_multi_node.sh'],
    singleNode: 'bash run_single_node.sh',
    multiNode: 'start a Ray cluster over the nodes, then on the head node: bash run_multi_node.sh',
    notes: [
      `Flags in the OpenRLHF ${style === 'dotted' ? '0.10.2+ dotted' : '0.9.x flat'} form (\`--openrlhf-flags ${style === 'dotted' ? 'flat' : 'dotted'}\` writes the other).`,
      `The trainer POSTs {query, prompts, labels} to ${getRewardEndpoint(context.rewardUrl)}; labels come from the \`solution\` column. To call the server from a reward function file instead, pass \`reward_func.py\` as the remote URL (it reads SAFEMED_REWARD_URL).`,
      'OpenRLHF sends no headers: with an API key, put it in the URL (…/get_reward?api_key=KEY).',
    ],
  };
}
