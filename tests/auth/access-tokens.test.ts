import jwt from 'jsonwebtoken';
import { TEST_ENV, useTestApp } from '../helpers/app';
import { createUser, type TestUser } from '../helpers/factories';
import { AccessTokens } from '../../src/lib/tokens';

const t = useTestApp();
const secret = TEST_ENV.JWT_SECRET;

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claimsFor(user: TestUser) {
  const decoded = jwt.decode(user.accessToken) as jwt.JwtPayload;
  return { typ: 'access', sid: decoded.sid, sub: user.id, iss: 'colorbook-engine', aud: 'colorbook-api' };
}

async function expect401(token: string, header = `Bearer ${token}`) {
  const res = await t.http().get('/api/auth/me').set('Authorization', header);
  expect(res.status).toBe(401);
  expect(res.body.code).toBe('UNAUTHENTICATED');
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('access tokens', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t);
  });

  test('when the token is valid, then the route answers', async () => {
    await t.http().get('/api/auth/me').set(user.auth).expect(200);
  });

  test('when no Authorization header is sent, then 401 with WWW-Authenticate: Bearer', async () => {
    const res = await t.http().get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  test('when the header is not a Bearer token, then 401', async () => {
    await expect401('', `Basic ${Buffer.from('a:b').toString('base64')}`);
    await expect401('', 'Bearer');
  });

  test('when the token says alg "none", then 401', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claimsFor(user), exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    await expect401(token);
  });

  test('when the token is signed with another secret, then 401', async () => {
    const token = jwt.sign(claimsFor(user), 'another-secret-that-is-long-enough-0123456789', {
      expiresIn: 600,
    });
    await expect401(token);
  });

  test('when the token is signed with another algorithm on the same secret, then 401', async () => {
    const token = jwt.sign(claimsFor(user), secret, { algorithm: 'HS512', expiresIn: 600 });
    await expect401(token);
  });

  test('when the payload is tampered with, then 401', async () => {
    const other = await createUser(t);
    const [header, , signature] = user.accessToken.split('.');
    const forged = `${header}.${base64url({ ...claimsFor(user), sub: other.id, exp: Math.floor(Date.now() / 1000) + 600 })}.${signature}`;
    await expect401(forged);
  });

  test('when the token has expired, then 401', async () => {
    const token = jwt.sign({ ...claimsFor(user), exp: Math.floor(Date.now() / 1000) - 10 }, secret);
    await expect401(token);
  });

  test('when the token has no expiry, then 401', async () => {
    const token = jwt.sign(claimsFor(user), secret);
    await expect401(token);
  });

  test('when the issuer or the audience is wrong, then 401', async () => {
    await expect401(jwt.sign({ ...claimsFor(user), iss: 'someone-else' }, secret, { expiresIn: 600 }));
    await expect401(jwt.sign({ ...claimsFor(user), aud: 'another-api' }, secret, { expiresIn: 600 }));
  });

  test('when a token of another type is signed with our secret, then it is not an access token', async () => {
    await expect401(jwt.sign({ ...claimsFor(user), typ: 'refresh' }, secret, { expiresIn: 600 }));
  });

  test('when a refresh token is used as the bearer token, then 401', async () => {
    await expect401(user.refreshToken);
  });

  test('when an access token is sent to /refresh, then 401 UNAUTHENTICATED', async () => {
    const res = await t.http().post('/api/auth/refresh').send({ refreshToken: user.accessToken });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  test('when the account behind a valid token is gone, then /me answers 401', async () => {
    const gone = await createUser(t);
    await t.db.query('DELETE FROM users WHERE id = $1', [gone.id]);
    await expect401(gone.accessToken);
  });
});

describe('verified tokens remembered by AccessTokens', () => {
  const options = { secret, issuer: 'colorbook-engine', audience: 'colorbook-api', ttlSeconds: 60 };
  const claims = {
    userId: '6f9a4a52-7a0c-4c55-9b7e-1f2a3b4c5d6e',
    sessionId: 'c1d2e3f4-0000-4000-8000-000000000001',
  };

  function withClock(start: number, cacheSize?: number) {
    const clock = { ms: start };
    const tokens = new AccessTokens({ ...options, cacheSize, now: () => clock.ms });
    return { clock, tokens };
  }

  test('when a remembered token reaches its exp, then it is refused, to the second', () => {
    const start = Date.now();
    const { clock, tokens } = withClock(start);
    const token = tokens.sign(claims);
    const { exp } = jwt.decode(token) as { exp: number };
    expect(tokens.verify(token)).toEqual(claims);
    expect(tokens.cachedCount).toBe(1);
    clock.ms = exp * 1000 - 1;
    expect(tokens.verify(token)).toEqual(claims);
    clock.ms = exp * 1000;
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.cachedCount).toBe(0);
    // Forgotten, then verified again from scratch: still expired.
    expect(tokens.verify(token)).toBeNull();
  });

  test('when a token is forged from a remembered one, then it is checked and refused', () => {
    const { tokens } = withClock(Date.now());
    const token = tokens.sign(claims);
    expect(tokens.verify(token)).toEqual(claims);
    const [header, payload, signature] = token.split('.');
    const changed = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${base64url({ ...changed, sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`;
    expect(tokens.verify(forged)).toBeNull();
    expect(tokens.verify(`${token}x`)).toBeNull();
    expect(tokens.cachedCount).toBe(1);
  });

  test('when tokens are invalid, then none is remembered', () => {
    const { tokens } = withClock(Date.now());
    expect(tokens.verify('not.a.token')).toBeNull();
    expect(
      tokens.verify(jwt.sign({ typ: 'refresh', sid: 's', sub: 'u' }, secret, { expiresIn: 60 })),
    ).toBeNull();
    expect(tokens.cachedCount).toBe(0);
  });

  test('when more tokens are verified than it keeps, then the oldest are forgotten and still verify', () => {
    const { tokens } = withClock(Date.now(), 2);
    const issued = [1, 2, 3].map((n) => tokens.sign({ ...claims, sessionId: `session-${n}` }));
    for (const token of issued) expect(tokens.verify(token)).not.toBeNull();
    expect(tokens.cachedCount).toBe(2);
    expect(tokens.verify(issued[0])).toEqual({ ...claims, sessionId: 'session-1' });
    expect(tokens.cachedCount).toBe(2);
  });

  test('when the cache size is 0, then nothing is remembered', () => {
    const { tokens } = withClock(Date.now(), 0);
    const token = tokens.sign(claims);
    expect(tokens.verify(token)).toEqual(claims);
    expect(tokens.cachedCount).toBe(0);
  });
});
