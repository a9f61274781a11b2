import crypto from 'node:crypto';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/app';
import type { AppDeps } from '../../src/context';
import { ACCOUNT_FAILURES_FACTOR } from '../../src/http/rate-limit';
import { createLogger } from '../../src/lib/logger';
import { connectRedis } from '../../src/server';
import { testConfig, useResponseChecks } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { uniqueEmail } from '../helpers/factories';
import {
  describeIf,
  killAll,
  redisServerInstalled,
  startRedisServer,
  type RedisServer,
} from '../helpers/spawn-server';

/**
 * The contract: failed logins count per (account, client IP) and per IP; the per-account cap across all
 * addresses is at least 10× that; correct logins are not held back by the per-IP limit meant for failures.
 * Each scenario runs on the in-memory store and on Redis. Client addresses come from X-Forwarded-For
 * (TRUST_PROXY=1); each test uses addresses of its own.
 */
const AUTH_LIMIT = 5;
const PASSWORD = 'correct horse battery';
const logger = createLogger({ level: 'error', json: false, silent: true });
const checked = useResponseChecks();

let nextIp = 0;
/** A fresh client address (198.18.0.0/15, the benchmarking range) for every call. */
const newIp = () => {
  nextIp++;
  return `198.18.${Math.floor(nextIp / 250)}.${(nextIp % 250) + 1}`;
};

interface Harness {
  app: RequestListener;
}

function scenarios(name: string, setUp: () => Promise<Harness>) {
  describe(`login limits on ${name} (AUTH_RATE_LIMIT=${AUTH_LIMIT}, TRUST_PROXY=1)`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await setUp();
    });

    const register = async (ip = newIp()) => {
      const email = uniqueEmail('lockout');
      const res = await request(h.app)
        .post('/api/auth/register')
        .set('X-Forwarded-For', ip)
        .send({ email, password: PASSWORD });
      expect(res.status).toBe(201);
      return email;
    };
    const login = (email: string, password: string, ip: string) =>
      request(h.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });
    const statuses = async (count: number, send: (i: number) => Promise<{ status: number }>) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push((await send(i)).status);
      return out;
    };

    test('when an address fails past its limit for an account, then the owner still signs in from another address', async () => {
      const email = await register();
      const attacker = newIp();
      expect(await statuses(AUTH_LIMIT * 2, () => login(email, 'wrong password', attacker))).toEqual([
        ...Array(AUTH_LIMIT).fill(401),
        ...Array(AUTH_LIMIT).fill(429),
      ]);
      const owner = await login(email, PASSWORD, newIp());
      expect(owner.status).toBe(200);
      expect(owner.body.accessToken).toEqual(expect.any(String));
      // The attacker's address stays limited, for the right password too (a 200 would confirm a guess).
      expect((await login(email, PASSWORD, attacker)).status).toBe(429);
    });

    test('when 30 accounts sign in correctly from one address within a minute, then all succeed', async () => {
      const emails: string[] = [];
      for (let i = 0; i < 30; i++) emails.push(await register());
      const classroom = newIp();
      const one = await statuses(15, (i) => login(emails[i], PASSWORD, classroom));
      // The other half at once, as a class clicking together does.
      const together = await Promise.all(emails.slice(15).map((email) => login(email, PASSWORD, classroom)));
      expect([...one, ...together.map((res) => res.status)]).toEqual(Array(30).fill(200));
    });

    test('when one address fails across many accounts, then it hits the per-address failure limit', async () => {
      const sprayer = newIp();
      const answers = await statuses(AUTH_LIMIT + 2, () =>
        login(uniqueEmail('nobody'), 'Winter2026!', sprayer),
      );
      expect(answers).toEqual([...Array(AUTH_LIMIT).fill(401), 429, 429]);
      const limited = await login(uniqueEmail('nobody'), 'Winter2026!', sprayer);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not affected.
      expect((await login(uniqueEmail('nobody'), 'x', newIp())).status).toBe(401);
    });

    test('when one account fails from many addresses, then the cap across addresses is 10× the per-address limit', async () => {
      const email = await register();
      const cap = AUTH_LIMIT * ACCOUNT_FAILURES_FACTOR;
      expect(ACCOUNT_FAILURES_FACTOR).toBeGreaterThanOrEqual(10);
      // Each address stays under its own limit: only the account's cap can stop them.
      const answers = await statuses(cap + 1, () => login(email, 'wrong password', newIp()));
      expect(answers.slice(0, cap)).toEqual(Array(cap).fill(401));
      expect(answers[cap]).toBe(429);
    });
  });
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const env = { AUTH_RATE_LIMIT: String(AUTH_LIMIT), TRUST_PROXY: '1' };

scenarios('the in-memory store', async () => ({
  app: checked(createApp({ config: testConfig(env), db: database.db, logger })),
}));

describeIf(redisServerInstalled(), 'redis-server is not installed')('with Redis', () => {
  let server: RedisServer;
  let redis: NonNullable<AppDeps['redis']>;
  afterAll(async () => {
    if (redis?.isOpen) redis.destroy();
    await killAll();
  });
  scenarios('Redis', async () => {
    server = await startRedisServer();
    redis = await connectRedis(server.url, logger);
    const prefix = `cbtest_lockout_${crypto.randomBytes(4).toString('hex')}:`;
    const config = testConfig({ ...env, REDIS_URL: server.url, REDIS_KEY_PREFIX: prefix });
    return { app: checked(createApp({ config, db: database.db, logger, redis })) };
  });
});
