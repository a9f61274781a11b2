import { Writable } from 'node:stream';
import PgBoss from 'pg-boss';
import winston from 'winston';
import { PgDatabase } from '../../src/db/pg-database';
import { bossDb, installJobQueue, JOB_SCHEMA, SETTLE_RETRY_DELAYS_MS } from '../../src/jobs/queue';
import {
  createOpsDatabase,
  describeIf,
  postgresAddress,
  postgresReachable,
  type OpsDatabase,
} from '../helpers/spawn-server';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/**
 * pg-boss 10's worker settles a job (complete or fail) without awaiting the statement (timgit/pg-boss#577):
 * our adapter must never let that statement reject. These tests run the exact statements pg-boss's worker
 * runs, through the adapter, on a PostgreSQL connection that a proxy cuts off.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const plans = require('pg-boss/src/plans') as Record<
  'completeJobs' | 'failJobsById',
  (schema: string) => string
>;

let database: OpsDatabase;
let proxy: TcpProxy;
let db: PgDatabase;
const warnings: Array<Record<string, unknown>> = [];

const collect = new Writable({
  objectMode: true,
  write(info: Record<string, unknown>, _encoding, next) {
    warnings.push(info);
    next();
  },
});
const logger = winston.createLogger({
  level: 'warn',
  transports: [new winston.transports.Stream({ stream: collect })],
});

describeIf(postgresReachable(), 'PostgreSQL is not reachable')(
  'settling a job while the database is away',
  () => {
    beforeAll(async () => {
      database = await createOpsDatabase();
      const direct = new PgDatabase(
        { url: database.url, max: 2, connectionTimeoutMs: 5000, statementTimeoutMs: 30_000 },
        logger,
      );
      await installJobQueue(direct, logger);
      await direct.close();
      proxy = await startTcpProxy(postgresAddress);
      db = new PgDatabase(
        {
          url: database.urlVia(proxy.host, proxy.port),
          max: 2,
          connectionTimeoutMs: 500,
          statementTimeoutMs: 30_000,
        },
        logger,
      );
    }, 60_000);
    afterAll(async () => {
      await db?.close().catch(() => undefined);
      await proxy?.close();
      await database?.drop();
    });

    /** A job of the maintenance queue, fetched (active) through a pg-boss on the real server. */
    async function activeJob(): Promise<string> {
      const boss = new PgBoss({
        connectionString: database.url,
        supervise: false,
        schedule: false,
        migrate: false,
      });
      await boss.start();
      try {
        await boss.send('maintenance', {});
        const [job] = await boss.fetch('maintenance');
        return job!.id;
      } finally {
        await boss.stop({ graceful: false, close: true, wait: true });
      }
    }
    const stateOf = async (id: string) =>
      (await database.query<{ state: string }>(`SELECT state FROM ${JOB_SCHEMA}.job WHERE id = $1`, [id]))
        .rows[0]?.state;

    test('when the database comes back during the retries, then the job is completed', async () => {
      const id = await activeJob();
      await proxy.cut();
      const settled = bossDb(db, logger).executeSql(plans.completeJobs(JOB_SCHEMA), [
        'maintenance',
        [id],
        null,
      ]);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_RETRY_DELAYS_MS[0]! + 200));
      await proxy.forward();
      const result = (await settled) as { rows: Array<{ count: string }> };
      expect(Number(result.rows[0]!.count)).toBe(1);
      expect(await stateOf(id)).toBe('completed');
    }, 30_000);

    test('when the database stays away, then the settle resolves as nothing settled, logged, and the job stays active for its lease', async () => {
      const id = await activeJob();
      warnings.length = 0;
      await proxy.cut();
      try {
        const result = (await bossDb(db, logger).executeSql(plans.failJobsById(JOB_SCHEMA), [
          'maintenance',
          [id],
          { message: 'boom' },
        ])) as { rows: Array<{ count: string }> };
        expect(Number(result.rows[0]!.count)).toBe(0);
      } finally {
        await proxy.forward();
      }
      expect(await stateOf(id)).toBe('active');
      expect(warnings.filter((w) => /not settled/.test(String(w.message)))).toEqual([
        expect.objectContaining({ job: id, error: expect.stringMatching(/database unavailable/) }),
      ]);
    }, 30_000);

    test('when any other statement meets the outage, then it still rejects at once', async () => {
      await proxy.cut();
      try {
        await expect(
          bossDb(db, logger).executeSql(`SELECT count(*) FROM ${JOB_SCHEMA}.job WHERE name = $1`, [
            'maintenance',
          ]),
        ).rejects.toThrow(/database unavailable/);
      } finally {
        await proxy.forward();
      }
    }, 30_000);
  },
);
