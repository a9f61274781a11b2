import { useTestApp, type TestApp } from '../helpers/app';
import { bearer, createUser } from '../helpers/factories';

const refresh = (t: TestApp, refreshToken: string) =>
  t.http().post('/api/auth/refresh').send({ refreshToken });

describe('refresh with the default grace window', () => {
  const t = useTestApp();

  test('when a live refresh token is presented, then a new pair comes back and the old access token still works', async () => {
    const user = await createUser(t);
    const res = await refresh(t, user.refreshToken);
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect(res.body.accessToken).not.toBe(user.accessToken);
    expect(res.body.user.id).toBe(user.id);
    await t.http().get('/api/auth/me').set(bearer(res.body.accessToken)).expect(200);
  });

  test('when two tabs race with the same token inside the grace window, then both get a pair and the session lives', async () => {
    const user = await createUser(t);
    const [a, b] = await Promise.all([refresh(t, user.refreshToken), refresh(t, user.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.refreshToken).not.toBe(b.body.refreshToken);
    // Both children stay valid; the newest of each line keeps working.
    expect((await refresh(t, a.body.refreshToken)).status).toBe(200);
    expect((await refresh(t, b.body.refreshToken)).status).toBe(200);
  });

  test('when many refreshes of one token arrive at once, then none is a 500', async () => {
    const user = await createUser(t);
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(t, user.refreshToken)));
    for (const res of results) expect(res.status).toBe(200);
  });

  test('when a grandparent token comes back (its child was rotated too), then the session is revoked', async () => {
    const user = await createUser(t);
    const first = await refresh(t, user.refreshToken);
    const second = await refresh(t, first.body.refreshToken);
    expect(second.status).toBe(200);
    const reused = await refresh(t, user.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('UNAUTHENTICATED');
    expect((await refresh(t, second.body.refreshToken)).status).toBe(401);
  });

  test('when the refresh token is unknown, then 401 with WWW-Authenticate', async () => {
    const res = await refresh(t, 'not-a-token-we-issued');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  test('when refreshToken is missing, then 400 VALIDATION_ERROR', async () => {
    const res = await t.http().post('/api/auth/refresh').send({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'refreshToken', message: 'is required' }]);
  });

  test('when the refresh token has expired, then 401', async () => {
    const user = await createUser(t);
    await t.db.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '1 second'
        WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)`,
      [user.id],
    );
    expect((await refresh(t, user.refreshToken)).status).toBe(401);
  });
});

describe('refresh with the grace window off (REFRESH_REUSE_GRACE_S=0)', () => {
  const t = useTestApp({ env: { REFRESH_REUSE_GRACE_S: '0' } });

  test('when a rotated token is presented again, then 401 and the newest token of that session dies too', async () => {
    const user = await createUser(t);
    const rotated = await refresh(t, user.refreshToken);
    expect(rotated.status).toBe(200);
    const reused = await refresh(t, user.refreshToken);
    expect(reused.status).toBe(401);
    const newest = await refresh(t, rotated.body.refreshToken);
    expect(newest.status).toBe(401);
    const live = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [user.id],
    );
    expect(live.rows[0].n).toBe(0);
  });

  test("when reuse is detected in one session, then the same user's other sessions keep working", async () => {
    const user = await createUser(t);
    const other = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
    await refresh(t, user.refreshToken).expect(200);
    await refresh(t, user.refreshToken).expect(401);
    expect((await refresh(t, other.body.refreshToken)).status).toBe(200);
  });

  test('when two refreshes of one token race, then exactly one wins and neither is a 500', async () => {
    const user = await createUser(t);
    const results = await Promise.all([refresh(t, user.refreshToken), refresh(t, user.refreshToken)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });
});
