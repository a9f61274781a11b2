import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, uniqueEmail } from '../helpers/factories';
import { ResponseValidator, withResponseValidation } from '../helpers/response-validator';

// Every response in this file is checked against the document; a mismatch fails the test (afterEach).
const t = useTestApp({ validateResponses: true });

describe('responses of the auth and operations routes, checked against the document', () => {
  test('when the operations routes answer, then they match the document', async () => {
    expect((await t.http().get('/health')).status).toBe(200);
    // 200, or 503 while a migration file is newer than the test database: both are declared.
    expect([200, 503]).toContain((await t.http().get('/ready')).status);
    expect((await t.http().head('/health')).status).toBe(200);
    expect((await t.http().get('/api/openapi.json')).status).toBe(200);
    expect((await t.http().get('/api/docs')).status).toBe(200);
    expect((await t.http().get('/health?verbose=1')).status).toBe(400);
  });

  test('when a user registers, signs in, reads and revokes sessions, then every answer matches', async () => {
    const user = await createUser(t);
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);
    const sessions = await t.http().get('/api/auth/sessions?limit=5').set(user.auth);
    expect(sessions.status).toBe(200);
    const other = sessions.body.data.find((s: { current: boolean }) => !s.current);
    expect((await t.http().delete(`/api/auth/sessions/${other.id}`).set(user.auth)).status).toBe(204);
    const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(
      (
        await t
          .http()
          .post('/api/auth/logout')
          .set(user.auth)
          .send({ refreshToken: refreshed.body.refreshToken })
      ).status,
    ).toBe(204);
    expect((await t.http().post('/api/auth/logout-all').set(user.auth)).status).toBe(204);
  });

  test('when requests are refused, then each problem+json answer is a declared status with a Problem body', async () => {
    const user = await createUser(t);
    const answers = [
      await t.http().get('/api/auth/me'),
      await t.http().get('/api/auth/me').set('Authorization', 'Bearer not-a-token'),
      await t.http().post('/api/auth/register').send({ email: 'nope', password: 'x' }),
      await t.http().post('/api/auth/register').send({ email: user.email, password: 'long enough' }),
      await t.http().post('/api/auth/register').set('Content-Type', 'application/json').send('{"email":'),
      await t.http().post('/api/auth/register').set('Content-Type', 'text/plain').send('hello'),
      await t.http().get('/api/auth/sessions?limit=1000').set(user.auth),
      await t.http().delete('/api/auth/sessions/not-a-uuid').set(user.auth),
      await t.http().delete(`/api/auth/sessions/${crypto.randomUUID()}`).set(user.auth),
      await t.http().get('/api/no-such-route'),
      await t.http().patch('/api/auth/me'),
    ];
    expect(answers.map((res) => res.status)).toEqual([401, 401, 400, 409, 400, 415, 400, 400, 404, 404, 405]);
    for (const res of answers) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('when a live server is used through the handler, then its responses are checked too', async () => {
    const server = http.createServer(t.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: uniqueEmail(), password: 'long enough' }),
      });
      expect(res.status).toBe(201);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('every documented operation, probed with input it refuses', () => {
  /** Each operation of the document with its path filled in: `{id}` by `id`, the others by a plausible value. */
  function operations(id: string): { method: string; url: string }[] {
    const document = t.app.locals.openapi() as Record<string, any>;
    return Object.entries<Record<string, unknown>>(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({
        method,
        url: path
          .replace('{provider}', 'openai')
          .replace('{version}', '1')
          .replace('{key}', 'images/x/y.png')
          .replace(/\{[^}]+\}/g, id),
      })),
    );
  }

  const send = (method: string, url: string) =>
    (t.http() as unknown as Record<string, (url: string) => request.Test>)[method](url);

  test('when each operation gets an unknown id, a malformed id, an unknown query parameter, a wrong Content-Type or broken JSON, then each answer is declared', async () => {
    const user = await createUser(t);
    const unknown = crypto.randomUUID();
    const statuses = new Set<number>();
    for (const { method, url } of operations(unknown)) {
      const malformed = url.replace(unknown, 'not-a-uuid');
      const answers = [
        await send(method, url).set(user.auth),
        await send(method, malformed).set(user.auth),
        await send(method, `${url}?unknownParameter=1`).set(user.auth),
        await send(method, url).set(user.auth).set('Content-Type', 'text/plain').send('hello'),
        await send(method, url).set(user.auth).set('Content-Type', 'application/json').send('{"broken'),
      ];
      for (const res of answers) statuses.add(res.status);
    }
    // The validator (afterEach) checked every answer; none of them was the server failing.
    expect([...statuses].filter((status) => status === 500)).toEqual([]);
  });

  test("when a deleted account's still-valid access token is used on each operation, then each answer is declared, and its own account answers 401", async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password }).expect(204);

    for (const { method, url } of operations(project.id)) {
      const res = await send(method, url)
        .set(user.auth)
        .send(method === 'get' || method === 'delete' ? undefined : {});
      expect(res.status).not.toBe(500);
    }
    for (const url of ['/api/auth/me', '/api/billing/subscription']) {
      const res = await t.http().get(url).set(user.auth);
      expect({ url, status: res.status, code: res.body.code }).toEqual({
        url,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
  });
});

describe('the response validator itself', () => {
  /** A validator over a copy of the real document, changed by `edit`, in front of the real app. */
  function validatorWith(edit: (document: Record<string, any>) => void) {
    const document = structuredClone(t.app.locals.openapi()) as Record<string, any>;
    edit(document);
    const validator = new ResponseValidator(document, t.app.locals.routes);
    return { validator, http: () => request(withResponseValidation(t.app, validator)) };
  }

  test('when a status is not declared for the operation, then it is reported', async () => {
    const { validator, http: send } = validatorWith(
      (doc) => delete doc.paths['/health'].get.responses['200'],
    );
    expect((await send().get('/health')).status).toBe(200);
    expect(validator.take()).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/health',
        status: 200,
        problems: [expect.stringMatching(/^status 200 is not declared/)],
      }),
    ]);
  });

  test('when a body does not match the declared schema, then each difference is reported', async () => {
    const { validator, http: send } = validatorWith((doc) => {
      doc.components.schemas.User.required.push('avatarUrl');
      doc.components.schemas.User.properties.plan.enum = ['pro'];
    });
    const user = await createUser(t);
    expect((await send().get('/api/auth/me').set(user.auth)).status).toBe(200);
    const [mismatch] = validator.take();
    expect(mismatch.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must have required property 'avatarUrl'"),
        expect.stringContaining('body/plan must be equal to one of the allowed values'),
      ]),
    );
  });

  test('when a problem body breaks the Problem schema, then it is reported', async () => {
    const { validator, http: send } = validatorWith((doc) =>
      doc.components.schemas.Problem.required.push('hint'),
    );
    expect((await send().get('/api/auth/me')).status).toBe(401);
    expect((await send().get('/api/nowhere')).status).toBe(404);
    const mismatches = validator.take();
    expect(mismatches.map((m) => [m.status, m.route])).toEqual([
      [401, '/api/auth/me'],
      [404, undefined],
    ]);
    for (const m of mismatches)
      expect(m.problems).toEqual([expect.stringContaining("required property 'hint'")]);
  });

  test('when an operation is missing from the document, then its responses are reported', async () => {
    const { validator, http: send } = validatorWith((doc) => delete doc.paths['/ready']);
    await send().get('/ready');
    expect(validator.take()).toEqual([
      expect.objectContaining({ route: '/ready', problems: ['GET /ready is not in the document'] }),
    ]);
  });

  test('when a body-less response is declared with content, or the media type differs, then it is reported', async () => {
    const user = await createUser(t);
    const { validator, http: send } = validatorWith((doc) => {
      doc.paths['/api/auth/logout-all'].post.responses['204'].content = {
        'application/json': { schema: { type: 'object' } },
      };
      doc.paths['/api/docs'].get.responses['200'].content = { 'application/json': { schema: {} } };
    });
    expect((await send().get('/api/docs')).status).toBe(200);
    expect((await send().post('/api/auth/logout-all').set(user.auth)).status).toBe(204);
    expect(validator.take().map((m) => m.problems)).toEqual([
      ['Content-Type text/html is not declared (declared: application/json)'],
      ['the response declares a body (application/json) but none came'],
    ]);
  });
});
