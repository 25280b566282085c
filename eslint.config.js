// @ts-check
// `npx eslint .` — ESLint 10 flat config: typescript-eslint's recommended rules
// everywhere, the Rules of Hooks in the client, and the team's test rules.
// Type-aware rules are left out on purpose: `npm run typecheck` already runs tsc,
// and a second full type-check would double the lint time on a two-core machine.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['node_modules/', 'client/dist/', 'data/', 'bench/results/', 'media/worker-build/', 'coverage/']),
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // tsconfig has verbatimModuleSyntax: a type-only import must say so.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // What runs in a browser: the client, and the pages the media tests bundle.
    files: ['client/src/**/*.{ts,tsx}', 'test/media/fixtures/roomClient.ts', 'test/media/fixtures/webrtcClient.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    // The Rules of Hooks; the React Compiler's rules (v7 "recommended") do not apply: the client is not compiled by it.
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // No skipped, focused or empty tests (developer guide); a busy machine is slower, not wrong.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['it', 'test', 'describe'].flatMap((object) =>
          ['skip', 'only', 'todo', 'skipIf', 'runIf'].map((property) => ({ object, property, message: 'Every test runs: no skipped, focused or conditional tests.' })),
        ),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^toBeLessThan(OrEqual)?$/] CallExpression[callee.object.name=/^(Date|performance)$/][callee.property.name='now']",
          message: 'Never assert on wall-clock durations: wait for the event itself (test/support/waitFor.ts).',
        },
      ],
    },
  },
]);
