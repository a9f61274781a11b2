import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, logEntry } from '../../src/lib/logger';
import { requestContext } from '../../src/lib/async-context';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

const t = useTestApp({ captureLogs: true });

function memoryLogger(json = true) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({
    level: 'debug',
    json,
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('error logging', () => {
  const entries = () => t.logs.map((line) => JSON.parse(line) as Record<string, any>);

  test('when an expected 503 (BILLING_DISABLED) is answered, then it is a warn line with its code: no error line, no stack', async () => {
    const user = await createUser(t);
    t.logs.length = 0;
    const res = await t
      .http()
      .post('/api/billing/checkout')
      .set(user.auth)
      .set('X-Request-Id', 'log-expected-503')
      .send({ plan: 'pro', interval: 'month' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('BILLING_DISABLED');
    expect(entries().filter((e) => e.level === 'error')).toEqual([]);
    expect(t.logs.join('\n')).not.toMatch(/stack|\n\s+at /);
    const lines = entries().filter((e) => e.requestId === 'log-expected-503' && e.message !== 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        requestId: 'log-expected-503',
        route: '/api/billing/checkout',
        status: 503,
        code: 'BILLING_DISABLED',
      }),
    ]);
  });

  test('when a 4xx is answered, then no line but the request line, at info', async () => {
    const user = await createUser(t);
    t.logs.length = 0;
    await t
      .http()
      .get('/api/projects/00000000-0000-4000-8000-000000000000')
      .set(user.auth)
      .set('X-Request-Id', 'log-expected-404')
      .expect(404);
    const lines = entries().filter((e) => e.requestId === 'log-expected-404');
    expect(lines.map((e) => [e.level, e.message])).toEqual([['info', 'request']]);
  });

  test('when an unexpected 500 happens, then it is still an error line with the stack', async () => {
    const user = await createUser(t);
    // A real failure: the table the query needs is gone (this file's own database).
    await t.db.query('ALTER TABLE sessions RENAME TO sessions_gone');
    try {
      t.logs.length = 0;
      const res = await t.http().get('/api/auth/sessions').set(user.auth);
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('INTERNAL');
    } finally {
      await t.db.query('ALTER TABLE sessions_gone RENAME TO sessions');
    }
    const errors = entries().filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: 'request failed', status: 500 });
    expect(errors[0].error.stack).toMatch(/\n\s+at /);
  });
});

describe('request logging', () => {
  test('when a request is served, then one line carries its id, method, route template, status and duration', async () => {
    const user = await createUser(t);
    t.logs.length = 0;
    const res = await t
      .http()
      .delete('/api/auth/sessions/00000000-0000-4000-8000-000000000000')
      .set(user.auth)
      .set('X-Request-Id', 'log-test-1');
    expect(res.status).toBe(404);
    const lines = t.logs.map((line) => JSON.parse(line)).filter((l) => l.message === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      requestId: 'log-test-1',
      userId: user.id,
      method: 'DELETE',
      route: '/api/auth/sessions/:id',
      status: 404,
      durationMs: expect.any(Number),
    });
  });

  test('when credentials pass through, then no log line contains the password or a token', async () => {
    t.logs.length = 0;
    const user = await createUser(t, { password: 'a very secret password' });
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await t.http().post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
    await t.http().get('/api/auth/me').set(user.auth).expect(200);
    const all = t.logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain('a very secret password');
    expect(all).not.toContain(user.refreshToken);
    expect(all).not.toContain(user.accessToken);
  });
});

describe('the logger', () => {
  test('when secrets appear anywhere in a log entry, then they are redacted', () => {
    const { logger, lines } = memoryLogger();
    logger.info('something happened', {
      password: 'p1',
      headers: { authorization: 'Bearer abc', Cookie: 'sid=1', accept: 'json' },
      body: { refreshToken: 'r1', nested: [{ key: 'sk-123', label: 'ok' }] },
    });
    const entry = JSON.parse(lines[0]);
    expect(entry.password).toBe('[redacted]');
    expect(entry.headers).toEqual({ authorization: '[redacted]', Cookie: '[redacted]', accept: 'json' });
    expect(entry.body).toEqual({ refreshToken: '[redacted]', nested: [{ key: '[redacted]', label: 'ok' }] });
  });

  test('when a line is logged inside a request context, then it carries that request id', () => {
    const { logger, lines } = memoryLogger();
    requestContext.run({ requestId: 'ctx-42', userId: 'u-1' }, () => logger.warn('deep in a service'));
    expect(JSON.parse(lines[0])).toMatchObject({
      requestId: 'ctx-42',
      userId: 'u-1',
      message: 'deep in a service',
    });
  });

  test('when a JSON line is written, then it starts with timestamp, level and message, then the fields as given', () => {
    const { logger, lines } = memoryLogger();
    logger.info('ordered', { zeta: 1, alpha: 2 });
    const entry = JSON.parse(lines[0]);
    expect(Object.keys(entry)).toEqual(['timestamp', 'level', 'message', 'zeta', 'alpha']);
    expect(new Date(entry.timestamp).toISOString()).toBe(entry.timestamp);
  });

  test('when fields hold a cycle, a bigint, a date, a buffer or deep nesting, then the line is still written', () => {
    const { logger, lines } = memoryLogger();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) deep = { deep };
    const at = new Date('2026-01-02T03:04:05.000Z');
    logger.warn('odd values', { cyclic, big: 12345678901234567890n, at, file: Buffer.alloc(2048), deep });
    const entry = JSON.parse(lines[0]);
    expect(entry.big).toBe('12345678901234567890');
    expect(entry.at).toBe('2026-01-02T03:04:05.000Z');
    expect(entry.file).toBe('[2048 bytes]');
    expect(entry.cyclic.name).toBe('loop');
    expect(JSON.stringify(entry.cyclic)).toContain('[nested too deep]');
    expect(JSON.stringify(entry.deep)).toContain('[nested too deep]');
  });

  test('when a field cannot be turned into JSON, then the line keeps its message and says why', () => {
    const { logger, lines } = memoryLogger();
    logger.error('bad field', {
      thing: {
        toJSON: () => {
          throw new Error('no JSON for you');
        },
      },
    });
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      message: 'bad field',
      logError: 'no JSON for you',
    });
  });

  test('when the logger writes text (development), then a line is timestamp, level, message and the fields as JSON', () => {
    const { logger, lines } = memoryLogger(false);
    requestContext.run({ requestId: 'ctx-7' }, () => logger.info('hello', { token: 't0ps3cret', n: 1 }));
    logger.info('bare');
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z info hello \{"token":"\[redacted\]","n":1,"requestId":"ctx-7"\}\n?$/,
    );
    expect(lines[1]).toMatch(/^\S+ info bare\n?$/);
  });

  test('when the server writes its per-request line directly, then it is the line logger.log writes', async () => {
    const logger = createLogger({ level: 'info', json: true, batchWrites: true });
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const fields = { requestId: 'r-1', method: 'GET', status: 200, token: 'secret' };
      logEntry(logger, 'info', 'request', fields);
      logger.log('info', 'request', fields);
      logEntry(logger, 'debug', 'below the level', {});
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.stdout.write = original;
    }
    const lines = written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    const [direct, piped] = lines.map(({ timestamp, ...rest }) => {
      expect(typeof timestamp).toBe('string');
      return rest;
    });
    expect(direct).toEqual(piped);
    expect(direct).toEqual({
      level: 'info',
      message: 'request',
      requestId: 'r-1',
      method: 'GET',
      status: 200,
      token: '[redacted]',
    });
  });
});
