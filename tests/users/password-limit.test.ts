import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

// Few allowed failures; this file registers one user only (registration is limited per IP by the same number).
const t = useTestApp({ env: { AUTH_RATE_LIMIT: '3' } });

test('when a user keeps sending wrong passwords, then password change and deletion answer 429 and delete nothing', async () => {
  const user = await createUser(t);
  for (let i = 0; i < 2; i++) {
    await t
      .http()
      .post('/api/users/me/password')
      .set(user.auth)
      .send({ currentPassword: `guess number ${i}`, newPassword: 'a brand new password' })
      .expect(403);
  }
  await t.http().delete('/api/users/me').set(user.auth).send({ password: 'guess number 3' }).expect(403);

  const limited = await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password });
  expect(limited.status).toBe(429);
  expect(limited.body.code).toBe('RATE_LIMITED');
  expect(limited.headers['retry-after']).toEqual(expect.any(String));
  expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);
});
