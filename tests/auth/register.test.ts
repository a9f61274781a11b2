import { useTestApp } from '../helpers/app';
import { createUser, uniqueEmail } from '../helpers/factories';

const t = useTestApp();

describe('POST /api/auth/register', () => {
  test('when the input is valid, then it answers 201 with the user, a token pair and Location', async () => {
    const email = uniqueEmail();
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({ email, password: 'long enough', displayName: 'Ada' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/auth/me');
    expect(res.body).toMatchObject({
      user: {
        email,
        displayName: 'Ada',
        emailVerified: false,
        role: 'user',
        plan: 'free',
        subscriptionStatus: 'active',
        storageUsedBytes: 0,
        storageLimitBytes: 100 * 1024 * 1024,
        settings: {},
      },
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/hash/i);
  });

  test('when the email exists in another case, then it answers 409 EMAIL_TAKEN and creates nothing', async () => {
    const user = await createUser(t);
    const res = await t
      .http()
      .post('/api/auth/register')
      .send({ email: `  ${user.email.toUpperCase()} `, password: 'long enough' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('EMAIL_TAKEN');
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [
      user.email,
    ]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  test('when the password is 72 bytes of UTF-8, then it is accepted; at 73 bytes it is refused', async () => {
    const ok = await t
      .http()
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: 'é'.repeat(36) });
    expect(ok.status).toBe(201);
    const tooLong = await t
      .http()
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: 'é'.repeat(36) + 'a' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('VALIDATION_ERROR');
    expect(tooLong.body.errors).toEqual([{ path: 'password', message: 'must be at most 72 bytes in UTF-8' }]);
  });

  test.each([
    [{ password: 'long enough' }, 'email'],
    [{ email: 'not-an-email', password: 'long enough' }, 'email'],
    [{ email: 'a@example.test', password: 'short' }, 'password'],
    [{ email: 'a@example.test', password: 'long enough', role: 'admin' }, 'role'],
    [{ email: 'a@example.test', password: 'long enough', displayName: '' }, 'displayName'],
  ])('when the body is %j, then it answers 400 naming %s', async (body, field) => {
    const res = await t.http().post('/api/auth/register').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});
