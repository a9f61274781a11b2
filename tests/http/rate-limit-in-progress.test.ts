import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../src/http/error-handler';
import { createRateLimiters } from '../../src/http/rate-limit';
import { createLogger } from '../../src/lib/logger';
import { waitFor } from '../helpers/spawn-server';

/**
 * A failures-only limit with `concurrent` (the login limit per address): requests in progress are not held
 * against the limit, only settled failures are, and at most `concurrent` are in progress at once. The
 * handler here waits for the test to let it answer, so "in progress" is a state, not a timing.
 */
const logger = createLogger({ level: 'error', json: false, silent: true });

function harness() {
  const limiter = createRateLimiters({
    windowMs: 60_000,
    apiLimit: 1000,
    authLimit: 2,
    redisPrefix: 'test:',
    logger,
  }).create({ name: 'login', limit: 2, onlyFailures: true, concurrent: 3, key: () => 'ip:198.51.100.1' });
  let arrived = 0;
  let letGo: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (letGo = resolve));
  const app = express();
  app.post('/ok', limiter, async (_req, res) => {
    arrived++;
    await gate;
    res.status(200).json({ ok: true });
  });
  app.post('/fail', limiter, (_req, res) => {
    res.status(401).json({ ok: false });
  });
  app.use(errorHandler(logger, { exposeInternals: false }));
  return {
    app,
    arrived: () => arrived,
    release() {
      letGo();
      gate = new Promise<void>((resolve) => (letGo = resolve));
    },
  };
}

describe('a failures-only limit with requests in progress', () => {
  test('when more successes than the limit are in progress at once, then none is refused; past `concurrent`, 429 at once', async () => {
    const h = harness();
    const held = Array.from({ length: 3 }, () =>
      Promise.resolve(
        request(h.app)
          .post('/ok')
          .then((r) => r),
      ),
    );
    await waitFor('three requests in progress', () => h.arrived() === 3);
    const fourth = await request(h.app).post('/ok');
    expect(fourth.status).toBe(429);
    expect(fourth.body.code).toBe('RATE_LIMITED');
    expect(fourth.headers['retry-after']).toBe('1');
    h.release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);

    // The successes gave their counts back, and the one refused at once was never counted: the full
    // limit of failures is left.
    const failures: number[] = [];
    for (let i = 0; i < 3; i++) failures.push((await request(h.app).post('/fail')).status);
    expect(failures).toEqual([401, 401, 429]);
  });

  test('when failures settle, then the limit counts them: the third failure is refused', async () => {
    const h = harness();
    expect((await request(h.app).post('/fail')).status).toBe(401);
    expect((await request(h.app).post('/fail')).status).toBe(401);
    const third = await request(h.app).post('/fail');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });
});
