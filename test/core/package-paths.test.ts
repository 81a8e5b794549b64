import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot, resolvePackagePath } from '../../src/core/package-paths.js';

test('the package root is the folder whose package.json names safemed; shipped data resolves under it', () => {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name: string };
  assert.equal(manifest.name, 'safemed');
  assert.ok(existsSync(resolvePackagePath('src', 'spec', 'data', 'spec.yaml')));
  assert.ok(!packageRoot().endsWith('src/') && !packageRoot().endsWith('core/'));
});
