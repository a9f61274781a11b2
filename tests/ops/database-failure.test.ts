import { uniqueEmail } from '../helpers/factories';
import {
  createOpsDatabase,
  describeIf,
  killAll,
  postgresAddress,
  postgresReachable,
  sleep,
  spawnServer,
  waitFor,
  type OpsDatabase,
  type SpawnedServer,
} from '../helpers/spawn-server';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

/**
 * PostgreSQL cut off under load, against the real process: the app reaches its own database through a TCP
 * proxy the test controls (and the test terminates that database's backends). Whatever happens, the process
 * stays up, answers 503 SERVICE_UNAVAILABLE (never a 500, never a hang), /ready says 503, full service is back
 * within 5 s of the database's return, and every write that got a 2xx is in the database.
 */

const CONNECTION_TIMEOUT_MS = 1000;
/** A request must be answered within this while the database is away: a bounded wait, not a speed test. */
const ANSWER_WITHIN_MS = CONNECTION_TIMEOUT_MS * 2 + 4000;
const RECOVERY_MS = 5000;

interface Outcome {
  email: string;
  status: number | 'no answer';
  code?: string;
}

/** Concurrent registrations (each a transaction: user, session, refresh token, event) until stopped. */
function startLoad(server: SpawnedServer, workers = 6) {
  const outcomes: Outcome[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const email = uniqueEmail('load');
      try {
        const res = await fetch(`${server.url}/api/auth/register`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email, password: 'correct horse battery' }),
          signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        });
        const body = (await res.json().catch(() => ({}))) as { code?: string };
        outcomes.push({ email, status: res.status, code: body.code });
      } catch {
        outcomes.push({ email, status: 'no answer' });
      }
      if (outcomes.at(-1)!.status !== 201) await sleep(20);
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return {
    outcomes,
    count: (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

async function status(server: SpawnedServer, path: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  const body = (await res.json().catch(() => ({}))) as { code?: string };
  return { status: res.status, code: body.code };
}

describeIf(
  postgresReachable(),
  `PostgreSQL is not reachable at ${postgresAddress.host}:${postgresAddress.port}`,
)('PostgreSQL failures under load', () => {
  let database: OpsDatabase;
  let proxy: TcpProxy;
  let server: SpawnedServer;

  beforeAll(async () => {
    database = await createOpsDatabase();
    proxy = await startTcpProxy(postgresAddress);
    server = await spawnServer({
      DATABASE_URL: database.urlVia(proxy.host, proxy.port),
      DB_CONNECTION_TIMEOUT_MS: String(CONNECTION_TIMEOUT_MS),
      DB_STATEMENT_TIMEOUT_MS: '5000',
      DB_POOL_MAX: '4',
    });
  });

  afterAll(async () => {
    await killAll();
    await proxy?.close();
    await database?.drop();
  });

  async function expectEveryCreatedUserStored(outcomes: Outcome[]): Promise<void> {
    const created = outcomes.filter((o) => o.status === 201).map((o) => o.email);
    const { rows } = await database.query<{ email: string }>(
      'SELECT email FROM users WHERE email = ANY($1::text[])',
      [created],
    );
    expect(rows.map((r) => r.email).sort()).toEqual([...created].sort());
  }

  async function expectFullServiceWithin(ms: number): Promise<void> {
    await waitFor('/ready to answer 200', async () => (await status(server, '/ready')).status === 200, ms);
    const res = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('back'), password: 'correct horse battery' }),
    });
    expect(res.status).toBe(201);
  }

  test('when every connection is killed and new ones refused during load, then 503s, /ready 503, full service within 5 s of the return, and no 2xx write lost', async () => {
    const load = startLoad(server);
    await waitFor('some registrations to succeed', () => load.count(201) >= 5, 10_000);

    await proxy.cut();
    await waitFor('the load to see 503s', () => load.count(503) >= 5, ANSWER_WITHIN_MS);
    const ready = await status(server, '/ready');
    expect(ready).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });

    await proxy.forward();
    await expectFullServiceWithin(RECOVERY_MS);
    const outcomes = await load.stop();

    expect(server.running).toBe(true);
    const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
    expect(unexpected).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.code === 'SERVICE_UNAVAILABLE')).toBe(
      true,
    );
    await expectEveryCreatedUserStored(outcomes);
  });

  test('when the database stops answering (a partition), then requests get 503 within the connection timeout, not a hang', async () => {
    await proxy.blackhole();
    const [ready, write] = await Promise.all([
      status(server, '/ready'),
      fetch(`${server.url}/api/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: uniqueEmail('partition'), password: 'correct horse battery' }),
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      }),
    ]);
    expect(ready.status).toBe(503);
    expect(write.status).toBe(503);
    expect(((await write.json()) as { code: string }).code).toBe('SERVICE_UNAVAILABLE');
    expect((await status(server, '/health')).status).toBe(200);

    await proxy.forward();
    await expectFullServiceWithin(RECOVERY_MS);
    expect(server.running).toBe(true);
  });

  test("when the database's backends are terminated during load, then no crash, only 201s and 503s, and no 2xx write lost", async () => {
    const load = startLoad(server);
    await waitFor('some registrations to succeed', () => load.count(201) >= 5, 10_000);
    for (let i = 0; i < 3; i++) {
      await database.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database.name],
      );
      await sleep(150);
    }
    await expectFullServiceWithin(RECOVERY_MS);
    const before = load.count(201);
    await waitFor('registrations to go on', () => load.count(201) > before + 3, RECOVERY_MS);
    const outcomes = await load.stop();

    expect(server.running).toBe(true);
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
    await expectEveryCreatedUserStored(outcomes);
  });

  test('when the outage is over, then the metrics counted the 503s and the pool gauges are back', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/auth\/register"[^}]*status="503"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/^db_pool_connections_total [1-9]/m);
  });
});
