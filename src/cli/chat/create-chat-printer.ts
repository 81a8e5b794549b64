import { styleText } from 'node:util';
import type { ChatAnswer, ChatCallbacks } from './chat-session-types.js';
import { describeChatVerdict } from './describe-chat-verdict.js';

export interface ChatPrinter {
  callbacks: ChatCallbacks;
  /** Ends the answer: a newline, then the guard's verdict line(s). */
  end(answer: ChatAnswer | undefined): void;
}

/**
 * Control characters a terminal acts on (ESC starts colour, cursor, title, clipboard and hyperlink
 * sequences; C1 controls are their 8-bit form), except tab and line ends. A model's or a server's text
 * printed raw could erase the guard's verdict line above it, rewrite it, or write the clipboard (OSC 52).
 */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/gu;

/**
 * Shows each terminal control as a visible escape (`\x1b`) instead of letting the terminal act on it
 * (a CRLF is a line end; a lone CR, which lets text overwrite the line it is on, is shown too).
 */
export function toTerminalText(text: string): string {
  return text.replace(/\r\n/gu, '\n').replace(TERMINAL_CONTROLS, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
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
