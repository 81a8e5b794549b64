// Type-aware lint: typescript-eslint's strictTypeChecked set, every rule an error everywhere, with the
// few adjustments below, each with its reason. `npm run lint` runs it on src, test, bench, scripts,
// training (build-time code) and console-web/src (the console's browser code, its own tsconfig).
import tseslint from 'typescript-eslint';

/** The project's adjustments of strictTypeChecked, each with its reason. */
const PROJECT_RULES = {
  // node:test's test()/describe() return promises the runner itself awaits.
  '@typescript-eslint/no-floating-promises': [
    'error',
    { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
  ],
  // Async functions handed to commander actions, node:test and event listeners are awaited (or
  // their errors handled) by whoever calls them; a promise in a condition or a spread is still an error.
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
  // Numbers print exactly in a template string ("n=1273", "took 4.2 s"); objects, undefined,
  // null and symbols (the mistakes the rule is for) are still errors.
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
  // A leading underscore marks a binding that is unused on purpose (a destructured field left out,
  // a loop that only drains a stream).
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/node_modules/**', '**/*.tmp.ts', '**/*.tmp.mts', 'console-web/dist/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'training/**/*.ts', 'console-web/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: PROJECT_RULES,
  },
  {
    // Tests index the arrays and maps they have just built and asserted on: a wrong index fails the
    // test at once, and `value!` keeps the assertion readable. Runtime code (src/) never uses `!`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
