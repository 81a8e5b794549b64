// Every upstream HTTP call goes through one transport (src/backends/openai-compatible/send-upstream-request.ts):
// timeouts, retries, redirects and error wording live in one place.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('src/ uses no second HTTP client: no global fetch, no openai SDK, no undici, no bare node:http(s) requests outside the transport', () => {
  const transport = join('src', 'backends', 'openai-compatible', 'send-upstream-request.ts');
  const offenders: string[] = [];
  for (const file of sources('src')) {
    if (file === transport) continue;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    if (/\bfetch\s*\(/.test(code)) offenders.push(`${file}: fetch()`);
    if (/from\s+['"](openai|undici|axios|node-fetch)['"]/.test(code)) offenders.push(`${file}: HTTP client package`);
    if (/import\s*\{[^}]*\b(?:request|get)\b[^}]*\}\s*from\s*['"](?:node:)?https?['"]|\bhttps?\.(?:request|get)\s*\(/.test(code)) offenders.push(`${file}: node:http(s) request`);
  }
  assert.deepEqual(offenders, []);
});
