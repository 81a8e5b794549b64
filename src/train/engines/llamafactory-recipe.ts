/** LLaMA-Factory SFT: dataset_info.json + sharegpt JSONL (OpenAI-style tags), a training YAML, torchrun launches. */
import { stringify } from 'yaml';
import { exportRecords } from '../../data/export/index.js';
import { ConfigError } from '../../core/errors.js';
import { assertDocumentedKeys } from '../engine-keys.js';
import type { EngineRecipe, RecipeContext } from '../recipe-types.js';
import { script } from './shell.js';

export async function buildLlamaFactoryRecipe(context: RecipeContext): Promise<EngineRecipe> {
  if (context.stage !== 'sft') {
    throw new ConfigError('LLaMA-Factory has no GRPO trainer.', { key: 'engine', fix: 'Use --stage sft with llamafactory, or --engine verl|openrlhf|ms-swift|trl for GRPO.' });
  }
  const { settings } = context;
  const exported = await exportRecords(context.records, { format: 'llamafactory-sharegpt', stage: 'sft', outDir: `${context.outDir}/data`, name: context.name });
  const info = exported.datasetInfo ?? {};
  for (const [name, entry] of Object.entries(info)) {
    assertDocumentedKeys('llamafactory', 'dataset_info', Object.keys(entry), `data/dataset_info.json (${name})`);
    assertDocumentedKeys('llamafactory', 'dataset_info_columns', Object.keys(entry.columns), `data/dataset_info.json (${name}.columns)`);
    assertDocumentedKeys('llamafactory', 'dataset_info_tags', Object.keys(entry.tags ?? {}), `data/dataset_info.json (${name}.tags)`);
  }
  const config = {
    model_name_or_path: settings.base.value,
    trust_remote_code: true,
    stage: 'sft',
    do_train: true,
    finetuning_type: 'full',
    deepspeed: 'ds_z3_config.json',
    dataset: context.name,
    dataset_dir: 'data',
    template: 'qwen3',
    enable_thinking: true,
    cutoff_len: settings.maxLength.value,
    overwrite_cache: true,
    preprocessing_num_workers: 16,
    dataloader_num_workers: 4,
    output_dir: `saves/${context.name}`,
    logging_steps: 10,
    save_steps: 500,
    plot_loss: true,
    overwrite_output_dir: true,
    save_only_model: true,
    report_to: 'none',
    per_device_train_batch_size: settings.perDeviceBatchSize.value,
    gradient_accumulation_steps: settings.gradientAccumulation.value,
    learning_rate: settings.learningRate.value,
    num_train_epochs: settings.epochs.value,
    lr_scheduler_type: 'cosine',
    warmup_ratio: settings.warmupRatio.value,
    bf16: true,
    gradient_checkpointing: true,
    ddp_timeout: 180000000,
  };
  const configFile = `${context.name}.yaml`;
  assertDocumentedKeys('llamafactory', 'train', Object.keys(config), configFile);
  const deepspeed = {
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    zero_allow_untested_optimizer: true,
    bf16: { enabled: 'auto' },
    zero_optimization: { stage: 3, overlap_comm: false, contiguous_gradients: true, reduce_bucket_size: 'auto', stage3_prefetch_bucket_size: 'auto', stage3_param_persistence_threshold: 'auto', stage3_max_live_parameters: 1e9, stage3_max_reuse_distance: 1e9, stage3_gather_16bit_weights_on_model_save: true },
  };
  return {
    files: [
      { path: configFile, content: `# LLaMA-Factory SFT of ${settings.base.value} for SafeMed (safemed train recipe). Keys checked against data/train/llamafactory-keys.yaml.\n${stringify(config)}` },
      { path: 'ds_z3_config.json', content: JSON.stringify(deepspeed, null, 2) + '\n' },
      { path: 'run_single_node.sh', executable: true, content: script([`FORCE_TORCHRUN=1 NPROC_PER_NODE=${context.gpus} llamafactory-cli train ${configFile}`]) },
      {
        path: 'run_multi_node.sh',
        executable: true,
        content: script([
          '# Run on every node with its own NODE_RANK (0 on the master); MASTER_ADDR is the master\'s address.',
          `FORCE_TORCHRUN=1 NNODES=${context.nodes} NODE_RANK="\${NODE_RANK:?set NODE_RANK}" MASTER_ADDR="\${MASTER_ADDR:?set MASTER_ADDR}" MASTER_PORT="\${MASTER_PORT:-29500}" NPROC_PER_NODE=${context.gpus} llamafactory-cli train ${configFile}`,
        ]),
      },
    ],
    dataFiles: exported.files.map((file) => file.slice(context.outDir.length + 1)),
    checkedFiles: [configFile, 'data/dataset_info.json'],
    singleNode: 'bash run_single_node.sh',
    multiNode: `NODE_RANK=<0..${context.nodes - 1}> MASTER_ADDR=<master ip> bash run_multi_node.sh   # on each node`,
    notes: [
      'The data is in ShareGPT form with OpenAI-style role/content tags; `data/dataset_info.json` names it `' + context.name + '`.',
      'Template `qwen3` with `enable_thinking: true` keeps the `<think>…</think>` part of every target in the loss.',
    ],
  };
}
