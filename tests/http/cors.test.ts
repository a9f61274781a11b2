import { useTestApp } from '../helpers/app';

describe('CORS with a list of origins', () => {
  const t = useTestApp({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });

  test('when an allowed origin calls, then it is allowed without credentials and sees the exposed headers', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://app.example.com');
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['access-control-expose-headers']).toContain('ETag');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  test('when another origin calls, then no CORS header allows it', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://evil.example.net');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('when the browser sends a preflight, then the API headers are allowed', async () => {
    const res = await t
      .http()
      .options('/api/auth/login')
      .set('Origin', 'https://admin.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,idempotency-key,if-match');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(res.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    expect(res.headers['access-control-allow-headers']).toMatch(/If-Match/);
  });

  test('when a page revalidates a resource with If-None-Match, then the preflight allows that header', async () => {
    const res = await t
      .http()
      .options('/api/projects/00000000-0000-4000-8000-000000000000')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization,if-none-match');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toMatch(/(^|,)If-None-Match(,|$)/);
  });
});

describe('CORS with "*"', () => {
  const t = useTestApp({ env: { CORS_ORIGINS: '*' } });

  test('when any origin calls, then "*" is answered and credentials are never allowed with it', async () => {
    const res = await t.http().get('/health').set('Origin', 'https://anyone.example.org');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
