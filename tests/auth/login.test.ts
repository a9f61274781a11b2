import { useTestApp } from '../helpers/app';
import { createUser, uniqueEmail } from '../helpers/factories';

const t = useTestApp();

/** The problem body without the per-request id, for comparing two answers. */
const withoutRequestId = (body: Record<string, unknown>) => {
  const { requestId: _ignored, ...rest } = body;
  return rest;
};

describe('POST /api/auth/login', () => {
  test('when the email (any case, padded) and password match, then it answers 200 with a fresh token pair', async () => {
    const user = await createUser(t);
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: `  ${user.email.toUpperCase()}  `, password: user.password });
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(user.id);
    expect(res.body.tokenType).toBe('Bearer');
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    const me = await t.http().get('/api/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);
  });

  test('when the password is wrong or the email unknown, then both answer the same 401 INVALID_CREDENTIALS', async () => {
    const user = await createUser(t);
    const wrongPassword = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'wrong password' });
    const unknownEmail = await t
      .http()
      .post('/api/auth/login')
      .send({ email: uniqueEmail('nobody'), password: 'wrong password' });
    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    expect(withoutRequestId(wrongPassword.body)).toEqual(withoutRequestId(unknownEmail.body));
    expect(Object.keys(wrongPassword.headers).sort()).toEqual(Object.keys(unknownEmail.headers).sort());
  });

  test('when logins succeed, then each opens its own session and records a login event', async () => {
    const user = await createUser(t);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    const sessions = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(sessions.rows[0].n).toBe(2);
    const events = await t.db.query<{ type: string }>(
      'SELECT type FROM analytics_events WHERE user_id = $1 ORDER BY id',
      [user.id],
    );
    expect(events.rows.map((e) => e.type)).toEqual(['user.registered', 'user.login']);
  });

  test('when the password is over 72 bytes, then login still answers 401 rather than a hint about the rules', async () => {
    const user = await createUser(t);
    const res = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'x'.repeat(100) });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });

  test('when fields are missing or extra, then it answers 400 VALIDATION_ERROR', async () => {
    const missing = await t.http().post('/api/auth/login').send({ email: 'a@example.test' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'password', message: 'is required' }]);
    const extra = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'a@example.test', password: 'x', remember: true });
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0].path).toBe('remember');
  });
});
