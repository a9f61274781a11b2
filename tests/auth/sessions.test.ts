import { useTestApp } from '../helpers/app';
import { bearer, createUser } from '../helpers/factories';

const t = useTestApp();

const login = (email: string, password: string, userAgent = 'test-agent') =>
  t.http().post('/api/auth/login').set('User-Agent', userAgent).send({ email, password });

describe('logout', () => {
  test('when a user logs out with their refresh token, then 204 and that refresh token stops working', async () => {
    const user = await createUser(t);
    const res = await t
      .http()
      .post('/api/auth/logout')
      .set(user.auth)
      .send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = await t.http().post('/api/auth/refresh').send({ refreshToken: user.refreshToken });
    expect(after.status).toBe(401);
  });

  test("when the refresh token is someone else's, then 204 and nothing is revoked", async () => {
    const user = await createUser(t);
    const victim = await createUser(t);
    await t
      .http()
      .post('/api/auth/logout')
      .set(user.auth)
      .send({ refreshToken: victim.refreshToken })
      .expect(204);
    await t.http().post('/api/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(200);
  });

  test('when logout is called without an access token or without a refresh token, then 401 and 400', async () => {
    const user = await createUser(t);
    await t.http().post('/api/auth/logout').send({ refreshToken: user.refreshToken }).expect(401);
    const missing = await t.http().post('/api/auth/logout').set(user.auth).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_ERROR');
  });

  test('when logout-all is called, then every refresh token of the user stops working, others are untouched', async () => {
    const user = await createUser(t);
    const second = await login(user.email, user.password);
    const bystander = await createUser(t);
    await t.http().post('/api/auth/logout-all').set(user.auth).expect(204);
    await t.http().post('/api/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: bystander.refreshToken }).expect(200);
  });
});

describe('sessions', () => {
  test('when listed, then only live sessions appear and the current one is marked', async () => {
    const user = await createUser(t);
    const other = await login(user.email, user.password, 'other-device');
    const revoked = await login(user.email, user.password, 'revoked-device');
    await t
      .http()
      .post('/api/auth/logout')
      .set(user.auth)
      .send({ refreshToken: revoked.body.refreshToken })
      .expect(204);

    const res = await t.http().get('/api/auth/sessions').set(bearer(other.body.accessToken));
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1 });
    expect(res.body.data).toHaveLength(2);
    const current = res.body.data.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ userAgent: 'other-device', ip: expect.any(String) });
    expect(Object.keys(current[0]).sort()).toEqual([
      'createdAt',
      'current',
      'id',
      'ip',
      'lastUsedAt',
      'userAgent',
    ]);
  });

  test('when a session is revoked by id, then its refresh token stops working', async () => {
    const user = await createUser(t);
    const other = await login(user.email, user.password);
    const list = await t.http().get('/api/auth/sessions').set(user.auth);
    const target = list.body.data.find((s: { current: boolean }) => !s.current);
    await t.http().delete(`/api/auth/sessions/${target.id}`).set(user.auth).expect(204);
    await t.http().post('/api/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(401);
    // Revoking it again: it is gone.
    await t.http().delete(`/api/auth/sessions/${target.id}`).set(user.auth).expect(404);
  });

  test("when another user's session id is given, then 404 and it stays alive", async () => {
    const owner = await createUser(t);
    const intruder = await createUser(t);
    const list = await t.http().get('/api/auth/sessions').set(owner.auth);
    const res = await t.http().delete(`/api/auth/sessions/${list.body.data[0].id}`).set(intruder.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await t.http().post('/api/auth/refresh').send({ refreshToken: owner.refreshToken }).expect(200);
  });

  test('when the session id is not a UUID, then 400 VALIDATION_ERROR', async () => {
    const user = await createUser(t);
    const res = await t.http().delete('/api/auth/sessions/not-a-uuid').set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('id');
  });

  test('when the page is past the end or the limit out of range, then an empty page or 400', async () => {
    const user = await createUser(t);
    const past = await t.http().get('/api/auth/sessions?page=5').set(user.auth);
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ data: [], pagination: { page: 5, limit: 20, total: 1, totalPages: 1 } });
    await t.http().get('/api/auth/sessions?limit=0').set(user.auth).expect(400);
    await t.http().get('/api/auth/sessions?limit=101').set(user.auth).expect(400);
    await t.http().get('/api/auth/sessions?sort=x').set(user.auth).expect(400);
  });
});
