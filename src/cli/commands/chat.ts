/** `safemed chat`: the command's flags. The session (and every heavy module) loads in the action. */
import { Option, type Command } from 'commander';
import type { ChatFlags } from '../chat/run-chat.js';

export function registerChatCommand(program: Command): void {
  program
    .command('chat')
    .description('Ask a question (one-shot) or chat interactively (no argument; /exit or Ctrl-D to leave, /reset starts a new conversation), with the reasoning above the answer and the guard verdict under it.')
    .argument('[question]', 'the question; omit it for an interactive session')
    .option('--model <uri>', 'backend URI: llama:<file.gguf>, hf:..., openai:<base-url>, vllm:<base-url>')
    .option('--server <url>', 'a running SafeMed server (or any OpenAI-compatible API), e.g. http://127.0.0.1:8000')
    .option('--api-key <key>', 'API key for --server (default $SAFEMED_API_KEY)')
    .option('--served-model-name <name>', 'model name at --server (default: the first it lists)')
    .option('--json', 'print one JSON object {reasoning, answer, usage, finish_reason, safemed?} per answer')
    .option('--no-stream', 'wait for the whole answer')
    .addOption(new Option('--guard <mode>', 'with --model: the SafeMed guard around the model, as in serve').choices(['on', 'off']).default('on'))
    .option('--system-prompt <text>', "system prompt (default: the model card's)")
    .option('--no-system-prompt', 'no system prompt')
    .option('--max-tokens <n>', 'answer length limit')
    .option('--temperature <t>', 'sampling temperature (model card default 0)')
    .option('--threads <n>', 'llama.cpp threads')
    .option('--context-size <tokens>', 'llama.cpp context size')
    .action(async (question: string | undefined, flags: ChatFlags) => {
      const { runChat } = await import('../chat/run-chat.js');
      await runChat(question, flags);
    });
}
