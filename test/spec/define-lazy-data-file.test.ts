// defineLazyDataFile: the reader (YAML + zod, in a module of its own) is imported only when a read can
// be needed — from source, or when the build's snapshot is missing or stale — and the build step can
// still read every data file (prepareDataFileReads) before it writes the snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { declaredDataFile, defineLazyDataFile, hashSources, parseYaml, prepareDataFileReads, writeDataSnapshots } from '../../src/spec/define-data-file.js';

let count = 0;

/** A scratch YAML file, its snapshot folder and a lazily imported reader that counts its imports and reads. */
function scratch(options: { snapshot?: 'fresh' | 'stale' | 'none'; snapshotFolder?: 'none' } = {}) {
  count += 1;
  const folder = mkdtempSync(join(tmpdir(), 'safemed-lazy-data-file-'));
  const yaml = join(folder, 'words.yaml');
  writeFileSync(yaml, 'words: [alpha, beta]\n');
  const snapshots = join(folder, 'snapshots');
  const id = `test/lazy-words-${count}`;
  if (options.snapshot === 'fresh' || options.snapshot === 'stale') {
    const sha256 = options.snapshot === 'fresh' ? hashSources([yaml]) : '0'.repeat(64);
    writeDataSnapshotByHand(snapshots, id, sha256, { words: ['from', 'snapshot'] });
  }
  const calls = { imports: 0, reads: 0 };
  const declare = () =>
    defineLazyDataFile({
      id,
      sources: () => [yaml],
      importRead: () => {
        calls.imports += 1;
        return Promise.resolve(() => {
          calls.reads += 1;
          return parseYaml(readFileSync(yaml, 'utf8')) as { words: string[] };
        });
      },
      snapshotFolder: options.snapshotFolder === 'none' ? undefined : snapshots,
    });
  return { id, yaml, snapshots, calls, declare };
}

function writeDataSnapshotByHand(folder: string, id: string, sha256: string, value: unknown): void {
  const path = join(folder, `${id}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ id, sha256, value }));
}

test('a fresh snapshot: the reader is never imported, load() takes the snapshot', async () => {
  const { calls, declare } = scratch({ snapshot: 'fresh' });
  const file = await declare();
  assert.equal(calls.imports, 0);
  assert.deepEqual(file.load(), { words: ['from', 'snapshot'] });
  assert.equal(file.loadedFrom(), 'snapshot');
  assert.equal(calls.imports, 0);
  assert.throws(() => file.read(), /reader is not loaded \(await prepareDataFileReads\(\) first\)/);
  await prepareDataFileReads([file.id]);
  assert.equal(calls.imports, 1);
  assert.deepEqual(file.read(), { words: ['alpha', 'beta'] });
  await prepareDataFileReads([file.id]);
  assert.equal(calls.imports, 1, 'imported once');
});

test('a stale or missing snapshot, or no snapshot folder (source): the reader is imported while declaring', async () => {
  for (const setup of [{ snapshot: 'stale' as const }, { snapshot: 'none' as const }, { snapshotFolder: 'none' as const }]) {
    const { calls, declare } = scratch(setup);
    const file = await declare();
    assert.equal(calls.imports, 1, JSON.stringify(setup));
    assert.deepEqual(file.load(), { words: ['alpha', 'beta'] });
    assert.equal(file.loadedFrom(), 'source');
    assert.equal(calls.reads, 1);
  }
});

test('writing snapshots needs the lazy readers loaded, and a failed write keeps the old snapshots', async () => {
  const { id, snapshots, declare } = scratch({ snapshot: 'fresh' });
  await declare();
  const before = readFileSync(join(snapshots, `${id}.json`), 'utf8');
  assert.throws(() => writeDataSnapshots(snapshots, [id]), /reader is not loaded/);
  assert.equal(readFileSync(join(snapshots, `${id}.json`), 'utf8'), before, 'nothing was removed');
  await prepareDataFileReads([id]);
  const [written] = writeDataSnapshots(snapshots, [id]);
  assert.ok(written && existsSync(written.path));
  const snapshot = JSON.parse(readFileSync(written.path, 'utf8')) as { value: unknown };
  assert.deepEqual(snapshot.value, { words: ['alpha', 'beta'] }, 'read from the YAML, not copied from the old snapshot');
  assert.deepEqual(declaredDataFile(id).read(), { words: ['alpha', 'beta'] });
});
