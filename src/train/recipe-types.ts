/** Shared shapes of the recipe writers. */
import type { ExportRecordInput } from '../data/export/index.js';
import type { TrainEngine } from './engine-keys.js';
import type { RecipeSettings } from './recipe-settings.js';

export type TrainStage = 'sft' | 'grpo';

export interface RecipeContext {
  stage: TrainStage;
  engine: TrainEngine;
  settings: RecipeSettings;
  records: ExportRecordInput[];
  /** Base URL of `safemed reward serve` (GRPO). */
  rewardUrl: string | undefined;
  gpus: number;
  nodes: number;
  outDir: string;
  /** Experiment name (file stems, run names). */
  name: string;
  /** OpenRLHF flag style: dotted (0.10.2+) or flat (0.9.x). */
  openrlhfFlags: 'dotted' | 'flat';
}

export interface RecipeFile {
  /** Relative to the output folder. */
  path: string;
  content: string;
  executable?: boolean;
}

export interface EngineRecipe {
  files: RecipeFile[];
  /** The data files written (relative paths). */
  dataFiles: string[];
  /** The engine config files whose keys were checked against data/train/<engine>-keys.yaml. */
  checkedFiles: string[];
  singleNode: string;
  multiNode: string;
  /** Engine-specific lines for the README. */
  notes: string[];
}
