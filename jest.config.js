/**
 * Tests run against real databases: each test file gets its own fresh copy of a migrated database
 * (see tests/global-setup.ts). ESM-only packages (file-type and its helpers) are compiled to CommonJS
 * by the same SWC transform as our TypeScript.
 */
const esmOnly = [
  'file-type',
  'strtok3',
  'token-types',
  'peek-readable',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // file-type only exports 'import'/'module-sync' conditions (Node 20.19+ requires it natively); point Jest at it.
  moduleNameMapper: {
    '^file-type$': '<rootDir>/node_modules/file-type/index.js',
    // client/ is an ESM package whose TypeScript imports name the compiled file ('./tokens.js').
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/tests/global-setup.ts',
  globalTeardown: '<rootDir>/tests/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
