/**
 * `safemed model ...`: make the tiny test GGUF, inspect a GGUF, fetch an `hf:` model into the cache.
 * The actions (node-llama-cpp's GGUF reader, the downloader) load only when one runs.
 */
import type { Command } from 'commander';

const actions = () => import('../model/run-model-commands.js');

export function registerModelCommand(program: Command): void {
  const model = program.command('model').description('Create, inspect and fetch GGUF models for the embedded llama.cpp backend.');

  model
    .command('make-tiny')
    .description('Write a tiny random llama GGUF (2 layers, 64 wide, ChatML) for tests and demos; byte-identical for one seed.')
    .argument('<out>', 'output .gguf path')
    .option('--seed <n>', 'PRNG seed for the weights', '1')
    .action(async (out: string, options: { seed: string }) => (await actions()).runMakeTiny(out, options));

  model
    .command('info')
    .description("Print a GGUF file's metadata: architecture, context length, layers, vocabulary, chat template, size.")
    .argument('<file>', '.gguf file')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => (await actions()).runModelInfo(file, options));

  model
    .command('pull')
    .description('Download hf:<user>/<repo>/<file.gguf> into the model cache ($SAFEMED_CACHE_DIR or ~/.cache/safemed/models) and print its path.')
    .argument('<uri>', 'hf:<user>/<repo>/<file.gguf>')
    .option('--cache-dir <dir>', 'model cache directory')
    .action(async (uri: string, options: { cacheDir?: string }) => (await actions()).runModelPull(uri, options));
}
