import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'bench/out/**', 'test-artifacts/**', 'src/report/assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  // Code reaches a store only through its interface (src/store/interfaces.ts): engine packages stay inside
  // src/store/<engine>/, and the adapters themselves are opened only by src/store (DESIGN.md §2).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/**/*.test.ts', 'src/**/*.fixture.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['@duckdb/node-api', 'libsql', 'pg'].map((name) => ({ name, message: 'Engine packages live in src/store/<engine>/; use the Warehouse or StateStore interface.' })),
        patterns: [{ regex: '(^|/)store/(duckdb|sqlite|postgres|clickhouse)/', message: 'Open stores through src/store/open.ts; use the Warehouse or StateStore interface.' }],
      }],
    },
  },
);
