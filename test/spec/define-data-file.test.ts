import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { resolvePackagePath } from '../../src/core/package-paths.js';
import {
  declaredDataFile,
  declaredDataFiles,
  defaultSnapshotFolder,
  defineDataFile,
  parseYaml,
  writeDataSnapshots,
} from '../../src/spec/define-data-file.js';
// The modules that declare the package's data files (scripts/build-data-snapshots.mjs finds them in dist).
import '../../src/spec/load-safety-spec.js';
import '../../src/guard/classifier/intent-cues.js';
import '../../src/guard/redact-phi.js';
import '../../src/redteam/load-redteam-templates.js';
import '../../src/data/engine/load-pipeline-prompts.js';
import '../../src/guard/detect/unread-language.js';
import '../../src/guard/match-emergency-other-languages.js';
import '../../src/guard/reply-language.js';

const PACKAGE_FILES = [
  'guard/emergency-other-languages',
  'guard/intent-cues',
  'guard/traditional-reply-numbers',
  'guard/unread-languages',
  'phi/lexicon',
  'pipeline/prompts',
  'redteam/templates',
  'safety-spec',
];

function scratchFile(): { folder: string; yaml: string; snapshots: string } {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-data-file-'));
  const yaml = join(folder, 'words.yaml');
  writeFileSync(yaml, 'words: [alpha, beta]\n');
  return { folder, yaml, snapshots: join(folder, 'snapshots') };
}

let scratchCount = 0;

function declareScratch(yaml: string, snapshots: string) {
  const schema = z.object({ words: z.array(z.string()) });
  const reads = { count: 0 };
  scratchCount += 1;
  const file = defineDataFile({
    id: `test/words-${scratchCount}`,
    sources: () => [yaml],
    read: () => {
      reads.count += 1;
      return schema.parse(parseYaml(readFileSync(yaml, 'utf8')));
    },
    snapshotFolder: snapshots,
  });
  return { file, reads };
}

test('a fresh snapshot is loaded without reading the YAML', () => {
  const { yaml, snapshots } = scratchFile();
  const { file, reads } = declareScratch(yaml, snapshots);
  writeDataSnapshots(snapshots, [file.id]);
  assert.equal(reads.count, 1, 'writing the snapshot reads and validates the YAML once');
  reads.count = 0;
  assert.deepEqual(file.load(), { words: ['alpha', 'beta'] });
  assert.equal(file.loadedFrom(), 'snapshot');
  assert.equal(reads.count, 0);
});

test('a snapshot whose YAML changed afterwards is ignored and the YAML is read', () => {
  const { yaml, snapshots } = scratchFile();
  const { file, reads } = declareScratch(yaml, snapshots);
  writeDataSnapshots(snapshots, [file.id]);
  writeFileSync(yaml, 'words: [gamma]\n');
  reads.count = 0;
  assert.deepEqual(file.load(), { words: ['gamma'] });
  assert.equal(file.loadedFrom(), 'source');
  assert.equal(reads.count, 1);
  assert.deepEqual(file.load(), { words: ['gamma'] }, 'cached');
  assert.equal(reads.count, 1);
});

test('a missing or corrupt snapshot falls back to the YAML; a bad YAML still fails', () => {
  const { yaml, snapshots } = scratchFile();
  const missing = declareScratch(yaml, snapshots);
  assert.deepEqual(missing.file.load(), { words: ['alpha', 'beta'] });
  assert.equal(missing.file.loadedFrom(), 'source');

  const corrupt = declareScratch(yaml, snapshots);
  writeDataSnapshots(snapshots, [corrupt.file.id]);
  writeFileSync(join(snapshots, `${corrupt.file.id}.json`), '{"id": "truncated');
  assert.deepEqual(corrupt.file.load(), { words: ['alpha', 'beta'] });
  assert.equal(corrupt.file.loadedFrom(), 'source');

  writeFileSync(yaml, 'words: [alpha, [nested]]\n');
  const bad = declareScratch(yaml, snapshots);
  assert.throws(() => bad.file.load(), z.ZodError);
});

test('running from source (tsx) never uses snapshots', () => {
  assert.equal(defaultSnapshotFolder(), undefined);
});

test("every package data file's snapshot equals what its YAML and schema give", () => {
  for (const id of PACKAGE_FILES) assert.ok(declaredDataFiles().includes(id), `${id} is declared`);
  const folder = join(mkdtempSync(join(tmpdir(), 'safemed-snapshots-')), 'data-snapshots');
  const written = writeDataSnapshots(folder, PACKAGE_FILES);
  assert.deepEqual(written.map((entry) => entry.id), PACKAGE_FILES);
  for (const entry of written) {
    const snapshot = JSON.parse(readFileSync(entry.path, 'utf8')) as { id: string; sha256: string; value: unknown };
    assert.equal(snapshot.id, entry.id);
    assert.match(snapshot.sha256, /^[0-9a-f]{64}$/);
    // JSON keeps everything the loaders return (no Dates, RegExps, Maps or undefined-valued keys).
    const source = declaredDataFile(entry.id).read();
    assert.deepStrictEqual(snapshot.value, JSON.parse(JSON.stringify(source)), `${entry.id}: JSON round trip`);
    assert.deepStrictEqual(snapshot.value, source, `${entry.id}: same value as read from YAML`);
  }
});

test("the package's YAML data files are all covered by a data file's sources", () => {
  const covered = new Set(PACKAGE_FILES.flatMap((id) => declaredDataFile(id).sources()));
  const folders = [['src', 'spec', 'data'], ['assets', 'guard'], ['data', 'phi'], ['data', 'redteam'], ['data', 'pipeline']];
  for (const segments of folders) {
    const folder = resolvePackagePath(...segments);
    for (const name of readdirSync(folder).filter((entry) => entry.endsWith('.yaml'))) {
      assert.ok(covered.has(join(folder, name)), `${segments.join('/')}/${name} has a snapshot`);
    }
  }
});
