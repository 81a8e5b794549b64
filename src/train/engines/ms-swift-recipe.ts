/** MS-Swift 3.x: `swift sft` or `swift rlhf --rlhf_type grpo` command lines, JSONL `messages` (+ `solution`), the SafeMed ORM plugin. */
import { exportRecords } from '../../data/export/index.js';
import { assertDocumentedKeys } from '../engine-keys.js';
import type { EngineRecipe, RecipeContext } from '../recipe-types.js';
import { integrationFile } from './copy-integration.js';
import { flagLines, rewardEnvironment, script } from './shell.js';

export async function buildMsSwiftRecipe(context: RecipeContext): Promise<EngineRecipe> {
  const { settings, stage } = context;
  const exported = await exportRecords(context.records, { format: 'ms-swift', stage, outDir: `${context.outDir}/data`, name: context.name });
  const dataFile = `data/${context.name}.jsonl`;
  const common: Array<[string, string | number | boolean]> = [
    ['model', settings.base.value],
    ['train_type', 'full'],
    ['dataset', dataFile],
    ['torch_dtype', 'bfloat16'],
    ['num_train_epochs', settings.epochs.value],
    ['per_device_train_batch_size', settings.perDeviceBatchSize.value],
    ['learning_rate', settings.learningRate.value],
    ['gradient_accumulation_steps', settings.gradientAccumulation.value],
    ['save_steps', 500],
    ['save_total_limit', 2],
    ['logging_steps', 5],
    ['max_length', stage === 'sft' ? settings.maxLength.value : settings.maxPromptLength.value],
    ['output_dir', `output/${context.name}`],
    ['warmup_ratio', settings.warmupRatio.value],
    ['dataloader_num_workers', 4],
    ['deepspeed', 'zero3'],
  ];
  const grpo: Array<[string, string | number | boolean]> = [
    ['rlhf_type', 'grpo'],
    ['external_plugins', 'safemed_orm.py'],
    ['reward_funcs', 'safemed'],
    ['num_generations', settings.groupSize.value],
    ['max_completion_length', settings.maxResponseLength.value],
    ['beta', settings.klCoefficient.value],
    ['temperature', settings.rolloutTemperature.value],
    ['use_vllm', true],
    ['vllm_mode', 'colocate'],
    ['vllm_gpu_memory_utilization', 0.5],
    ['sleep_level', 1],
    ['log_completions', true],
  ];
  assertDocumentedKeys('ms-swift', 'sft', common.map(([key]) => key), 'the swift command line');
  if (stage === 'grpo') assertDocumentedKeys('ms-swift', 'grpo', grpo.map(([key]) => key), 'the swift rlhf command line');
  const command = stage === 'sft' ? 'swift sft' : 'swift rlhf';
  const flags = stage === 'sft' ? common : [...grpo.slice(0, 1), ...common, ...grpo.slice(1)];
  const body = `${command} \\\n${flagLines(flags)}`;
  const environment = stage === 'grpo' ? rewardEnvironment(context.rewardUrl) : [];
  return {
    files: [
      { path: 'run_single_node.sh', executable: true, content: script([...environment, `NPROC_PER_NODE=${context.gpus} \\`, body]) },
      {
        path: 'run_multi_node.sh',
        executable: true,
        content: script([
          ...environment,
          '# Run on every node with its own NODE_RANK (0 on the master).',
          `NNODES=${context.nodes} NODE_RANK="\${NODE_RANK:?set NODE_RANK}" MASTER_ADDR="\${MASTER_ADDR:?set MASTER_ADDR}" MASTER_PORT="\${MASTER_PORT:-29500}" NPROC_PER_NODE=${context.gpus} \\`,
          body,
        ]),
      },
      ...(stage === 'grpo' ? [integrationFile('ms_swift/safemed_orm.py', 'safemed_orm.py')] : []),
    ],
    dataFiles: exported.files.map((file) => file.slice(context.outDir.length + 1)),
    checkedFiles: ['run_single_node.sh', 'run_multi_node.sh'],
    singleNode: 'bash run_single_node.sh',
    multiNode: `NODE_RANK=<0..${context.nodes - 1}> MASTER_ADDR=<master ip> bash run_multi_node.sh   # on each node`,
    notes:
      stage === 'grpo'
        ? ['Rows are `{"messages": [...], "solution": <label>}`; MS-Swift passes `solution` to the `safemed` ORM in `safemed_orm.py`, which calls the reward server.']
        : ['Rows are `{"messages": [system, user, assistant]}`; the assistant turn is the `<think>…</think><answer>…</answer>` target.'],
  };
}
