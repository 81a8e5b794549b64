/**
 * Where a worker thread's entry module is, beside the module that starts it: its compiled .js file, or,
 * under tsx (development, tests), the .ts file loaded through a bootstrap that registers tsx in the thread.
 * Pure: the caller passes both to `new Worker(entry, { eval, ... })`.
 */
export function workerEntry(callerUrl: string, name: string): { entry: URL | string; eval: boolean } {
  const source = callerUrl.endsWith('.ts');
  const file = new URL(`./${name}.${source ? 'ts' : 'js'}`, callerUrl);
  if (!source) return { entry: file, eval: false };
  return { entry: `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(file.href)}); })`, eval: true };
}
