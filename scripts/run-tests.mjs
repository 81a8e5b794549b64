// Finds every *.test.ts under test/ and runs them with Node's test runner (tsx as the loader).
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests('test')
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`No test files matched ${filters.join(', ') || 'test/**/*.test.ts'}.`);
  process.exit(1);
}
// --disable-warning=ExperimentalWarning: on Node 20, node:test's own mock timers (t.mock.timers, used to
// drive the SSE writer's flush timer) print "The MockTimers API is an experimental feature" into the
// test output; it is the test harness talking about itself, not something a user of SafeMed causes.
const result = spawnSync(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
