import crypto from 'node:crypto';
import { uniqueEmail } from '../helpers/factories';
import {
  createOpsDatabase,
  describeIf,
  killAll,
  postgresAddress,
  postgresReachable,
  redisServerInstalled,
  spawnServer,
  startRedisServer,
  type OpsDatabase,
  type RedisServer,
  type SpawnedServer,
} from '../helpers/spawn-server';
import { openSse, type SseStream } from './sse-client';

/**
 * The stream across real server processes on one PostgreSQL database and one Redis: a write through one
 * process reaches a stream held by another within a second (LISTEN/NOTIFY), the limit of 5 streams per user
 * holds across processes (Redis), and SIGTERM ends every stream with a `retry:` hint so the drain is quick.
 */

async function post(server: SpawnedServer, path: string, body: unknown, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, any> };
}

const changeOf = (id: string) => (block: { event?: string; data?: string }) =>
  block.event === 'change' && (JSON.parse(block.data ?? 'null') as { id?: string } | null)?.id === id;

describeIf(
  postgresReachable() && redisServerInstalled(),
  `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port} and redis-server`,
)('the change stream across server processes', () => {
  let database: OpsDatabase;
  let redis: RedisServer;
  let a: SpawnedServer;
  let b: SpawnedServer;
  let token: string;
  const open: SseStream[] = [];

  beforeAll(async () => {
    database = await createOpsDatabase();
    redis = await startRedisServer();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `cbtest_sync_${crypto.randomBytes(4).toString('hex')}:`,
      SHUTDOWN_TIMEOUT_MS: '20000',
    };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
    const registered = await post(a, '/api/auth/register', {
      email: uniqueEmail('stream'),
      password: 'correct horse battery',
    });
    expect(registered.status).toBe(201);
    token = registered.body.accessToken;
  }, 60_000);

  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });

  afterAll(async () => {
    await killAll();
    await redis?.stop();
    await database?.drop();
  });

  const stream = async (server: SpawnedServer) => {
    const opened = await openSse(`${server.url}/api/sync/stream`, { Authorization: `Bearer ${token}` });
    open.push(opened);
    return opened;
  };

  test('when a project is created through process B, then a stream held by process A gets it within 1 s of the commit', async () => {
    const s = await stream(a);
    expect(s.status).toBe(200);
    await s.next((block) => block.comment === 'open');
    for (let round = 0; round < 3; round++) {
      const created = await post(b, '/api/projects', { title: `Across ${round}` }, token);
      expect(created.status).toBe(201);
      const committed = Date.now();
      await s.next(changeOf(created.body.id), 3000);
      expect(Date.now() - committed).toBeLessThan(1000);
    }
  });

  test('when a user holds 5 streams spread over two processes, then a 6th on either is 429 RATE_LIMITED', async () => {
    const five = [await stream(a), await stream(a), await stream(a), await stream(b), await stream(b)];
    for (const s of five) expect(s.status).toBe(200);
    for (const server of [a, b]) {
      const sixth = await stream(server);
      expect(sixth.status).toBe(429);
      expect(sixth.problem).toMatchObject({ code: 'RATE_LIMITED' });
    }
    five[0].close();
    await five[0].ended;
    // The place is freed in Redis when process A sees the close.
    let reopened: SseStream | undefined;
    for (let attempt = 0; attempt < 20 && reopened?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      reopened = await stream(b);
    }
    expect(reopened?.status).toBe(200);
  });

  test('when the process holding streams gets SIGTERM, then each stream gets a retry: hint and ends, and the process exits 0 at once', async () => {
    const streams = [await stream(a), await stream(a)];
    for (const s of streams) await s.next((block) => block.comment === 'open');
    const signalled = Date.now();
    a.child.kill('SIGTERM');
    for (const s of streams) {
      const retry = await s.next((block) => block.retry !== undefined, 5000);
      expect(retry.retry).toBeGreaterThanOrEqual(1000);
      expect(retry.retry).toBeLessThanOrEqual(4000);
      await s.ended;
    }
    expect(await a.exited).toEqual({ code: 0, signal: null });
    // Far below SHUTDOWN_TIMEOUT_MS (20 s): the streams did not hold the drain open.
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(a.output()).toContain('shut down cleanly');
  }, 30_000);
});
