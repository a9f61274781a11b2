import crypto from 'node:crypto';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/context';
import { REDIS_COMMAND_TIMEOUT_MS } from '../../src/http/rate-limit';
import { createLogger } from '../../src/lib/logger';
import { connectRedis } from '../../src/server';
import { testConfig, useResponseChecks } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { uniqueEmail } from '../helpers/factories';
import {
  describeIf,
  freePort,
  killAll,
  redisServerInstalled,
  startRedisServer,
  waitFor,
  type RedisServer,
} from '../helpers/spawn-server';

/**
 * The documented Redis failure policy (docs/operations.md), on a redis-server of this file's own:
 * auth limits (register, login, refresh) fail closed with 503 SERVICE_UNAVAILABLE, every other limit fails
 * open, nothing hangs, and the limits are shared and enforced again once Redis is back.
 */

const AUTH_LIMIT = 3;
const API_LIMIT = 5;
/** A generous bound for one request's answer while Redis is away (it fails at once, or after the command timeout). */
const ANSWER_WITHIN_MS = REDIS_COMMAND_TIMEOUT_MS + 3000;

const logger = createLogger({ level: 'error', json: false, silent: true });
type Redis = NonNullable<AppDeps['redis']>;
/** Every app of this file answers what its OpenAPI document says (503s and 429s included). */
const checked = useResponseChecks();

/** Each test speaks from its own client address (TRUST_PROXY=1), so per-IP counters start at zero. */
const newIp = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

interface Harness {
  app: RequestListener;
  redis: Redis;
  prefix: string;
}

async function harness(db: TestDatabase, redisUrl: string): Promise<Harness> {
  const prefix = `cbtest_ops_${crypto.randomBytes(4).toString('hex')}:`;
  const config = testConfig({
    AUTH_RATE_LIMIT: String(AUTH_LIMIT),
    API_RATE_LIMIT: String(API_LIMIT),
    TRUST_PROXY: '1',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
  });
  const redis = await connectRedis(redisUrl, logger);
  return { app: checked(createApp({ config, db: db.db, logger, redis })), redis, prefix };
}

async function register(app: RequestListener, ip: string) {
  return request(app)
    .post('/api/auth/register')
    .set('X-Forwarded-For', ip)
    .timeout(ANSWER_WITHIN_MS)
    .send({ email: uniqueEmail('redis'), password: 'correct horse battery' });
}

const login = (app: RequestListener, ip: string) =>
  request(app)
    .post('/api/auth/login')
    .set('X-Forwarded-For', ip)
    .timeout(ANSWER_WITHIN_MS)
    .send({ email: uniqueEmail('nobody'), password: 'wrong password' });

const me = (app: RequestListener, token: string) =>
  request(app).get('/api/auth/me').set('Authorization', `Bearer ${token}`).timeout(ANSWER_WITHIN_MS);

async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send()).status);
  return out;
}

describeIf(redisServerInstalled(), 'redis-server is not installed')('Redis failure policy', () => {
  let db: TestDatabase;
  let redisServer: RedisServer;
  let h: Harness;
  const clients: Redis[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    redisServer = await startRedisServer();
    h = await harness(db, redisServer.url);
    clients.push(h.redis);
  });

  afterAll(async () => {
    for (const client of clients) if (client.isOpen) client.destroy();
    await killAll();
    await db?.drop();
  });

  test('when Redis is up, then the limits are counted in Redis under the key prefix and enforced', async () => {
    const ip = newIp();
    const reg = await register(h.app, ip);
    expect(reg.status).toBe(201);
    expect(await statuses(API_LIMIT + 1, () => me(h.app, reg.body.accessToken))).toEqual([
      ...Array(API_LIMIT).fill(200),
      429,
    ]);
    expect(await statuses(AUTH_LIMIT + 1, () => login(h.app, ip))).toEqual([
      ...Array(AUTH_LIMIT).fill(401),
      429,
    ]);

    const keys = await h.redis.keys(`${h.prefix}rl:*`);
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${h.prefix}rl:api:user:`)),
        expect.stringMatching(new RegExp(`^${h.prefix}rl:register:`)),
        expect.stringMatching(new RegExp(`^${h.prefix}rl:login:`)),
      ]),
    );
  });

  test('when Redis stops, then auth routes answer 503 SERVICE_UNAVAILABLE and the rest keep serving without limits', async () => {
    const ip = newIp();
    const reg = await register(h.app, ip);
    expect(reg.status).toBe(201);

    await redisServer.stop();
    await waitFor('the client to notice', () => !h.redis.isReady);

    const refused = await login(h.app, newIp());
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('5');
    expect((await register(h.app, newIp())).status).toBe(503);

    // Fail open: more than the API limit, none refused, none hanging.
    expect(await statuses(API_LIMIT + 3, () => me(h.app, reg.body.accessToken))).toEqual(
      Array(API_LIMIT + 3).fill(200),
    );
    expect((await request(h.app).get('/health')).status).toBe(200);
    // Readiness is about the database: an instance without Redis still serves, so it stays in rotation.
    expect((await request(h.app).get('/ready')).status).toBe(200);
  });

  test('when Redis comes back, then auth routes recover within 5 s and the limits apply again', async () => {
    await redisServer.start();
    const ip = newIp();
    const reg = await waitFor('register to work again', async () => {
      const res = await register(h.app, ip);
      return res.status === 201 ? res : undefined;
    });
    expect(await statuses(API_LIMIT + 1, () => me(h.app, reg.body.accessToken))).toEqual([
      ...Array(API_LIMIT).fill(200),
      429,
    ]);
    // The restarted Redis lost its scripts: the store reloaded them (NOSCRIPT) and counts in it again.
    expect(await h.redis.keys(`${h.prefix}rl:api:user:*`)).toHaveLength(1);
  });

  test('when Redis loses the limiter scripts (a restart between two requests), then they are reloaded and counting goes on', async () => {
    const ip = newIp();
    expect(await statuses(2, () => login(h.app, ip))).toEqual([401, 401]);
    await h.redis.sendCommand(['SCRIPT', 'FLUSH']);
    expect(await statuses(AUTH_LIMIT - 1, () => login(h.app, ip))).toEqual([
      ...Array(AUTH_LIMIT - 2).fill(401),
      429,
    ]);
  });

  test('when Redis stops answering (paused), then requests are answered within the command timeout under the same policy', async () => {
    const ip = newIp();
    const reg = await register(h.app, ip);
    expect(reg.status).toBe(201);
    redisServer.pause();
    try {
      // Each answered within ANSWER_WITHIN_MS (the supertest timeout); after the first timeout the limits
      // stop waiting for Redis for a moment, so the later ones do not each wait again.
      for (let i = 0; i < 3; i++) {
        const [refused, served] = await Promise.all([login(h.app, newIp()), me(h.app, reg.body.accessToken)]);
        expect(refused.status).toBe(503);
        expect(refused.body.code).toBe('SERVICE_UNAVAILABLE');
        expect(served.status).toBe(200);
      }
    } finally {
      redisServer.resume();
    }
    await waitFor('login to be counted again', async () => (await login(h.app, newIp())).status === 401);
  });

  test('when Redis is down at start, then the app still starts and its limits work as soon as Redis comes up', async () => {
    const port = await freePort();
    const late = await harness(db, `redis://127.0.0.1:${port}`);
    clients.push(late.redis);
    expect(late.redis.isReady).toBe(false);

    expect((await login(late.app, newIp())).status).toBe(503);
    const ip = newIp();
    expect(
      await statuses(API_LIMIT + 1, () =>
        request(late.app).get('/api/openapi.json').set('X-Forwarded-For', ip),
      ),
    ).toEqual(Array(API_LIMIT + 1).fill(200));

    await startRedisServer({ port });
    await waitFor('login to be counted', async () => (await login(late.app, newIp())).status === 401);
    const counted = newIp();
    expect(await statuses(AUTH_LIMIT + 1, () => login(late.app, counted))).toEqual([
      ...Array(AUTH_LIMIT).fill(401),
      429,
    ]);
  });

  test('when two apps share one Redis, then a limit of L allows L requests across both', async () => {
    // A second client, as a second process would have, and the same deployment's prefix.
    const otherClient = await connectRedis(redisServer.url, logger);
    clients.push(otherClient);
    const second = checked(
      createApp({
        config: testConfig({
          AUTH_RATE_LIMIT: String(AUTH_LIMIT),
          API_RATE_LIMIT: String(API_LIMIT),
          TRUST_PROXY: '1',
          REDIS_URL: redisServer.url,
          REDIS_KEY_PREFIX: h.prefix,
        }),
        db: db.db,
        logger,
        redis: otherClient,
      }),
    );
    const ip = newIp();
    const answers: number[] = [];
    for (let i = 0; i < AUTH_LIMIT * 2; i++) answers.push((await login(i % 2 ? second : h.app, ip)).status);
    expect(answers.filter((status) => status === 401)).toHaveLength(AUTH_LIMIT);
    expect(answers.filter((status) => status === 429)).toHaveLength(AUTH_LIMIT);
  });
});
