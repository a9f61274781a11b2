import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'client/dist/',
      'client/node_modules/',
      'client/src/schema.d.ts',
      'bench/.build/',
      'bench/.scratch/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'error',
    },
  },
  { files: ['scripts/**', 'bench/**', 'tests/**'], rules: { 'no-console': 'off' } },
  // Test data is typed like the API (factories return client/src/schema.d.ts's types): no `any` in the helpers.
  { files: ['tests/helpers/**'], rules: { '@typescript-eslint/no-explicit-any': 'error' } },
  // No `any` in the server: `unknown` and narrowing, or a type. Route handlers' inputs are typed by their
  // schemas (docs/adr/0016-typed-route-inputs.md); an `any` would quietly undo that.
  { files: ['src/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'error' } },
  // User text (stories of 100,000 characters) meets our regexes: none may backtrack or rescan super-linearly.
  // Only these two rules of the plugin's recommended set: the rest are style (see docs/export.md).
  {
    files: ['src/**/*.ts'],
    plugins: { regexp },
    rules: { 'regexp/no-super-linear-backtracking': 'error', 'regexp/no-super-linear-move': 'error' },
  },
  {
    files: ['**/*.cjs', '*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
