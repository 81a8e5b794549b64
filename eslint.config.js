// Type-aware lint: typescript-eslint's strictTypeChecked set, with the few adjustments below, each
// with its reason. `npm run lint` runs it on src, test, bench and scripts.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/node_modules/**', '**/*.tmp.ts', '**/*.tmp.mts', 'console-web/dist/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
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
    },
  },
  {
    // WARN FOR NOW (2026-11-27): these strict rules still have findings in code other parts are finishing
    // (counts at the switch: no-non-null-assertion 48, mostly bench/gateway-overhead, guard-serve,
    // support/generation-bench, serve-big-body; no-unnecessary-condition 37, mostly test/audit,
    // test/redteam, test/serve; require-await 12; no-unsafe-member-access 12 and the other no-unsafe-*
    // 12, in tests of serve, guard, judges; no-deprecated 7, tests sending OpenAI fields the SDK
    // marks deprecated; 1 to 5 each for the rest). They are errors everywhere else in strictTypeChecked;
    // each goes back to 'error' once `npx eslint src test bench scripts` shows it clean.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: Object.fromEntries(
      [
        'no-non-null-assertion',
        'no-unnecessary-condition',
        'require-await',
        'no-unsafe-member-access',
        'no-unsafe-assignment',
        'no-unsafe-argument',
        'no-unsafe-call',
        'no-explicit-any',
        'no-deprecated',
        'no-unnecessary-type-conversion',
        'no-unnecessary-type-assertion',
        'no-unnecessary-type-parameters',
        'no-misused-spread',
        'no-confusing-void-expression',
        'prefer-promise-reject-errors',
      ].map((rule) => [`@typescript-eslint/${rule}`, 'warn']),
    ),
  },
  {
    // Tests index the arrays and maps they have just built and asserted on: a wrong index fails the
    // test at once, and `value!` keeps the assertion readable. Runtime code (src/) never uses `!`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
