/**
 * The `safemed chat` session: one question, or an interactive loop on stdin. Ctrl-C stops the
 * answer being streamed (the session goes on); Ctrl-D (end of input) stops it and ends the session.
 */
import { createInterface } from 'node:readline';
import type { ChatMessage, GenerationSettings } from '../../core/chat.js';
import { ConfigError, SafemedError, isAbortError } from '../../core/errors.js';
import { reportCliError } from '../report-cli-error.js';
import { parseNumberFlag } from '../parse-number-flag.js';
import type { ChatAnswer, ChatSession } from './chat-session-types.js';
import { createChatPrinter } from './create-chat-printer.js';

export interface ChatFlags {
  model?: string;
  server?: string;
  apiKey?: string;
  servedModelName?: string;
  json?: boolean;
  stream: boolean;
  systemPrompt?: string | false;
  threads?: string;
  contextSize?: string;
  maxTokens?: string;
  temperature?: string;
  guard: string;
}

async function openSession(flags: ChatFlags, settings: GenerationSettings): Promise<ChatSession> {
  const { model, server } = flags;
  if ((model === undefined) === (server === undefined)) {
    throw new ConfigError('Pass exactly one of --model <backend URI> or --server <url>.', {
      key: 'model',
      fix: 'e.g. safemed chat --model llama:./model.gguf "question", or --server http://127.0.0.1:8000.',
    });
  }
  if (server !== undefined) {
    const { createServerSession } = await import('./ask-server.js');
    return createServerSession({
      server,
      apiKey: flags.apiKey ?? process.env.SAFEMED_API_KEY,
      servedModelName: flags.servedModelName,
      stream: flags.stream,
      settings,
    });
  }
  const { createBackendSession } = await import('./ask-backend.js');
  const threads = parseNumberFlag('--threads', flags.threads, { integer: true, minimum: 1 });
  const contextSize = parseNumberFlag('--context-size', flags.contextSize, { integer: true, minimum: 1 });
  return createBackendSession({
    model: model ?? '',
    stream: flags.stream,
    guard: flags.guard !== 'off',
    systemPrompt: flags.systemPrompt === false ? null : flags.systemPrompt,
    ...(threads !== undefined ? { threads } : {}),
    ...(contextSize !== undefined ? { contextSize } : {}),
    settings,
  });
}

/** Where the session reads and writes (the terminal by default; tests pass streams). */
/** A question refused because the conversation no longer fits the model's context (in-process or from a server). */
function isContextOverflow(error: unknown): boolean {
  if (!(error instanceof SafemedError)) return false;
  return error.code === 'context_length_exceeded' || error.context.upstreamCode === 'context_length_exceeded';
}

export interface ChatIo {
  input: NodeJS.ReadableStream;
  write(text: string): void;
  /** The input is a terminal: line editing, and Ctrl-D ends an answer that is streaming. */
  interactive: boolean;
  /** Dim the reasoning (a terminal) or label it (pipes, files). */
  styled: boolean;
  /** Where an interactive session's line editor echoes and shows its `you>` prompt (default: stdout). */
  promptOutput?: NodeJS.WritableStream;
  /** Where a session reports an answer that failed, and goes on (default: stderr). */
  writeError?: (text: string) => void;
}

const terminalIo = (): ChatIo => ({
  input: process.stdin,
  write: (text) => void process.stdout.write(text),
  interactive: process.stdin.isTTY,
  styled: process.stdout.isTTY,
  promptOutput: process.stdout,
});

export async function runChat(question: string | undefined, flags: ChatFlags, io: ChatIo = terminalIo()): Promise<void> {
  const settings: GenerationSettings = {};
  const maxTokens = parseNumberFlag('--max-tokens', flags.maxTokens, { integer: true, minimum: 1 });
  const temperature = parseNumberFlag('--temperature', flags.temperature, { minimum: 0 });
  if (maxTokens !== undefined) settings.maxTokens = maxTokens;
  if (temperature !== undefined) settings.temperature = temperature;
  const session = await openSession(flags, settings);
  const write = (text: string): void => {
    io.write(text);
  };
  const printer = createChatPrinter(flags.json ? () => undefined : write, io.styled);
  const history: ChatMessage[] = [];
  if (flags.server !== undefined && typeof flags.systemPrompt === 'string') history.push({ role: 'system', content: flags.systemPrompt });
  const firstTurn = history.length;
  let current: AbortController | undefined;

  const turn = async (text: string): Promise<void> => {
    history.push({ role: 'user', content: text });
    try {
      await answerTurn();
    } catch (error) {
      history.pop(); // the question that got no answer is not part of the conversation
      throw error;
    }
  };
  const answerTurn = async (): Promise<void> => {
    const controller = new AbortController();
    current = controller;
    let answer: ChatAnswer | undefined;
    try {
      answer = await session.ask(history, printer.callbacks, controller.signal);
    } catch (error) {
      if (!controller.signal.aborted || !isAbortError(error)) throw error;
      answer = { reasoning: '', answer: '', usage: null, finish_reason: null, stopped: true };
    } finally {
      current = undefined;
    }
    if (controller.signal.aborted) answer.stopped = true;
    printer.end(answer);
    if (flags.json) write(JSON.stringify(answer) + '\n');
    history.push({ role: 'assistant', content: answer.answer });
  };

  try {
    if (question !== undefined) {
      await turn(question);
      return;
    }
    const isTTY = io.interactive;
    const lines = createInterface({ input: io.input, ...(isTTY ? { output: io.promptOutput ?? process.stdout } : {}), terminal: isTTY && io.input === process.stdin });
    const input = { ended: false };
    // Ctrl-D while an answer streams: stop it now (not after it finishes), then leave. (Piped input
    // ends right after its last line; the questions already read are still answered.)
    lines.on('close', () => {
      input.ended = true;
      if (isTTY) current?.abort();
    });
    // Ctrl-C while an answer streams stops that answer; at the prompt it leaves.
    lines.on('SIGINT', () => {
      if (current) current.abort();
      else lines.close();
    });
    lines.setPrompt('you> ');
    if (isTTY) write('SafeMed chat — /exit or Ctrl-D to leave, /reset starts a new conversation, Ctrl-C stops an answer.\n');
    if (isTTY) lines.prompt();
    // A failed answer (the server's 429 or 502, a dropped connection) is reported and the session goes on
    // with the conversation so far: it ended the whole session, and the questions piped after it went
    // unasked (probing round 6). The exit code still says that something failed.
    let failures = 0;
    let asked = 0;
    for await (const line of lines) {
      const text = line.trim();
      if (text === '/exit' || text === '/quit') break;
      if (text === '/reset') {
        // a conversation past the model's context fails every question after it: start over (the system prompt stays)
        history.splice(firstTurn);
        if (isTTY) write('(new conversation)\n');
      } else if (text !== '') {
        asked += 1;
        try {
          await turn(text);
        } catch (error) {
          failures += 1;
          const writeError = io.writeError ?? ((out: string) => void process.stderr.write(out));
          reportCliError(error, (message) => { writeError(`${message}\n`); });
          if (isContextOverflow(error)) writeError('  (the conversation no longer fits the model: /reset starts a new one)\n');
        }
      }
      if (input.ended && isTTY) break;
      if (isTTY) lines.prompt();
    }
    lines.close();
    if (failures > 0) throw new SafemedError('chat_failed', `${failures} of ${asked} answers failed (each error is above).`);
  } finally {
    await session.close();
  }
}
