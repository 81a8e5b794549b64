import { SafemedError, InvalidRequestError, ConfigError, DataFormatError } from '../core/errors.js';
import { toTerminalText } from './terminal-text.js';

/**
 * Prints an error as one clear line plus its fix, and returns the exit code.
 * User errors (bad flags, files, config) exit 2; backend and internal failures exit 1.
 * A stack trace is printed only for unexpected errors, and only with SAFEMED_DEBUG=1.
 * Messages can quote what a server sent (`chat --server`: an upstream's error message; a file's text):
 * their control characters are shown as `\x1b`, never acted on — a hostile server's 400 could retitle the
 * terminal, clear it and print a fake line in colour (probing round 6).
 */
export function reportCliError(error: unknown, print: (line: string) => void = (line) => process.stderr.write(line + '\n')): number {
  const write = (line: string) => { print(toTerminalText(line)); };
  if (error instanceof SafemedError) {
    write(`safemed: ${error.message}`);
    if (error.fix) write(`  fix: ${error.fix}`);
    if (process.env.SAFEMED_DEBUG === '1' && error.stack) write(error.stack);
    const userError = error instanceof InvalidRequestError || error instanceof ConfigError || error instanceof DataFormatError;
    return userError ? 2 : 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`safemed: unexpected error: ${message}`);
  if (process.env.SAFEMED_DEBUG === '1' && error instanceof Error && error.stack) write(error.stack);
  else write('  fix: rerun with SAFEMED_DEBUG=1 for a stack trace, and report it if it persists.');
  return 1;
}
