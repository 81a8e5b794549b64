/**
 * The one loader of the package's data files (the safety specification, the guard's intent cues,
 * the PHI lexicon, the red-team templates, the pipeline prompts, ...). YAML stays the source of
 * truth; parsing it (the `yaml` package) and validating it (zod) costs about half a second of CPU on
 * every CLI start, so the build also writes a validated JSON snapshot of each data file.
 *
 * - From source (tsx, tests) a data file is always read from its YAML and validated with zod.
 * - From the build (`dist/`), `load()` takes the snapshot in dist/data-snapshots/ when the sha-256 of
 *   its sources — the YAML files and the compiled modules holding their schema — is the one the
 *   snapshot was written from, and reads the YAML otherwise (an edited YAML, a rebuilt schema without
 *   new snapshots). A stale snapshot is never used; a missing one only costs time.
 * - `scripts/build-data-snapshots.mjs` (run by `npm run build`) imports every compiled module that
 *   declares a data file, loads their readers (`prepareDataFileReads()`) and calls `writeDataSnapshots()`.
 * - `defineLazyDataFile()` keeps the reader (and its zod schema) in a module of its own, imported only
 *   when a read can be needed: always from source, in a build only when the snapshot is missing or
 *   stale. A build with fresh snapshots then loads no zod at all (`safemed guard check` starts faster).
 *
 * The `yaml` package is loaded only when a YAML file is parsed (`parseYaml`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, resolvePackagePath } from '../core/package-paths.js';

export interface DataFileOptions<Value> {
  /** Unique name of the snapshot, also its file name: `safety-spec`, `guard/intent-cues`. */
  id: string;
  /**
   * Absolute paths of every file the value is made from: the data files and the modules that hold
   * their schema (e.g. `fileURLToPath(import.meta.url)`), so a changed schema invalidates the snapshot.
   */
  sources: () => string[];
  /** Reads the value from its sources and validates it (YAML + zod); throws a SafemedError on bad data. */
  read: () => Value;
  /** Turns a snapshot's JSON back into the value (e.g. freezes it); default: the JSON as it is. */
  revive?: ((json: unknown) => Value) | undefined;
  /** Folder of the snapshots; default dist/data-snapshots when running from dist, none from source. */
  snapshotFolder?: string | undefined;
}

export interface LazyDataFileOptions<Value> extends Omit<DataFileOptions<Value>, 'read'> {
  /**
   * Imports the module holding the reader and its schema, and returns the reader (what `read` is for
   * `defineDataFile`), e.g. `async () => (await import('./read-x.js')).readX`. Called only when a read
   * can be needed; that module must not import the declaring one.
   */
  importRead: () => Promise<() => Value>;
}

export interface DataFile<Value> {
  readonly id: string;
  /** The value: from a fresh snapshot when there is one, else read from the sources; cached. */
  load(): Value;
  /**
   * Reads the value from its sources (YAML + zod), bypassing snapshots and the cache. A lazy data file
   * whose build snapshot was fresh has no reader loaded: `await prepareDataFileReads()` first.
   */
  read(): Value;
  /** Where `load()` took the value from (after the first `load()`), for tests and benchmarks. */
  loadedFrom(): 'snapshot' | 'source' | undefined;
}

interface Snapshot {
  id: string;
  sha256: string;
  value: unknown;
}

interface RegistryEntry extends DataFile<unknown> {
  options: DataFileOptions<unknown>;
  /** Loads the reader of a lazy data file (a no-op for the others). */
  prepareRead(): Promise<void>;
}

const registry = new Map<string, RegistryEntry>();

/** The folder holding the snapshots of a build: dist/data-snapshots, or undefined when running from source. */
export function defaultSnapshotFolder(): string | undefined {
  const builtRoot = resolvePackagePath('dist') + sep;
  return fileURLToPath(import.meta.url).startsWith(builtRoot) ? join(builtRoot, 'data-snapshots') : undefined;
}

/**
 * The file of a module next to `baseUrl` (pass `import.meta.url`), with the caller's own extension:
 * `.js` in dist, `.ts` from source. For `sources()`: `moduleFile(import.meta.url, './spec-schema')`.
 */
export function moduleFile(baseUrl: string, specifier: string): string {
  return fileURLToPath(new URL(`${specifier}${extname(fileURLToPath(baseUrl))}`, baseUrl));
}

/** sha-256 of the sources (paths relative to the package root, then contents), in the given order. */
export function hashSources(paths: readonly string[]): string {
  const hash = createHash('sha256');
  const root = packageRoot();
  for (const path of paths) {
    hash.update(relative(root, path).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function snapshotPath(folder: string, id: string): string {
  return join(folder, `${id}.json`);
}

function readSnapshot(folder: string, id: string): Snapshot | undefined {
  let text: string;
  try {
    text = readFileSync(snapshotPath(folder, id), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Snapshot> | null;
    if (parsed?.id !== id || typeof parsed.sha256 !== 'string' || !('value' in parsed)) return undefined;
    return parsed as Snapshot;
  } catch {
    return undefined;
  }
}

/** Declares a data file; its module's `load()` callers get the cached, validated value. */
export function defineDataFile<Value>(options: DataFileOptions<Value>): DataFile<Value> {
  return declare(options, () => Promise.resolve()).file;
}

/**
 * `defineDataFile` for a data file whose reader (YAML + zod) lives in its own module: `importRead()`
 * runs here, before the declaring module finishes loading, only when a read can be needed — always
 * from source, in a build only when the snapshot is missing or stale (which it checks now, once;
 * `load()` then takes that snapshot). Await it at the top level of the declaring module:
 *
 *   const packageSpec = await defineLazyDataFile({ id, sources, importRead: async () => (await import('./read-safety-spec.js')).readSafetySpec });
 */
export async function defineLazyDataFile<Value>(options: LazyDataFileOptions<Value>): Promise<DataFile<Value>> {
  const { importRead, ...rest } = options;
  let reader: (() => Value) | undefined;
  const read = (): Value => {
    if (!reader) throw new Error(`data file "${options.id}": its reader is not loaded (await prepareDataFileReads() first)`);
    return reader();
  };
  const prepareRead = async () => {
    reader ??= await importRead();
  };
  const { file, freshSnapshot } = declare({ ...rest, read }, prepareRead);
  if (!freshSnapshot()) await prepareRead();
  return file;
}

function declare<Value>(options: DataFileOptions<Value>, prepareRead: () => Promise<void>): { file: DataFile<Value>; freshSnapshot: () => boolean } {
  let cached: { value: Value } | undefined;
  let origin: 'snapshot' | 'source' | undefined;
  /** The fresh snapshot's JSON (looked up once): undefined when there is none. */
  let snapshot: { json: unknown } | undefined | null = null;
  const revive = options.revive ?? ((json: unknown) => json as Value);
  const freshSnapshotJson = (): { json: unknown } | undefined => {
    if (snapshot === null) snapshot = findFreshSnapshot(options);
    return snapshot;
  };
  const file: DataFile<Value> = {
    id: options.id,
    load() {
      if (cached) return cached.value;
      const fresh = freshSnapshotJson();
      if (fresh) {
        origin = 'snapshot';
        cached = { value: revive(fresh.json) };
      } else {
        origin = 'source';
        cached = { value: options.read() };
      }
      return cached.value;
    },
    read: () => options.read(),
    loadedFrom: () => origin,
  };
  if (registry.has(options.id)) throw new Error(`data file "${options.id}" is declared twice`);
  registry.set(options.id, { ...file, options, prepareRead });
  return { file, freshSnapshot: () => freshSnapshotJson() !== undefined };
}

/** The snapshot of a data file when its sources still hash to the snapshot's sha-256. */
function findFreshSnapshot(options: Pick<DataFileOptions<unknown>, 'id' | 'sources' | 'snapshotFolder'>): { json: unknown } | undefined {
  const folder = 'snapshotFolder' in options ? options.snapshotFolder : defaultSnapshotFolder();
  if (folder === undefined) return undefined;
  const snapshot = readSnapshot(folder, options.id);
  if (!snapshot) return undefined;
  let sha256: string;
  try {
    sha256 = hashSources(options.sources());
  } catch {
    return undefined; // a source is missing: read() reports it properly
  }
  return snapshot.sha256 === sha256 ? { json: snapshot.value } : undefined;
}

/** The ids of the data files declared so far (by the modules imported so far). */
export function declaredDataFiles(): string[] {
  return [...registry.keys()].sort();
}

/** A declared data file, with its sources (what its snapshot's hash covers). */
export function declaredDataFile(id: string): DataFile<unknown> & { sources(): string[] } {
  const entry = registry.get(id);
  if (!entry) throw new Error(`no data file "${id}" is declared`);
  return { ...entry, sources: () => entry.options.sources() };
}

/** Loads the readers of lazy data files (`defineLazyDataFile`), so `read()` and `writeDataSnapshots()` work. */
export async function prepareDataFileReads(ids: readonly string[] = declaredDataFiles()): Promise<void> {
  for (const id of ids) {
    const entry = registry.get(id);
    if (!entry) throw new Error(`no data file "${id}" is declared`);
    await entry.prepareRead();
  }
}

/**
 * Writes a snapshot of every declared data file (read from its sources and validated) into `folder`,
 * replacing what was there. Build time only (scripts/build-data-snapshots.mjs); the readers of lazy
 * data files must be loaded (`prepareDataFileReads()`).
 */
export function writeDataSnapshots(folder: string, ids: readonly string[] = declaredDataFiles()): Array<{ id: string; path: string; bytes: number }> {
  // Every file is read before the folder is replaced: a bad data file leaves the old snapshots in place.
  const snapshots = ids.map((id): Snapshot => {
    const entry = registry.get(id);
    if (!entry) throw new Error(`no data file "${id}" is declared`);
    return { id, sha256: hashSources(entry.options.sources()), value: entry.options.read() };
  });
  rmSync(folder, { recursive: true, force: true });
  const written: Array<{ id: string; path: string; bytes: number }> = [];
  for (const snapshot of snapshots) {
    const { id } = snapshot;
    const path = snapshotPath(folder, id);
    const text = `${JSON.stringify(snapshot)}\n`;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push({ id, path, bytes: Buffer.byteLength(text) });
  }
  return written;
}

let yamlModule: typeof import('yaml') | undefined;

/** Parses YAML text (the `yaml` package, loaded on first use); throws the parser's error. */
export function parseYaml(source: string): unknown {
  yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yamlModule.parse(source);
}
