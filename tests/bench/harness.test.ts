import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { buildForBench, samplePostgresCpu } from '../../bench/common';
import { describeIf, POSTGRES_ADMIN_URL, postgresAddress, postgresReachable } from '../helpers/spawn-server';

/**
 * Keeps `npm run bench` from rotting: the whole harness (build, database, seeding, server and baseline
 * processes, autocannon, report, clean-up) runs for about a second on one scenario. It asserts that the
 * harness ran and cleaned up after itself, never how fast anything was.
 */

const root = path.resolve(__dirname, '..', '..');

/** One compiled server and baseline for both harnesses (compiling takes seconds). */
let build: ReturnType<typeof buildForBench> | undefined;

function runBench(
  env: Record<string, string>,
  script = 'bench/bench.ts',
): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), script],
      {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_BUILD_DIR: build?.dir ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, stdout, output }));
  });
}

/** The benchmark dropped its database. */
async function expectDropped(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    expect(rows).toHaveLength(0);
  } finally {
    await admin.end();
  }
}

describeIf(postgresReachable(), `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port}`)(
  'the benchmark harness',
  () => {
    beforeAll(() => {
      build = buildForBench();
    }, 120_000);
    afterAll(() => build?.remove());

    test('when it runs one short scenario, then it reports both sides and drops its database', async () => {
      const { code, stdout, output } = await runBench({
        BENCH_POSTGRES_URL: POSTGRES_ADMIN_URL,
        BENCH_DB_PREFIX: 'colorbook_test_bench_',
        BENCH_USERS: '10',
        BENCH_PROJECTS: '3',
        BENCH_SECONDS: '1',
        BENCH_WARMUP_SECONDS: '1',
        BENCH_ROUNDS: '1',
        BENCH_CONNECTIONS: '4',
        BENCH_BCRYPT_COST: '4',
        BENCH_SCENARIOS: 'get,sync',
        BENCH_SYNC_CHANGES: '1200',
        BENCH_NO_FILES: '1',
        BENCH_WAIT_QUIET: '0',
      });
      // 0: targets met, 1: missed (a one-second run on a busy test machine says nothing about speed).
      if (code !== 0 && code !== 1) throw new Error(`bench exited with ${code}:\n${output.slice(-3000)}`);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_REPORT '));
      if (!line) throw new Error(`no BENCH_REPORT line (exit ${code}):\n${output.slice(-3000)}`);
      const report = JSON.parse(line.slice('BENCH_REPORT '.length)) as {
        database: string;
        results: {
          scenario: string;
          ours: { requests: number; statuses: Record<string, number>; loadGeneratorCpuUsPerRequest: number };
          baseline: { requests: number; statuses: Record<string, number>; postgresCpuUsPerRequest: number };
          minimal: { requests: number; statuses: Record<string, number> };
          minimalRatio: number;
        }[];
        sync: { feed: { logRows: number }; results: { mode: string; complete: boolean }[] };
        logLines: number;
      };
      expect(report.results).toHaveLength(1);
      // The sync scenario (catch-up of a feed of its own): both ways at both limits, each complete.
      expect(report.sync.feed.logRows).toBe(1200);
      expect(report.sync.results).toHaveLength(4);
      expect(report.sync.results.every((r) => r.complete)).toBe(true);
      const [get] = report.results;
      expect(get.scenario).toBe('get');
      expect(get.ours.requests).toBeGreaterThan(0);
      expect(get.baseline.requests).toBeGreaterThan(0);
      expect(Object.keys(get.ours.statuses)).toEqual(['200']);
      expect(Object.keys(get.baseline.statuses)).toEqual(['200']);
      // The second baseline, the minimal hand-written endpoint, answered too, and the ratio to it is there.
      expect(get.minimal.requests).toBeGreaterThan(0);
      expect(Object.keys(get.minimal.statuses)).toEqual(['200']);
      expect(get.minimalRatio).toBeGreaterThan(0);
      // autocannon runs in the harness's process, so its CPU time is always measured.
      expect(get.ours.loadGeneratorCpuUsPerRequest).toBeGreaterThan(0);
      expect(get.baseline.postgresCpuUsPerRequest).toBeGreaterThanOrEqual(0);
      // The server under test logs one line per request at the default level.
      expect(report.logLines).toBeGreaterThanOrEqual(get.ours.requests);

      await expectDropped(report.database);
    }, 180_000);

    test('when the sync catch-up runs on a small feed, then every pass ends with the whole state and the database is dropped', async () => {
      // `npm run bench:sync-catchup` in small: seeding through the triggers, both ways of pulling at both
      // limits, the report. Asserts what it read, never how fast.
      const { code, stdout, output } = await runBench(
        {
          BENCH_POSTGRES_URL: POSTGRES_ADMIN_URL,
          BENCH_DB_PREFIX: 'colorbook_test_sync_catchup_',
          CHANGES: '1500',
          ROUNDS: '1',
          BENCH_NO_FILES: '1',
        },
        'bench/sync-catchup.ts',
      );
      if (code !== 0) throw new Error(`sync catch-up exited with ${code}:\n${output.slice(-3000)}`);
      const line = stdout.split('\n').find((l) => l.startsWith('SYNC_CATCHUP_REPORT '));
      if (!line) throw new Error(`no SYNC_CATCHUP_REPORT line:\n${output.slice(-3000)}`);
      const report = JSON.parse(line.slice('SYNC_CATCHUP_REPORT '.length)) as {
        database: string;
        feed: { logRows: number; resources: Record<string, number> };
        results: { mode: string; limit: number; changes: number; pages: number; complete: boolean }[];
      };
      // Exactly the asked number of log rows, written by the triggers of projects, stories and drawings.
      expect(report.feed.logRows).toBe(1500);
      expect(report.feed.resources.stories).toBeGreaterThan(0);
      expect(report.feed.resources.drawings).toBeGreaterThan(0);
      expect(report.results.map((r) => `${r.mode}:${r.limit}`)).toEqual([
        'cold:500',
        'cold:1000',
        'incremental:500',
        'incremental:1000',
      ]);
      const total = Object.values(report.feed.resources).reduce((a, b) => a + b, 0);
      for (const r of report.results) {
        expect(r.complete).toBe(true);
        expect(r.pages).toBeGreaterThanOrEqual(Math.ceil(r.changes / r.limit));
      }
      // The full state answers each resource once; the log answers at most one change per row.
      expect(report.results[0].changes).toBe(total);
      expect(report.results[2].changes).toBeLessThanOrEqual(1500);
      await expectDropped(report.database);
    }, 180_000);

    test('when a PostgreSQL backend works and then ends during a run, then its CPU time is still counted', async () => {
      const sampler = samplePostgresCpu(50);
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      // Busy for ~0.5 s or more, then the backend exits before the sampler stops.
      await client.query('SELECT count(*) FROM generate_series(1, 5000000) AS g WHERE g % 7 = 3');
      await client.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sampler.stop()).toBeGreaterThanOrEqual(100);
    }, 60_000);

    test('when the load test runs for a few seconds, then two processes answer no 5xx and every 201 is readable', async () => {
      // `npm run test:load` in small: the same harness and checks, minutes shorter. Correctness is asserted
      // (the script exits 0 only on a pass), never speed.
      const { code, stdout, output } = await runBench(
        {
          BENCH_POSTGRES_URL: POSTGRES_ADMIN_URL,
          BENCH_DB_PREFIX: 'colorbook_test_load_',
          LOAD_SECONDS: '3',
          LOAD_CONNECTIONS: '8',
          LOAD_USERS: '6',
          LOAD_PROJECTS: '2',
          LOAD_BCRYPT_COST: '4',
          BENCH_NO_FILES: '1',
        },
        'bench/load-test.ts',
      );
      if (code !== 0) throw new Error(`load test exited with ${code}:\n${output.slice(-3000)}`);
      expect(stdout).toContain('Result: PASS');
      expect(stdout).toMatch(/5xx: 0, connection errors: 0/);
      expect(stdout).toMatch(/rows in the database match: yes/);
    }, 180_000);
  },
);
