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

/**
 * Suites that do exactly the same thing whatever DATABASE_URL says: they use no database, or make their own
 * PostgreSQL database (the ops and benchmark harness tests), or test a page that never reads one. CI runs
 * `npm test` twice, on the embedded database and with DATABASE_URL; these run in the first pass only, which
 * keeps CI well under its time limit. `TEST_ALL_SUITES=1` runs them with DATABASE_URL as well.
 */
const databaseIndependent = [
  'tests/bench/',
  'tests/client/package.test.ts',
  'tests/client/sse-parser.test.ts',
  'tests/client/sync-engine.test.ts',
  'tests/client/sync-store.test.ts',
  'tests/config/config.test.ts',
  'tests/db/prepared-statements.test.ts',
  'tests/docs/chromium.test.ts',
  'tests/docs/docs-page.test.ts',
  'tests/docs/docs-page-plain-http.test.ts',
  'tests/docs/links.test.ts',
  'tests/docs/postman-collection.test.ts',
  'tests/export/layout.test.ts',
  'tests/export/render.test.ts',
  'tests/http/route.test.ts',
  'tests/http/route-types.test.ts',
  'tests/jobs/export-faults.test.ts',
  'tests/jobs/settle-outage.test.ts',
  'tests/lib/',
  'tests/ops/admin-commands.test.ts',
  'tests/ops/database-failure.test.ts',
  'tests/ops/multi-process.test.ts',
  'tests/ops/operator-messages.test.ts',
  'tests/ops/quick-build.test.ts',
  'tests/ops/setup-script.test.ts',
  'tests/ops/shutdown.test.ts',
  'tests/ops/slow-clients.test.ts',
  'tests/storage/file-store.contract.test.ts',
  'tests/sync/stream-processes.test.ts',
  'tests/storage/signed-urls.test.ts',
  'tests/sync/multi-process.test.ts',
  'tests/sharing/collaborator-config.test.ts',
  'tests/stories/word-count.test.ts',
];
const skipDatabaseIndependent = Boolean(process.env.DATABASE_URL) && process.env.TEST_ALL_SUITES !== '1';

/**
 * Suites run only with DATABASE_URL (or with TEST_ALL_SUITES=1), to keep CI's time down: the races on the S3
 * store look for lock-order deadlocks and orphaned objects, and PGlite runs one statement at a time, so the
 * database side of a race only shows on PostgreSQL. The races on the local store run in both passes. The
 * export and archive retries wait out the queue's real backoff (about 30 s each): the queue is the same on both
 * databases.
 */
const postgresOnly = [
  'tests/http/hostile-input-s3.test.ts',
  'tests/jobs/archive-retries.test.ts',
  'tests/jobs/export-retries.test.ts',
  'tests/sync/stream-export-poll.test.ts',
];
const skipPostgresOnly = !process.env.DATABASE_URL && process.env.TEST_ALL_SUITES !== '1';

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
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(skipDatabaseIndependent ? databaseIndependent.map((p) => `<rootDir>/${p}`) : []),
    ...(skipPostgresOnly ? postgresOnly.map((p) => `<rootDir>/${p}`) : []),
  ],
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
  // Each test file loads the whole app into a fresh module registry, and a worker keeps ~20-40 MB of every
  // file it ran (module-level state that outlives the file's context). Over ~75 files a worker's heap grew
  // past 1 GB, and garbage collection made each later file's set-up 2-3x slower. A worker whose heap is over
  // this after a file is replaced by a fresh one: the PGlite pass went from 891 to 483 s on this machine
  // (README, "Tests and CI").
  workerIdleMemoryLimit: '512MB',
};
