import querystring from 'node:querystring';
import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import Joi from 'joi';
import request from 'supertest';
import { createRateLimiters } from '../../src/http/rate-limit';
import { defineRoute } from '../../src/http/route';
import { inSequence } from '../../src/http/router';
import { idParams } from '../../src/http/schemas';
import { REMEMBERED_QUERIES_PER_SCHEMA, validatePart, validateQuery } from '../../src/http/validate';
import { createLogger } from '../../src/lib/logger';
import { useTestApp } from '../helpers/app';
import { createProject, createUser } from '../helpers/factories';
import { createRouteApp } from '../storage/upload-app';

/**
 * The request path's performance shortcuts (see docs/benchmarks.md) change nothing a client can see:
 * helmet's headers on every answer, a route's middleware run as one Express layer, an empty
 * query or path part validated once per schema, a query string's answer kept per route, and rate limits
 * counted without express-rate-limit's middleware (its stores, headers and answers stay the same).
 */

const IGNORED = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

describe('security headers', () => {
  const t = useTestApp();

  test("when a response goes out over HTTP, then it carries exactly helmet()'s headers, less the CSP's upgrade-insecure-requests", async () => {
    const bare = express();
    bare.disable('x-powered-by');
    // upgrade-insecure-requests is sent over HTTPS only (tests/docs/docs-page-plain-http.test.ts).
    bare.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
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

describe('a query part kept by its raw query string (validateQuery)', () => {
  const t = useTestApp();
  const listQuery = () =>
    Joi.object({
      page: Joi.number().integer().min(1).default(1),
      limit: Joi.number().integer().min(1).max(100).default(20),
      q: Joi.string().trim(),
      include: Joi.string().custom((value: string) => value.split(',')),
    });
  /** The query string parsed as Express parses it, counting the parses (a kept answer needs none). */
  const parser = () => {
    const parse = (raw: string) => () => {
      parse.calls += 1;
      return querystring.parse(raw);
    };
    parse.calls = 0;
    return parse;
  };

  test.each([
    '',
    'limit=20',
    'page=2&limit=5',
    'q=%20cats%20&include=stories,images',
    'limit=0',
    'limit=x',
    'page=1&page=2',
    'bogus=1',
  ])(
    "when the query string is '%s', then the answer is validatePart's, the first time and the second",
    (raw) => {
      const schema = listQuery();
      const parse = parser();
      const direct = () => validatePart(schema, querystring.parse(raw), 'query');
      let expected: unknown;
      try {
        expected = direct();
      } catch (error) {
        expected = error;
      }
      for (let i = 0; i < 2; i++) {
        if (expected instanceof Error) {
          expect(() => validateQuery(schema, raw, parse(raw))).toThrow(expected.message);
        } else {
          expect(validateQuery(schema, raw, parse(raw))).toEqual(expected);
        }
      }
      // Kept when valid (parsed once), validated anew when not (a failure is never kept).
      expect(parse.calls).toBe(expected instanceof Error ? 2 : 1);
    },
  );

  test('when an answer is kept, then it is frozen, arrays included, so no request can change the next one', () => {
    const schema = listQuery();
    const parse = parser();
    const first = validateQuery<{ limit: number; include: string[] }>(
      schema,
      'include=a,b',
      parse('include=a,b'),
    );
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.include)).toBe(true);
    expect(() => {
      (first as { limit: number }).limit = 99;
    }).toThrow(TypeError);
    expect(validateQuery(schema, 'include=a,b', parse('include=a,b'))).toEqual({
      page: 1,
      limit: 20,
      include: ['a', 'b'],
    });
  });

  test('when an answer holds an object such as a Date, then it is not kept: each request validates anew', () => {
    const schema = Joi.object({ from: Joi.date().iso() });
    const parse = parser();
    const first = validateQuery<{ from: Date }>(schema, 'from=2026-01-01', parse('from=2026-01-01'));
    const second = validateQuery<{ from: Date }>(schema, 'from=2026-01-01', parse('from=2026-01-01'));
    expect(parse.calls).toBe(2);
    expect(second.from).toEqual(new Date('2026-01-01'));
    expect(second.from).not.toBe(first.from);
    expect(Object.isFrozen(second)).toBe(false);
  });

  test('when more query strings come than are kept, then the oldest is dropped and long ones are never kept', () => {
    const schema = listQuery();
    const parse = parser();
    for (let page = 1; page <= REMEMBERED_QUERIES_PER_SCHEMA + 1; page++) {
      validateQuery(schema, `page=${page}`, parse(`page=${page}`));
    }
    expect(parse.calls).toBe(REMEMBERED_QUERIES_PER_SCHEMA + 1);
    validateQuery(schema, `page=${REMEMBERED_QUERIES_PER_SCHEMA + 1}`, parse('')); // the newest: kept
    expect(parse.calls).toBe(REMEMBERED_QUERIES_PER_SCHEMA + 1);
    validateQuery(schema, 'page=1', parse('page=1')); // the oldest: dropped, parsed again
    expect(parse.calls).toBe(REMEMBERED_QUERIES_PER_SCHEMA + 2);

    const long = `q=${'x'.repeat(300)}`;
    validateQuery(schema, long, parse(long));
    validateQuery(schema, long, parse(long));
    expect(parse.calls).toBe(REMEMBERED_QUERIES_PER_SCHEMA + 4);
  });

  test('when a route is asked twice with one query string through Express, then Joi runs once; a bad one every time', async () => {
    let runs = 0;
    const counted = Joi.number()
      .integer()
      .custom((value: number) => {
        runs += 1;
        return value;
      });
    const route = defineRoute({
      method: 'get',
      path: '/test/query',
      tags: ['Test'],
      summary: 'Test-only query echo',
      auth: 'none',
      query: Joi.object<{ n?: number; tag?: string }, true>({ n: counted, tag: Joi.string() }),
      response: { status: 200 },
      handler: async ({ query }) => ({ body: query }),
    });
    const app = createRouteApp(t.ctx, [route]);
    for (let i = 0; i < 2; i++) {
      const res = await request(app).get('/test/query?n=5&tag=a');
      expect([res.status, res.body]).toEqual([200, { n: 5, tag: 'a' }]);
    }
    expect(runs).toBe(1);
    const other = await request(app).get('/test/query?tag=a&n=5'); // another string: validated on its own
    expect([other.status, other.body]).toEqual([200, { n: 5, tag: 'a' }]);
    expect(runs).toBe(2);
    for (let i = 0; i < 2; i++) {
      const bad = await request(app).get('/test/query?n=5&n=6');
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  test('when a list is asked for with the same query string again, then it answers from the data of the moment, and a bad query is still a 400', async () => {
    const user = await createUser(t);
    const list = async () => {
      const res = await t.http().get('/api/projects?limit=2&sort=-createdAt').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body.pagination).toMatchObject({ page: 1, limit: 2 });
      return (res.body.data as { id: string }[]).map((p) => p.id);
    };
    const first = await createProject(t, user);
    expect(await list()).toEqual([first.id]);
    const second = await createProject(t, user);
    expect(await list()).toEqual([second.id, first.id]);
    const bad = await t.http().get('/api/projects?limit=2&sort=-createdAt&limit=3').set(user.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
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
