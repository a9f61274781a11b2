import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

const t = useTestApp({ env: { JSON_BODY_LIMIT: '2048' } });

const PROBLEM = /^application\/problem\+json/;

describe('problem+json for every error', () => {
  test('when the route is unknown, then 404 NOT_FOUND as problem+json with the request id', async () => {
    const res = await t.http().get('/api/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: 'No route for GET /api/does-not-exist',
      requestId: res.headers['x-request-id'],
    });
  });

  test('when a known path gets another method, then 405 with Allow', async () => {
    const res = await t.http().put('/api/auth/login').send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.code).toBe('METHOD_NOT_ALLOWED');
  });

  test('when the body is not valid JSON, then 400 INVALID_JSON', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('INVALID_JSON');
  });

  test('when the body is over the JSON limit, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'a@example.test', password: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  describe('compressed JSON bodies (over a real connection: supertest would re-encode a Buffer)', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer(t.handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const post = (body: Buffer, encoding: string) =>
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      });

    test('when a gzip body is valid, then it is read (the wrong password is the only problem)', async () => {
      const res = await post(
        zlib.gzipSync(JSON.stringify({ email: 'a@example.test', password: 'x' })),
        'gzip',
      );
      expect(res.status).toBe(401);
    });

    test('when the body is not gzip at all, then 400 saying so', async () => {
      const res = await post(Buffer.from('{"plain": "json"}'), 'gzip');
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(await res.json()).toMatchObject({
        code: 'VALIDATION_ERROR',
        detail: 'The body is not valid data for its Content-Encoding',
      });
    });

    test('when a small gzip body inflates past the JSON limit, then 413 and the inflating stops there', async () => {
      const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '));
      expect(bomb.length).toBeLessThan(100_000);
      const res = await post(bomb, 'gzip');
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    });

    test('when the encoding is one the server does not know, then 415', async () => {
      const res = await post(Buffer.from('{}'), 'compress');
      expect(res.status).toBe(415);
      expect(((await res.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });

  test('when the body is not JSON at all, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await t.http().post('/api/auth/login').set('Content-Type', 'text/plain').send('email=a');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the body is a JSON array, then 400 VALIDATION_ERROR', async () => {
    const res = await t.http().post('/api/auth/login').send([1, 2]);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  test('when an unknown query parameter is sent, then 400 naming it', async () => {
    const user = await createUser(t);
    const res = await t.http().get('/api/auth/me?debug=1').set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'debug', message: 'is not allowed' }]);
  });

  test('when the database fails unexpectedly, then 500 INTERNAL with no SQL or stack in the body', async () => {
    const user = await createUser(t);
    // A real failure: the table the query needs is gone (this file's own database).
    await t.db.query('ALTER TABLE sessions RENAME TO sessions_gone');
    try {
      const res = await t.http().get('/api/auth/sessions').set(user.auth);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        code: 'INTERNAL',
        detail: 'Something went wrong on our side',
        requestId: res.headers['x-request-id'],
      });
    } finally {
      await t.db.query('ALTER TABLE sessions_gone RENAME TO sessions');
    }
  });
});

describe('request ids', () => {
  test('when the client sends a sane X-Request-Id, then it is echoed in the header and problem body', async () => {
    const res = await t.http().get('/api/nothing-here').set('X-Request-Id', 'client-id_1.2:3-4');
    expect(res.headers['x-request-id']).toBe('client-id_1.2:3-4');
    expect(res.body.requestId).toBe('client-id_1.2:3-4');
  });

  test.each([['has spaces in it'], ['x'.repeat(129)], ['<script>']])(
    'when the client sends %j, then a fresh id is generated instead',
    async (incoming) => {
      const res = await t.http().get('/health').set('X-Request-Id', incoming);
      expect(res.headers['x-request-id']).not.toBe(incoming);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});

describe('security headers', () => {
  test('when any response goes out, then helmet headers are set and X-Powered-By is not', async () => {
    const res = await t.http().get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });
});
