/**
 * Test support for the web console: the browser bundle built once per process (esbuild, into a temp
 * folder), a guarded `safemed serve` with the console mounted on 127.0.0.1:0 (audit trail in a temp
 * folder), a keyword-driven test classifier, and Debian's chromium driven by playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { openAuditTrail, type AuditTrail } from '../../src/audit/audit-trail.js';
import { createConsoleRoutes, type ConsoleRoutes } from '../../src/console/create-console-routes.js';
import type { Backend } from '../../src/core/backend.js';
import type { ChatMessage } from '../../src/core/chat.js';
import { silentLogger } from '../../src/core/logger.js';
import { createGuardedBackend } from '../../src/guard/create-guarded-backend.js';
import type { GuardOptions, RiskAssessment, RiskAssessor } from '../../src/guard/guard-types.js';
import { createSafemedServer, type SafemedServer } from '../../src/serve/create-safemed-server.js';

let bundle: string | undefined;

/** Builds console-web into a temp folder once per process and returns the folder. */
export function consoleBundle(): string {
  if (bundle === undefined) {
    const out = mkdtempSync(join(tmpdir(), 'safemed-console-web-'));
    execFileSync(process.execPath, ['console-web/build-console-web.mjs', out], { stdio: 'pipe' });
    bundle = out;
  }
  return bundle;
}

function assessment(overrides: Partial<RiskAssessment>): RiskAssessment {
  return { risk: 0.02, dimension: 'benign', principle: null, attacks: [], reasons: [], language: 'en', mechanism: null, emergency: 0, ...overrides };
}

/**
 * A deterministic stand-in for the trained classifier (which other work may be retraining): "poison"
 * is a block-level covert-administration request,
 * "dementia" is a low-risk carer question (its answer is still checked by the output guard), "dose" is an
 * ordinary medication question (caution), anything else is benign. Only the last user
 * message counts, so one test conversation can hold a blocked request and a later ordinary one.
 */
export function keywordAssessor(): RiskAssessor {
  const judge = (text: string): RiskAssessment => {
    if (/poison/iu.test(text)) return assessment({ risk: 0.97, dimension: 'vulnerable_populations', principle: 1, mechanism: 'covert_administration', reasons: ['asks how to poison someone without their knowledge'] });
    if (/dementia/iu.test(text)) return assessment({ risk: 0.2, dimension: 'vulnerable_populations', principle: 1, reasons: ['a carer question about a vulnerable patient'] });
    if (/dose/iu.test(text)) return assessment({ risk: 0.2, dimension: 'medication_safety', principle: 1, reasons: ['an ordinary dosing question'] });
    return assessment({});
  };
  return {
    assessConversation: (messages: ChatMessage[]) => judge(messages.filter((message) => message.role === 'user').at(-1)?.content ?? ''),
    assessText: judge,
  };
}

export interface ConsoleServer {
  url: string;
  auditPath: string;
  audit: AuditTrail;
  routes: ConsoleRoutes;
  close(): Promise<void>;
}

export interface StartConsoleServerOptions {
  backend: Backend;
  apiKeys?: string[];
  runsDir?: string;
  reviewDb?: string;
  guard?: GuardOptions;
}

export async function startConsoleServer(options: StartConsoleServerOptions): Promise<ConsoleServer> {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-console-audit-'));
  const auditPath = join(folder, 'audit.db');
  const audit = openAuditTrail({ path: auditPath });
  const guard: GuardOptions = options.guard ?? { assess: keywordAssessor(), logger: silentLogger };
  const backend = createGuardedBackend(options.backend, guard);
  const routes = createConsoleRoutes({
    servedModelName: 'safemed-r1',
    authRequired: (options.apiKeys ?? []).length > 0,
    assetsDir: consoleBundle(),
    auditDb: auditPath,
    ...(options.runsDir === undefined ? {} : { runsDir: options.runsDir }),
    ...(options.reviewDb === undefined ? {} : { reviewDb: options.reviewDb }),
    guard,
    guardEnabled: true,
  });
  const server: SafemedServer = createSafemedServer({
    backend,
    servedModelName: 'safemed-r1',
    port: 0,
    host: '127.0.0.1',
    audit,
    ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
    extraRoutes: [routes],
    streamCoalesceMs: 0,
  });
  const { url } = await server.listen();
  return {
    url,
    auditPath,
    audit,
    routes,
    close: async () => {
      await server.close();
      routes.close();
      audit.close();
      await backend.close();
    },
  };
}

export const CHROMIUM = process.env.SAFEMED_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Headless Debian chromium with a fresh profile; the caller closes it. */
export async function launchBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'safemed-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
  });
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core (WCAG 2 A/AA rules) in the page; returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, so this file needs no DOM types: it runs in the page.
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, nodes: violation.nodes.map((node) => ({ target: node.target })) })))`);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

let screenshotDir: string | undefined;

/** Where the tests save page screenshots (SAFEMED_CONSOLE_SCREENSHOTS, else a temp folder). */
export function screenshotFolder(): string {
  screenshotDir ??= process.env.SAFEMED_CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'safemed-console-shots-'));
  return screenshotDir;
}
