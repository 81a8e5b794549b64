// The Dockerfile, validated without a Docker engine (none on the build machine): dockerfilelint finds
// nothing, and the image runs `safemed serve` as a non-root user on Node 20 slim with a health check.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

interface LintItem {
  title: string;
  line: number;
  rule: string;
}
const dockerfilelint = createRequire(import.meta.url)('dockerfilelint') as { run: (configPath: string, content: string) => LintItem[] };
const dockerfile = readFileSync('Dockerfile', 'utf8');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));

test('dockerfilelint reports nothing (one known false positive excepted)', () => {
  const healthLine = dockerfile.split('\n').findIndex((line) => line.startsWith('HEALTHCHECK')) + 1;
  // dockerfilelint 1.8 reads HEALTHCHECK options with /--\w+/, so it takes --start-period for an
  // unknown "--start" (invalid_format); Docker documents --start-period, and the model needs time to load.
  const findings = dockerfilelint.run('.', dockerfile).filter((item) => !(item.rule === 'invalid_format' && item.line === healthLine && /--start-period=/.test(dockerfile)));
  assert.deepEqual(findings, []);
});

test('Node 20 slim, non-root, serve as the entry point, a health check on /health, every COPY source exists', () => {
  const from = instructions.filter((line) => line.startsWith('FROM '));
  assert.ok(from.length > 0 && from.every((line) => /^FROM node:20-slim\b/.test(line)), from.join('; '));
  const runtime = instructions.slice(instructions.lastIndexOf(from.at(-1)!));
  const user = runtime.findIndex((line) => line.startsWith('USER '));
  assert.ok(user > 0 && !/^USER (root|0)\b/.test(runtime[user]!), 'the runtime stage switches to a non-root user');
  assert.ok(runtime.findIndex((line) => line.startsWith('ENTRYPOINT')) > user, 'the entry point runs as that user');
  assert.match(runtime.find((line) => line.startsWith('ENTRYPOINT'))!, /\["node", "dist\/cli\/main\.js", "serve"\]/);
  assert.match(runtime.find((line) => line.startsWith('HEALTHCHECK'))!, /CMD .*\/health/);
  assert.ok(runtime.some((line) => /SAFEMED_HOST=0\.0\.0\.0/.test(line)), 'listens on every interface inside the container');
  for (const line of instructions.filter((entry) => entry.startsWith('COPY ') && !entry.includes('--from='))) {
    const sources = line.split(/\s+/).slice(1, -1);
    for (const source of sources) assert.ok(existsSync(source), `${source} (in "${line}") exists`);
  }
  // What the runtime reads from the package (package.json "files") is in the image.
  const files = (JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] }).files;
  for (const entry of files) assert.ok(runtime.some((line) => (line.startsWith('COPY') && line.includes(` ${entry} `)) || line.includes(`/app/${entry} `)), `${entry} is copied into the image`);
});
