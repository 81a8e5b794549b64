/**
 * `safemed serve` once its flags are parsed: settings (flag > env > file > default), the backend
 * (scheme backend + model-card defaults), the guard, the audit trail and the console, then the server.
 */
import { writeSync } from 'node:fs';
import { createBackend } from '../../backends/registry.js';
import { withModelCardDefaults } from '../../backends/with-model-card-defaults.js';
import type { Backend } from '../../core/backend.js';
import { resolveSettings } from '../../core/config.js';
import { createLogger, type Logger } from '../../core/logger.js';
import { createGuardFromSettings } from '../../guard/create-guard-from-settings.js';
import { checkBackendTarget } from '../../serve/check-upstream.js';
import { openAuditTrail, type AuditTrail } from '../../audit/audit-trail.js';
import { createPhiRedactor } from '../../guard/redact-phi.js';
import { createAuditWorker, type AuditWorker } from '../../serve/create-audit-worker.js';
import type { ConsoleRoutes } from '../../console/create-console-routes.js';
import { decideConsoleAccess } from '../../console/decide-console-access.js';
import { createSafemedServer } from '../../serve/create-safemed-server.js';
import { loadConfigFile } from '../../serve/load-config-file.js';
import { SERVE_SETTING_SOURCES, serveSettingsSchema, type ServeSettings } from '../../serve/serve-settings.js';

/** Resolves the settings from the typed flags (`config` names the YAML file), then serves until a signal. */
export async function runServeCommand(typed: Record<string, unknown>): Promise<void> {
  const flags = { ...typed };
  const configPath = flags.config as string | undefined;
  delete flags.config;
  const settings = resolveSettings(serveSettingsSchema, SERVE_SETTING_SOURCES, {
    flags,
    env: process.env,
    file: loadConfigFile(configPath),
    ...(configPath ? { fileName: configPath } : {}),
  });
  await runServe(settings);
}

/**
 * Builds the backend `serve` exposes, in ONE place: the scheme's backend, then the model card's
 * defaults. (The guard wraps the result here when --guard is on.)
 */
export async function buildServeBackend(settings: ServeSettings, logger: Logger): Promise<Backend> {
  await checkBackendTarget(settings.model, settings.upstreamApiKey === undefined ? {} : { apiKey: settings.upstreamApiKey });
  const backend = await createBackend(settings.model, {
    logger,
    timeoutMs: settings.timeout * 1000,
    // a client is waiting: an upstream asking for a longer pause gets its 429/503 and Retry-After passed on
    maxRetryAfterMs: SERVE_MAX_RETRY_AFTER_MS,
    ...(settings.upstreamApiKey !== undefined ? { apiKey: settings.upstreamApiKey } : {}),
    ...(settings.upstreamModel !== undefined ? { model: settings.upstreamModel } : {}),
    ...(settings.threads !== undefined ? { threads: settings.threads } : {}),
    ...(settings.contextSize !== undefined ? { contextSize: settings.contextSize } : {}),
    // an hf: model not yet in the cache is downloaded before the server listens: say so, and how far it is
    // (a multi-GB download was minutes of silence before 'listening')
    onProgress: logDownloadProgress(logger),
    // another replica on the same cache is downloading it: say why start-up waits
    onWait: (event: { label: string; holder: string }) => { logger.info(`waiting for another process downloading ${event.label}`, { holder: event.holder }); },
  });
  return withModelCardDefaults(backend, settings.systemPrompt === undefined ? {} : { systemPrompt: settings.systemPrompt });
}

/** Logs an hf: download when it starts, at most every 10 % (or 10 s without a known size) and when it is done. */
export function logDownloadProgress(logger: Logger, now: () => number = Date.now): (event: { label: string; done: number; total?: number }) => void {
  let started = false;
  let lastTenth = 0;
  let lastAt = 0;
  return (event) => {
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    if (!started) {
      started = true;
      lastAt = now();
      logger.info(`downloading ${event.label} before serving it`, { totalMb: event.total === undefined ? null : mb(event.total) });
      return;
    }
    const tenth = event.total ? Math.floor((event.done / event.total) * 10) : 0;
    const due = event.total ? tenth > lastTenth : now() - lastAt >= 10_000;
    if (!due && event.done !== event.total) return;
    lastTenth = tenth;
    lastAt = now();
    logger.info(event.done === event.total ? `downloaded ${event.label}` : `downloading ${event.label}`, {
      doneMb: mb(event.done),
      ...(event.total ? { percent: Math.floor((event.done / event.total) * 100) } : {}),
    });
  };
}

/** Longest upstream Retry-After `serve` waits out itself before retrying (docs/serve.md "Errors"). */
const SERVE_MAX_RETRY_AFTER_MS = 2_000;

/**
 * Where the server's log lines go: stderr, for as long as it takes them. A log on a full disk (ENOSPC), a
 * closed reader (`serve 2>&1 | head`: EPIPE) or a gone terminal (EIO) made the first log line after it an
 * unhandled 'error' event: the server died with every request in flight (probing round 6: `2>/dev/full`
 * exited 1 right after "listening"). Now a line that cannot be written is dropped and serving goes on; once
 * the stream has failed, lines are written straight to its file descriptor, so logging resumes when the
 * disk has room again. stdout (the listening line) gets the same treatment.
 */
export function keepServingWhenOutputFails(stream: NodeJS.WriteStream = process.stderr, fd = 2): (line: string) => void {
  let failed = false;
  stream.on('error', () => {
    failed = true;
  });
  return (line) => {
    if (!failed && !stream.destroyed) {
      stream.write(line + '\n');
      return;
    }
    try {
      writeSync(fd, line + '\n');
    } catch {
      // still full (or nobody reads): this line is lost, the server is not
    }
  };
}

async function runServe(settings: ServeSettings): Promise<void> {
  const logger = createLogger({ level: settings.logLevel, write: keepServingWhenOutputFails(process.stderr, 2) });
  const print = keepServingWhenOutputFails(process.stdout, 1);
  // The classifier runs in its own thread unless --guard-thread main (create-assessor-worker.ts).
  const assess = settings.guard && settings.guardThread === 'worker' ? (await import('../../guard/create-assessor-worker.js')).createAssessorWorker() : undefined;
  const guard = await createGuardFromSettings(settings, {
    logger,
    ...(assess ? { assess } : {}),
    ...(settings.systemPrompt !== undefined ? { baseSystemPrompt: settings.systemPrompt ?? '' } : {}),
  });
  if (guard.enabled) {
    // The guard's one-time compilation (large regular expressions, hot functions) now, not on the first clients.
    const [{ warmUpGuard }, { loadSafetySpec }] = await Promise.all([import('../../guard/warm-up-guard.js'), import('../../spec/load-safety-spec.js')]);
    logger.debug('guard warmed up', { ms: Math.round(await warmUpGuard(loadSafetySpec(), guard.policy)) });
  }
  const backend = guard.wrap(await buildServeBackend(settings, logger).catch(async (error: unknown) => {
    await guard.close();
    throw error;
  }));
  let audit: AuditWorker | undefined;
  let auditTrail: AuditTrail | undefined;
  let recovered = 0;
  try {
    // By default the audit trail runs in a worker thread: PHI redaction (a fresh redactor per exchange),
    // hashing and the fsync happen off the event loop. --audit-thread main keeps them in this thread.
    if (settings.audit && settings.auditThread === 'worker') {
      audit = await createAuditWorker({ path: settings.auditDb, redact: settings.auditRedact, durability: settings.auditDurability });
      recovered = audit.recovered;
    } else if (settings.audit) {
      auditTrail = openAuditTrail({ path: settings.auditDb });
      recovered = auditTrail.recoverInterrupted();
    }
  } catch (error) {
    await backend.close();
    throw error;
  }
  if (recovered > 0) logger.warn('requests interrupted by the last stop were recorded with status 0', { count: recovered });
  const consoleAccess = decideConsoleAccess({ setting: settings.console, host: settings.host, apiKeyCount: settings.apiKey.length });
  // The console's modules (audit reader, review queue, reports) load only when it is on. A console that
  // cannot start (a --console-review-db that is another database) stops start-up: the backend, the guard's
  // and the audit trail's threads are closed first — left open, they kept the process alive after the error.
  let consoleRoutes: ConsoleRoutes | undefined;
  try {
    consoleRoutes = consoleAccess.enabled
      ? (await import('../../console/create-console-routes.js')).createConsoleRoutes({
          servedModelName: settings.servedModelName,
          authRequired: settings.apiKey.length > 0,
          ...(settings.audit ? { auditDb: settings.auditDb } : {}),
          ...(settings.consoleRuns !== undefined ? { runsDir: settings.consoleRuns } : {}),
          ...(settings.consoleReviewDb !== undefined ? { reviewDb: settings.consoleReviewDb } : {}),
          ...(guard.options !== undefined ? { guard: guard.options } : {}),
          guardEnabled: guard.enabled,
          logger,
        })
      : undefined;
  } catch (error) {
    await audit?.close();
    auditTrail?.close();
    await backend.close();
    throw error;
  }
  const server = createSafemedServer({
    ...(consoleRoutes ? { extraRoutes: [consoleRoutes] } : {}),
    backend,
    servedModelName: settings.servedModelName,
    apiKeys: settings.apiKey,
    reasoningField: settings.reasoningField,
    bodyLimitBytes: settings.bodyLimit,
    requestTimeoutMs: settings.timeout * 1000,
    headerTimeoutMs: settings.headerTimeout * 1000,
    bodyTimeoutMs: settings.bodyTimeout * 1000,
    writeTimeoutMs: settings.writeTimeout * 1000,
    maxConnections: settings.maxConnections,
    maxAnswerChars: settings.maxAnswerSize,
    shutdownGraceMs: settings.shutdownGrace * 1000,
    host: settings.host,
    port: settings.port,
    logger,
    ...(audit ? { audit } : {}),
    ...(auditTrail ? { audit: auditTrail, auditDurability: settings.auditDurability, ...(settings.auditRedact ? { createRedactor: () => createPhiRedactor() } : {}) } : {}),
  });
  // Signal handlers before listening: a SIGTERM right after the listening line must stop the server cleanly.
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      stopping = true;
      logger.info('shutting down', { signal });
      server
        .close()
        .then(() => backend.close())
        .then(() => audit?.close())
        .then(() => {
          auditTrail?.close();
        })
        .then(() => consoleRoutes?.close())
        .catch((error: unknown) => {
          logger.error('error during shutdown', { error: String(error) });
        })
        .finally(() => {
          logger.info('stopped');
          resolve();
          // In-flight work is done (or was aborted at the end of the grace period): nothing left may keep
          // the process alive (an abandoned upstream call's timer, a keep-alive socket).
          setTimeout(() => process.exit(0), 200).unref();
        });
    };
    process.on('SIGINT', () => {
      stop('SIGINT');
    });
    process.on('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
  let address: { url: string; port: number };
  try {
    address = await server.listen();
  } catch (error) {
    await audit?.close();
    auditTrail?.close();
    await backend.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const { ConfigError } = await import('../../core/errors.js');
      // EACCES is not a port in use: ports below 1024 need privileges (it said "stop the process using it")
      const fix = code === 'EACCES' ? 'Ports below 1024 need root or CAP_NET_BIND_SERVICE: pick a --port from 1024 up (8000 is the default), or put a reverse proxy in front.' : 'Pick another --port, or stop the process using it.';
      throw new ConfigError(`Cannot listen on ${settings.host}:${settings.port} (${code === 'EACCES' ? 'EACCES: permission denied' : 'EADDRINUSE: the port is in use'}).`, { key: 'port', fix });
    }
    // A --host that does not resolve, or is not an address of this machine, was "unexpected error: getaddrinfo ENOTFOUND …".
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL' || code === 'EAI_NONAME') {
      const { ConfigError } = await import('../../core/errors.js');
      throw new ConfigError(`Cannot listen on ${settings.host} (${code}): it is not ${code === 'EADDRNOTAVAIL' ? 'an address of this machine' : 'a host name that resolves'}.`, {
        key: 'host',
        fix: 'Pass --host (or $SAFEMED_HOST) an address of this machine: 127.0.0.1 (the default), 0.0.0.0 for every interface, or one of its own IP addresses.',
      });
    }
    throw error;
  }
  print(`safemed serve: listening on ${address.url} (model "${settings.servedModelName}" via ${backend.uri})`);
  logger.info('listening', { url: address.url, servedModelName: settings.servedModelName, backend: backend.uri, audit: audit?.path ?? auditTrail?.path ?? 'off', guard: guard.enabled ? 'on' : 'off' });
  if (consoleRoutes) print(`safemed serve: web console at ${address.url}/console/`);
  else if (settings.console === 'off') logger.info(`console off: ${consoleAccess.reason ?? ''}`);
  else logger.warn(`console off: ${consoleAccess.reason ?? ''}`);
  if (settings.apiKey.length === 0) {
    logger.warn(`NO API KEY: the server at ${address.url} is open to anyone who can reach it. Pass --api-key or set SAFEMED_API_KEY.`);
  }
  await stopped;
}
