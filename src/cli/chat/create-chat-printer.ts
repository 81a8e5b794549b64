import { styleText } from 'node:util';
import type { ChatAnswer, ChatCallbacks } from './chat-session-types.js';
import { describeChatVerdict } from './describe-chat-verdict.js';
import { toTerminalText } from '../terminal-text.js';

export interface ChatPrinter {
  callbacks: ChatCallbacks;
  /** Ends the answer: a newline, then the guard's verdict line(s). */
  end(answer: ChatAnswer | undefined): void;
}

/**
 * Prints reasoning (dimmed on a TTY, labelled otherwise) above the answer as it streams, and the
 * guard's verdict under it. Each write is styled on its own, so dimming never runs past a line.
 * On a TTY, the model's and the server's text is printed with its control characters made visible.
 */
export function createChatPrinter(write: (text: string) => void, isTTY: boolean): ChatPrinter {
  let section: 'none' | 'reasoning' | 'answer' = 'none';
  const shown = (text: string) => (isTTY ? toTerminalText(text) : text);
  const dim = (text: string) => (isTTY ? styleText('dim', text) : text);
  return {
    callbacks: {
      onReasoning: (text) => {
        if (text === '') return;
        if (section === 'none') {
          if (!isTTY) write('Reasoning:\n');
          section = 'reasoning';
        }
        write(dim(shown(text)));
      },
      onAnswer: (text) => {
        if (text === '') return;
        if (section !== 'answer') {
          if (section === 'reasoning') write('\n\n');
          if (!isTTY) write('Answer:\n');
          section = 'answer';
        }
        write(shown(text));
      },
    },
    end: (answer) => {
      if (section !== 'none') write('\n');
      section = 'none';
      if (!answer) return;
      const lines = describeChatVerdict({ safemed: answer.safemed, finishReason: answer.finish_reason, stopped: answer.stopped === true });
      for (const line of lines) write(`${dim(`[${shown(line)}]`)}\n`);
    },
  };
}
