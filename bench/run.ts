/**
 * `npm run bench`: installs the comparison tools (bench/package.json) if needed, then runs every
 * benchmark script in turn and prints its figures. `npm run bench -- gateway eval` runs only the
 * scripts whose names contain one of the words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const benchFolder = dirname(fileURLToPath(import.meta.url));
const scripts = [
  'cli-startup.ts',
  'guard-throughput.ts',
  'guard-fast-path.ts',
  'embedded-generation.ts',
  'serve-generation.ts',
  'gateway-overhead.ts',
  'guard-serve.ts',
  'eval-throughput.ts',
  'redteam-throughput.ts',
  'data-dedup.ts',
  'reward-throughput.ts',
  'serve-big-body.ts',
  'phi-redaction.ts',
  'output-guard-false-replacements.ts',
  'emergency-escalation.ts',
  'console-first-render.ts',
];

const manifest = JSON.parse(readFileSync(join(benchFolder, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const missing = Object.keys(manifest.dependencies).filter((name) => !existsSync(join(benchFolder, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.log(`Installing benchmark tools into bench/node_modules (${missing.join(', ')})...`);
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', benchFolder], { stdio: 'inherit' });
  if (install.status !== 0) {
    console.error('bench: could not install bench/package.json; the comparisons with Portkey and promptfoo need it.');
    process.exit(1);
  }
}

const filters = process.argv.slice(2);
let failed = 0;
for (const script of scripts) {
  if (filters.length > 0 && !filters.some((filter) => script.includes(filter))) continue;
  const path = join(benchFolder, script);
  if (!existsSync(path)) {
    console.log(`\n## ${script}: not present, skipped`);
    continue;
  }
  console.log(`\n## ${script}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.error(`bench: ${script} exited with ${run.status}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
