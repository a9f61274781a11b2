import { ACCOUNT_FAILURES_FACTOR } from '../../src/http/rate-limit';
import { useTestApp } from '../helpers/app';
import { createUser, uniqueEmail } from '../helpers/factories';

describe('auth rate limits (AUTH_RATE_LIMIT=3 per minute)', () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT: '3' } });

  test('when a client passes the login limit, then 429 RATE_LIMITED with Retry-After and RateLimit headers', async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await t.http().post('/api/auth/login').send({ email, password: 'wrong password' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(last!.body.code).toBe('RATE_LIMITED');
    expect(last!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(last!.headers['ratelimit-policy']).toMatch(/q=3;\s*w=60/);
    expect(last!.headers.ratelimit).toMatch(/r=0/);
  });

  test('when the client sends its own X-Forwarded-For, then the limit still holds (TRUST_PROXY=0)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t
        .http()
        .post('/api/auth/register')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .send({ email: uniqueEmail(), password: 'long enough' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});

describe('login limit per account behind one proxy hop (TRUST_PROXY=1)', () => {
  const t = useTestApp({ env: { AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' } });

  test('when one account is tried from many addresses, then the account cap (10× the limit) still stops it', async () => {
    const user = await createUser(t);
    const cap = 3 * ACCOUNT_FAILURES_FACTOR;
    const statuses: number[] = [];
    for (let i = 0; i < cap + 2; i++) {
      const res = await t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i + 1}`)
        .send({ email: user.email.toUpperCase(), password: 'wrong password' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(cap).fill(401), 429, 429]);
    // Another account from a fresh address is not affected.
    const other = await createUser(t);
    const res = await t
      .http()
      .post('/api/auth/login')
      .set('X-Forwarded-For', '198.51.100.99')
      .send({ email: other.email, password: other.password });
    expect(res.status).toBe(200);
  });
});

describe('the general API limit (API_RATE_LIMIT=5 per minute per user)', () => {
  const t = useTestApp({ env: { API_RATE_LIMIT: '5' } });

  test('when one user passes the limit, then 429 for them and not for another user', async () => {
    const user = await createUser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.http().get('/api/auth/me').set(user.auth)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const other = await createUser(t);
    await t.http().get('/api/auth/me').set(other.auth).expect(200);
  });

  test('when /health and /ready are polled often, then they are never limited', async () => {
    for (let i = 0; i < 8; i++) await t.http().get('/health').expect(200);
  });
});
