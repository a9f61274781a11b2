import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import Joi from 'joi';
import request from 'supertest';
import { createRateLimiters } from '../../src/http/rate-limit';
import { inSequence } from '../../src/http/router';
import { idParams } from '../../src/http/schemas';
import { validatePart } from '../../src/http/validate';
import { createLogger } from '../../src/lib/logger';
import { useTestApp } from '../helpers/app';

/**
 * The request path's performance shortcuts (see docs/benchmarks.md) change nothing a client can see:
 * helmet's headers on every answer, a route's middleware run as one Express layer, an empty
 * query or path part validated once per schema, and rate limits counted without express-rate-limit's
 * middleware (its stores, headers and answers stay the same).
 */

const IGNORED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

describe('security headers', () => {
  const t = useTestApp();

  test("when a response goes out, then it carries exactly helmet()'s headers", async () => {
    const bare = express();
    bare.disable('x-powered-by');
    bare.use(helmet());
    bare.get('/', (_req, res) => {
      res.end();
    });
    const expected = (await request(bare).get('/')).headers;
    const res = await t.http().get('/health');
    const helmetNames = Object.keys(expected).filter((name) => !IGNORED.has(name));
    expect(helmetNames.length).toBeGreaterThan(10);
    for (const name of helmetNames) expect([name, res.headers[name]]).toEqual([name, expected[name]]);
  });
});

describe('a route run as one layer (inSequence)', () => {
  const run = (steps: RequestHandler[]) => {
    const app = express();
    app.get('/x', inSequence(steps));
    app.get('/x', (_req, res) => {
      res.status(299).send('next route');
    });
    app.use(((error, _req, res, _next) => {
      res.status(500).send(`error: ${(error as Error).message}`);
    }) as express.ErrorRequestHandler);
    return request(app).get('/x');
  };

  test('when every step calls next, then they run in order and the last one answers', async () => {
    const seen: string[] = [];
    const res = await run([
      (_req, _res, next) => {
        seen.push('a');
        next();
      },
      (_req, _res, next) => {
        seen.push('b');
        setImmediate(next);
      },
      (_req, res) => {
        seen.push('c');
        res.send('done');
      },
    ]);
    expect(res.text).toBe('done');
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  test('when a step throws, rejects or passes an error, then the error handler answers and later steps do not run', async () => {
    const after = jest.fn();
    const failing: RequestHandler[] = [
      () => {
        throw new Error('thrown');
      },
      async () => {
        throw new Error('rejected');
      },
      (_req, _res, next) => next(new Error('passed')),
    ];
    for (const step of failing) {
      const res = await run([step, after]);
      expect(res.status).toBe(500);
      expect(res.text).toMatch(/^error: (thrown|rejected|passed)$/);
    }
    expect(after).not.toHaveBeenCalled();
  });

  test("when a step calls next('route'), then the next matching route answers", async () => {
    const after = jest.fn();
    const res = await run([(_req, _res, next) => next('route'), after]);
    expect(res.status).toBe(299);
    expect(after).not.toHaveBeenCalled();
  });
});

describe('validating an empty part', () => {
  test('when a schema keeps {} as {}, then each empty part is a fresh {}', () => {
    const schema = Joi.object({ include: Joi.string() });
    const first = validatePart<Record<string, unknown>>(schema, {}, 'query');
    first.changed = true;
    expect(validatePart(schema, {}, 'query')).toEqual({});
  });

  test('when a schema adds defaults to {}, then every empty part gets them', () => {
    const schema = Joi.object({ page: Joi.number().default(1), limit: Joi.number().default(20) });
    expect(validatePart(schema, {}, 'query')).toEqual({ page: 1, limit: 20 });
    expect(validatePart(schema, {}, 'query')).toEqual({ page: 1, limit: 20 });
  });

  test('when a schema refuses {}, then every empty part is a 400', () => {
    const schema = Joi.object({ id: Joi.string().required() });
    for (let i = 0; i < 2; i++) {
      expect(() => validatePart(schema, {}, 'params')).toThrow(expect.objectContaining({ status: 400 }));
    }
  });
});

describe("a path's :id validated without Joi when it is plainly valid", () => {
  /** What Joi alone answers, with the options validatePart uses. */
  const joi = (value: unknown) => {
    const result = idParams.validate(value, { abortEarly: false, convert: true, allowUnknown: false });
    return result.error ? 'invalid' : result.value;
  };
  const ours = (value: unknown) => {
    try {
      return validatePart(idParams, value, 'params');
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      return 'invalid';
    }
  };
  const v4 = '0b5e6f3a-2c1d-4e8f-9a7b-6c5d4e3f2a1b';
  const cases: unknown[] = [
    { id: v4 },
    { id: v4.toUpperCase() },
    { id: '0b5e6f3a-2c1d-1e8f-8a7b-6c5d4e3f2a1b' }, // v1
    { id: '0b5e6f3a-2c1d-5e8f-aa7b-6c5d4e3f2a1b' }, // v5
    { id: '019a1b2c-3d4e-7f60-b123-456789abcdef' }, // v7
    { id: '0b5e6f3a-2c1d-3e8f-9a7b-6c5d4e3f2a1b' }, // v3: not accepted
    { id: '0b5e6f3a-2c1d-4e8f-ca7b-6c5d4e3f2a1b' }, // another variant
    { id: `{${v4}}` }, // Joi's wrapper
    { id: v4.replace(/-/g, '') }, // no separators
    { id: v4.replace(/-/g, ':') },
    { id: `${v4} ` },
    { id: `${v4}\n` },
    { id: v4.slice(1) },
    { id: '' },
    { id: 42 },
    { id: v4, extra: 'x' },
    {},
    null,
    'not an object',
  ];

  test.each(cases.map((value) => [JSON.stringify(value), value]))(
    "when the params are %s, then the answer is Joi's",
    (_name, value) => {
      expect(ours(value)).toEqual(joi(value));
    },
  );

  test('when the id is plainly valid, then the answer is a new object with just the id', () => {
    const params = { id: v4 };
    const validated = validatePart<{ id: string }>(idParams, params, 'params');
    expect(validated).toEqual({ id: v4 });
    expect(validated).not.toBe(params);
  });
});

describe('rate limits (our request path over express-rate-limit stores)', () => {
  const silent = createLogger({ level: 'error', json: false, silent: true });

  /** The same limit twice: express-rate-limit's own middleware, configured as before, and ours. */
  const pair = (spec: { limit: number; onlyFailures?: boolean }) => {
    const build = (limiter: RequestHandler) => {
      const app = express();
      app.get('/x', limiter, (req, res) => {
        res.status(req.query.fail ? 401 : 200).end();
      });
      app.use(((error, _req, res, _next) => {
        res.status((error as { status?: number }).status ?? 500);
        for (const [name, value] of Object.entries(
          (error as { headers?: Record<string, string> }).headers ?? {},
        )) {
          res.setHeader(name, value);
        }
        res.end();
      }) as express.ErrorRequestHandler);
      return app;
    };
    const theirs = rateLimit({
      windowMs: 60_000,
      limit: spec.limit,
      identifier: 'test',
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      skipSuccessfulRequests: spec.onlyFailures ?? false,
      keyGenerator: () => 'user:1',
      handler: (_req, _res, next) => next(Object.assign(new Error('limited'), { status: 429 })),
    });
    const ours = createRateLimiters({
      windowMs: 60_000,
      apiLimit: 1,
      authLimit: 1,
      redisPrefix: 'test:',
      logger: silent,
    }).create({ name: 'test', limit: spec.limit, onlyFailures: spec.onlyFailures, key: () => 'user:1' });
    return { theirs: build(theirs), ours: build(ours) };
  };

  /** The reset time (`t=`, whole seconds left) may differ by one: each limiter's window starts on its own. */
  const seconds = (header: unknown) => Number(/t=(\d+)/.exec(String(header))?.[1] ?? NaN);
  const seen = (res: request.Response) => ({
    status: res.status,
    rateLimit: String(res.headers.ratelimit).replace(/t=\d+/, 't=…'),
    policy: res.headers['ratelimit-policy'],
    retryAfter: res.headers['retry-after'] === undefined ? undefined : 'set',
  });
  const same = async (ours: express.Express, theirs: express.Express, path: string) => {
    const [a, b] = [await request(ours).get(path), await request(theirs).get(path)];
    expect(seen(a)).toEqual(seen(b));
    expect(Math.abs(seconds(a.headers.ratelimit) - seconds(b.headers.ratelimit))).toBeLessThanOrEqual(1);
    if (b.headers['retry-after'] !== undefined) {
      expect(
        Math.abs(Number(a.headers['retry-after']) - Number(b.headers['retry-after'])),
      ).toBeLessThanOrEqual(1);
    }
  };

  test('when a client passes the limit, then the statuses and headers are the ones express-rate-limit sent', async () => {
    const { theirs, ours } = pair({ limit: 3 });
    for (let i = 0; i < 5; i++) await same(ours, theirs, '/x');
  });

  test('when only failures count, then successes are given back as express-rate-limit gave them back', async () => {
    const { theirs, ours } = pair({ limit: 2, onlyFailures: true });
    for (const path of ['/x', '/x', '/x?fail=1', '/x', '/x?fail=1', '/x?fail=1', '/x']) {
      await same(ours, theirs, path);
    }
  });
});
