/**
 * Whether `safemed serve` mounts the web console, and why not. On by default only on loopback;
 * `--console on` beyond loopback still needs API keys, because the console shows the audit trail
 * and the review queue to whoever can reach it.
 */

export type ConsoleSetting = 'on' | 'off' | 'auto';

export interface ConsoleAccessDecision {
  enabled: boolean;
  /** Why the console is off (for the log line); undefined when it is on. */
  reason?: string;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/u.test(host);
}

export function decideConsoleAccess(options: { setting: ConsoleSetting; host: string; apiKeyCount: number }): ConsoleAccessDecision {
  if (options.setting === 'off') return { enabled: false, reason: 'turned off with --console off' };
  const loopback = isLoopbackHost(options.host);
  if (!loopback && options.apiKeyCount === 0) {
    return {
      enabled: false,
      reason: `the server listens beyond loopback (${options.host}) without API keys, and the console would show the audit trail to anyone: pass --api-key to enable it`,
    };
  }
  if (!loopback && options.setting === 'auto') {
    return { enabled: false, reason: `the server listens beyond loopback (${options.host}): pass --console on to enable it (the API keys protect it)` };
  }
  return { enabled: true };
}
