import { DatabaseUnavailableError } from '../../src/db/database';
import { PgDatabase } from '../../src/db/pg-database';
import { createLogger } from '../../src/lib/logger';
import { describeIf, postgresAddress, postgresReachable, POSTGRES_ADMIN_URL } from '../helpers/spawn-server';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/**
 * A PostgreSQL server that stops answering on an open connection (paused, or partitioned after the
 * connection was made: no reset) must not hold a query for ever. Its own statement_timeout cannot fire then;
 * PgDatabase closes a connection whose query is unanswered past the statement timeout plus the connection
 * timeout, and the query fails as unavailable (a 503). A query that is slow but answered is left alone, and a
 * finished one leaves nothing behind that could close its connection later.
 */

const STATEMENT_TIMEOUT_MS = 1000;
const CONNECTION_TIMEOUT_MS = 300;
const LIMIT_MS = STATEMENT_TIMEOUT_MS + CONNECTION_TIMEOUT_MS;

const viaProxy = (proxy: TcpProxy): string => {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return url.toString();
};

describeIf(postgresReachable(), `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port}`)(
  'a database server that goes silent on an open connection',
  () => {
    let proxy: TcpProxy;
    let db: PgDatabase;

    beforeEach(async () => {
      proxy = await startTcpProxy(postgresAddress);
      db = new PgDatabase(
        {
          url: viaProxy(proxy),
          max: 1,
          connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
          statementTimeoutMs: STATEMENT_TIMEOUT_MS,
        },
        createLogger({ level: 'error', json: false, silent: true }),
      );
      // The pool's one connection, open and idle. Set-up, not the test: on a busy machine a connect can take
      // longer than the short connection timeout the test needs, so it may take a few tries.
      for (let attempt = 1; ; attempt++) {
        try {
          await db.query('SELECT 1');
          break;
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
    });

    afterEach(async () => {
      await proxy.close();
      await db.close().catch(() => undefined);
    });

    const timed = async (work: Promise<unknown>) => {
      const started = performance.now();
      const error = await work.then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      return { error, ms: performance.now() - started };
    };

    test('when a query gets no answer, then it fails as unavailable after the limit, and the pool recovers', async () => {
      await proxy.stall();
      const { error, ms } = await timed(db.query('SELECT 1'));
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(ms).toBeGreaterThanOrEqual(LIMIT_MS - 50);
      expect(ms).toBeLessThan(LIMIT_MS + 1500);

      await proxy.forward();
      expect((await db.query<{ n: number }>('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
    });

    test('when a transaction gets no answer mid-way, then it fails as unavailable and its connection is dropped', async () => {
      const { error, ms } = await timed(
        db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          await proxy.stall();
          await tx.query('SELECT 2');
        }),
      );
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect(ms).toBeLessThan(2 * LIMIT_MS + 1500); // the query, then a ROLLBACK that cannot be sent
      expect(db.stats().total).toBe(0);

      await proxy.forward();
      expect((await db.query<{ n: number }>('SELECT $1::int AS n', [8])).rows).toEqual([{ n: 8 }]);
    });

    test('when a query is slow but answered within the limit, then it is not cut', async () => {
      const { error } = await timed(db.query('SELECT pg_sleep($1)', [(STATEMENT_TIMEOUT_MS - 300) / 1000]));
      expect(error).toBeUndefined();
    });

    test('when queries have ended, then their connection stays open past the limit', async () => {
      const pid = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const before = await pid();
      for (let i = 0; i < 20; i++) await db.query('SELECT $1::int', [i]);
      await db.transaction((tx) => tx.query('SELECT 1'));
      await new Promise((resolve) => setTimeout(resolve, LIMIT_MS + 700));
      expect(await pid()).toBe(before);
    });
  },
);
