/**
 * The web console's first render in Debian's chromium (headless, this machine): for each page, a new
 * tab with an empty HTTP cache loads /console/<page> from a local `safemed serve` (scripted upstream,
 * console mounted); measured in the page: first contentful paint, and the moment the page's own
 * heading is in the DOM (shell + lazily loaded page chunk + first API call); plus the JavaScript
 * bytes transferred (gzip). Median of 7 loads per page.
 *
 *   node --import tsx bench/console-first-render.ts
 */
import { createBackend } from '../src/backends/registry.js';
import { launchBrowser, startConsoleServer } from '../test/console/console-harness.js';
import { writeReviewQueue, writeRunsFolder } from '../test/console/console-fixtures.js';
import { startScriptedUpstream } from '../test/support/scripted-upstream.js';

const PAGES = ['chat', 'audit', 'review', 'reports', 'playground'];
const RUNS = 7;
const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)] ?? NaN;

const upstream = await startScriptedUpstream(() => ({ reasoning: 'r', content: 'a' }));
const server = await startConsoleServer({ backend: await createBackend(`openai:${upstream.baseURL}`, { maxRetries: 0 }), apiKeys: ['bench'], runsDir: writeRunsFolder(), reviewDb: writeReviewQueue() });
const browser = await launchBrowser();
try {
  const rows: string[] = [];
  for (const name of PAGES) {
    const paints: number[] = [];
    const ready: number[] = [];
    const scripts: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // typed by the harness' playwright-core (bench/node_modules holds another copy once `npm run bench` installed its tools)
      const page = await browser.newPage();
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await page.addInitScript("sessionStorage.setItem('safemed.console.apiKey', 'bench')");
      await page.goto(`${server.url}/console/${name}`);
      await page.locator('#page-title').waitFor();
      const figures = await page.evaluate<{ paint: number; ready: number; js: number }>(`(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const js = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('.js')).reduce((sum, entry) => sum + entry.encodedBodySize, 0);
        return { paint: paint ? paint.startTime : NaN, ready: performance.now(), js };
      })()`);
      paints.push(figures.paint);
      ready.push(figures.ready);
      scripts.push(figures.js);
      await page.close();
    }
    rows.push(`| ${name} | ${median(paints).toFixed(0)} | ${median(ready).toFixed(0)} | ${(median(scripts) / 1024).toFixed(1)} |`);
  }
  process.stdout.write(`| page | first contentful paint ms | page heading rendered ms | JS loaded KB (gzip bodies) |\n|---|---:|---:|---:|\n${rows.join('\n')}\n`);
} finally {
  await browser.close();
  await server.close();
  await upstream.close();
}
