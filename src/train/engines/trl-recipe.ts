/** TRL: SFTTrainer or GRPOTrainer scripts reading a checked YAML of SFTConfig/GRPOConfig fields, accelerate launches. */
import { stringify } from 'yaml';
import { exportRecords } from '../../data/export/index.js';
import { assertDocumentedKeys } from '../engine-keys.js';
import type { EngineRecipe, RecipeContext } from '../recipe-types.js';
import { integrationFile } from './copy-integration.js';
import { rewardEnvironment, script } from './shell.js';

const SFT_SCRIPT = `"""SafeMed SFT with TRL's SFTTrainer (written by safemed train recipe)."""
import sys

import yaml
from datasets import load_dataset
from trl import SFTConfig, SFTTrainer

settings = yaml.safe_load(open(sys.argv[1]))
model = settings.pop("model")
data = settings.pop("data")
trainer = SFTTrainer(model=model, args=SFTConfig(**settings), train_dataset=load_dataset("json", data_files=data, split="train"))
trainer.train()
trainer.save_model(settings["output_dir"])
`;

const GRPO_SCRIPT = `"""SafeMed GRPO with TRL's GRPOTrainer and the SafeMed reward server (written by safemed train recipe)."""
import sys

import yaml
from datasets import load_dataset
from trl import GRPOConfig, GRPOTrainer

from safemed_reward import safemed_reward

settings = yaml.safe_load(open(sys.argv[1]))
model = settings.pop("model")
data = settings.pop("data")
trainer = GRPOTrainer(model=model, reward_funcs=[safemed_reward], args=GRPOConfig(**settings), train_dataset=load_dataset("json", data_files=data, split="train"))
trainer.train()
trainer.save_model(settings["output_dir"])
`;

export async function buildTrlRecipe(context: RecipeContext): Promise<EngineRecipe> {
  const { settings, stage } = context;
  const exported = await exportRecords(context.records, { format: 'trl', stage, outDir: `${context.outDir}/data`, name: context.name });
  const common = {
    output_dir: `output/${context.name}`,
    learning_rate: settings.learningRate.value,
    num_train_epochs: settings.epochs.value,
    per_device_train_batch_size: settings.perDeviceBatchSize.value,
    gradient_accumulation_steps: settings.gradientAccumulation.value,
    lr_scheduler_type: 'cosine',
    warmup_ratio: settings.warmupRatio.value,
    bf16: true,
    gradient_checkpointing: true,
    logging_steps: 5,
    save_steps: 500,
    report_to: 'none',
  };
  const config =
    stage === 'sft'
      ? { ...common, max_length: settings.maxLength.value, packing: false, assistant_only_loss: true }
      : {
          ...common,
          num_generations: settings.groupSize.value,
          max_completion_length: settings.maxResponseLength.value,
          temperature: settings.rolloutTemperature.value,
          beta: settings.klCoefficient.value,
          use_vllm: true,
          vllm_mode: 'colocate',
          vllm_gpu_memory_utilization: 0.4,
          log_completions: true,
        };
  const configFile = `${context.name}.yaml`;
  assertDocumentedKeys('trl', stage, Object.keys(config), configFile);
  const scriptFile = stage === 'sft' ? 'train_sft.py' : 'train_grpo.py';
  const environment = stage === 'grpo' ? rewardEnvironment(context.rewardUrl) : [];
  const launch = (extra: string) => `accelerate launch --use_deepspeed --zero_stage 3 ${extra}${scriptFile} ${configFile}`;
  return {
    files: [
      {
        path: configFile,
        content: `# TRL ${stage === 'sft' ? 'SFTConfig' : 'GRPOConfig'} fields (checked against data/train/trl-keys.yaml); model and data are read by ${scriptFile}.\n${stringify({ model: settings.base.value, data: `data/${context.name}.jsonl` })}${stringify(config)}`,
      },
      { path: scriptFile, content: stage === 'sft' ? SFT_SCRIPT : GRPO_SCRIPT },
      { path: 'run_single_node.sh', executable: true, content: script([...environment, launch(`--num_processes ${context.gpus} `)]) },
      {
        path: 'run_multi_node.sh',
        executable: true,
        content: script([
          ...environment,
          '# Run on every node with its own NODE_RANK (0 on the master).',
          launch(`--num_machines ${context.nodes} --num_processes ${context.gpus * context.nodes} --machine_rank "\${NODE_RANK:?set NODE_RANK}" --main_process_ip "\${MASTER_ADDR:?set MASTER_ADDR}" --main_process_port "\${MASTER_PORT:-29500}" `),
        ]),
      },
      ...(stage === 'grpo' ? [integrationFile('trl/safemed_reward.py', 'safemed_reward.py')] : []),
    ],
    dataFiles: exported.files.map((file) => file.slice(context.outDir.length + 1)),
    checkedFiles: [configFile],
    singleNode: 'bash run_single_node.sh',
    multiNode: `NODE_RANK=<0..${context.nodes - 1}> MASTER_ADDR=<master ip> bash run_multi_node.sh   # on each node`,
    notes:
      stage === 'grpo'
        ? ['Rows are `{"prompt": [messages], "label": <label JSON>, "kind"}`; TRL passes `label` and `kind` to `safemed_reward`, which calls the reward server once per batch.']
        : ['Rows are `{"messages": [system, user, assistant]}` (conversational); `assistant_only_loss` trains on the target only.'],
  };
}
