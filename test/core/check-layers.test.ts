// The architecture check (scripts/check-layers.mjs) on small trees: each rule fires, a clean tree passes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkLayers } from '../../scripts/check-layers.mjs';

interface Problems {
  layers: string[];
  cycles: string[];
  fileCycles: string[];
  coreIo: string[];
  buildTime: string[];
}
const check = checkLayers as (root: string) => Problems;

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('a clean tree passes; a layer using one it may not, I/O in core, and imports of training/ are reported', () => {
  const clean = check(tree({ 'src/core/a.ts': "export const a = 1;\n", 'src/guard/b.ts': "import { a } from '../core/a.js';\nexport const b = a;\n" }));
  assert.deepEqual(clean, { layers: [], cycles: [], fileCycles: [], coreIo: [], buildTime: [] });
  const bad = check(
    tree({
      'src/core/a.ts': "import { readFileSync } from 'node:fs';\nimport { x } from '../backends/x.js';\nexport const a = readFileSync;\n",
      'src/backends/x.ts': "import { t } from '../../training/guard/t.js';\nexport const x = t;\n",
      'src/redteam/r.ts': "import { s } from '../serve/s.js';\nexport const r = s;\n",
      'src/serve/s.ts': 'export const s = 1;\n',
      'src/extra/e.ts': 'export const e = 1;\n',
    }),
  );
  assert.equal(bad.coreIo.length, 1);
  assert.match(bad.coreIo[0]!, /src\/core\/a\.ts imports node:fs/);
  assert.ok(bad.layers.some((line) => /src\/core may not depend on src\/backends/.test(line)));
  assert.ok(bad.layers.some((line) => /src\/redteam may not depend on src\/serve/.test(line)));
  assert.ok(bad.layers.some((line) => /src\/extra is not in the layer map/.test(line)));
  assert.match(bad.buildTime[0]!, /never imports training\//);
});

test('sub-folders importing each other both ways, and files in an import cycle, are reported', () => {
  const problems = check(
    tree({
      'src/guard/classifier/c.ts': "import { d } from '../detect/d.js';\nexport const c = () => d;\n",
      'src/guard/detect/d.ts': "import type { C } from '../classifier/types.js';\nexport const d: C = 1;\n",
      'src/guard/classifier/types.ts': 'export type C = number;\n',
      'src/guard/policy.ts': "import type { T } from './guard-types.js';\nexport type P = T;\n",
      'src/guard/guard-types.ts': "import type { P } from './policy.js';\nexport type T = number | P[];\n",
    }),
  );
  assert.equal(problems.cycles.length, 1);
  assert.match(problems.cycles[0]!, /src\/guard\/classifier ↔ src\/guard\/detect/);
  assert.equal(problems.fileCycles.length, 1);
  assert.match(problems.fileCycles[0]!, /src\/guard\/guard-types\.ts ↔ src\/guard\/policy\.ts/);
});
