import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/lib/logger';
import { requestContext } from '../../src/lib/request-context';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

const t = useTestApp({ captureLogs: true });

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({
    level: 'debug',
    json: true,
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

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
});
