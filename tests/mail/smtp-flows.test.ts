import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createUser, uniqueEmail, type TestUser } from '../helpers/factories';
import { tokenFrom, useTestSmtp, type ReceivedMail } from './smtp';

const smtp = useTestSmtp({ refuse: /^refused-/ });
const t = useTestApp({ env: smtp.env, captureLogs: true });

const APP_URL = 'http://localhost:5173';
const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const settle = () => t.ctx.mailer.idle();

/** The newest mail to an address whose subject contains `subject`. */
function latestMail(address: string, subject: string): ReceivedMail {
  const mails = smtp.mailTo(address).filter((m) => m.parsed.subject?.includes(subject));
  if (mails.length === 0) throw new Error(`no "${subject}" mail to ${address}`);
  return mails[mails.length - 1];
}

const forgot = (email: string) => t.http().post('/api/auth/password/forgot').send({ email });
const reset = (token: string, newPassword = 'a brand new secret') =>
  t.http().post('/api/auth/password/reset').send({ token, newPassword });
const verify = (token: string) => t.http().post('/api/auth/email/verify').send({ token });

async function resetTokenFor(user: TestUser): Promise<string> {
  const res = await forgot(user.email);
  expect(res.status).toBe(202);
  await settle();
  return tokenFrom(latestMail(user.email, 'Reset your'), 'reset-password');
}

async function verificationTokenFor(user: TestUser): Promise<string> {
  await settle();
  return tokenFrom(latestMail(user.email, 'Confirm your email'), 'verify-email');
}

function expectInvalidToken(res: { status: number; headers: Record<string, string>; body: any }) {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('INVALID_TOKEN');
}

async function tokenRow(token: string) {
  const { rows } = await t.db.query<{ purpose: string; ttlS: number; used: boolean }>(
    `SELECT purpose, extract(epoch FROM expires_at - created_at)::int AS "ttlS", used_at IS NOT NULL AS used
       FROM mail_tokens WHERE token_hash = $1`,
    [sha256(token)],
  );
  return rows[0];
}

describe('email verification over SMTP', () => {
  test('when a user registers, then a verification mail arrives and its link verifies the address', async () => {
    const user = await createUser(t);
    expect(user.user.emailVerified).toBe(false);
    await settle();

    expect(smtp.mailTo(user.email)).toHaveLength(1);
    const mail = latestMail(user.email, 'Confirm your email');
    expect(mail.parsed.subject).toBe('Confirm your email address for ColorBook');
    expect(mail.parsed.from?.value[0]).toMatchObject({
      name: 'ColorBook',
      address: 'no-reply@colorbook.local',
    });
    expect(mail.parsed.text).toContain(`${APP_URL}/verify-email?token=`);
    expect(mail.parsed.text).toContain('24 hours');
    expect(mail.parsed.html).toContain(`href="${APP_URL}/verify-email?token=`);
    expect(mail.parsed.html).toContain('24 hours');
    expect(mail.parsed.html).toContain('ColorBook');
    const token = tokenFrom(mail, 'verify-email');
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    // Stored only as its hash, living 24 hours.
    expect(await tokenRow(token)).toEqual({ purpose: 'email_verification', ttlS: 86_400, used: false });
    const raw = await t.db.query('SELECT 1 FROM mail_tokens WHERE token_hash = $1', [token]);
    expect(raw.rows).toHaveLength(0);

    const res = await verify(token);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const me = await t.http().get('/api/auth/me').set(user.auth);
    expect(me.body.emailVerified).toBe(true);
  });

  test('when a verification link is used twice, then the second answers 400 INVALID_TOKEN', async () => {
    const user = await createUser(t);
    const token = await verificationTokenFor(user);
    expect((await verify(token)).status).toBe(204);
    expectInvalidToken(await verify(token));
  });

  test('when a new verification link is requested, then it arrives and the older one stops working', async () => {
    const user = await createUser(t);
    const first = await verificationTokenFor(user);

    const res = await t.http().post('/api/auth/email/verify-request').set(user.auth);
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const second = await verificationTokenFor(user);
    expect(second).not.toBe(first);
    expect(smtp.mailTo(user.email)).toHaveLength(2);

    expectInvalidToken(await verify(first));
    expect((await verify(second)).status).toBe(204);
  });

  test('when a verified user asks for a verification link, then it answers 202 and mails nothing', async () => {
    const user = await createUser(t);
    expect((await verify(await verificationTokenFor(user))).status).toBe(204);
    const before = t.ctx.mailer.stats();

    const res = await t.http().post('/api/auth/email/verify-request').set(user.auth);
    expect(res.status).toBe(202);
    await settle();
    expect(smtp.mailTo(user.email)).toHaveLength(1);
    // No token and no job: the request found the address verified in its own transaction.
    expect(t.ctx.mailer.stats().queued).toBe(before.queued);
  });

  test('when verify-request comes without a token, then it answers 401', async () => {
    const res = await t.http().post('/api/auth/email/verify-request');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  test('when the email changes, then it is no longer verified and links to the old address stop working', async () => {
    const user = await createUser(t);
    const toOldAddress = await verificationTokenFor(user);
    const newEmail = uniqueEmail('moved');
    await t.db.query('UPDATE users SET email = $2 WHERE id = $1', [user.id, newEmail]);
    expectInvalidToken(await verify(toOldAddress));

    await t.http().post('/api/auth/email/verify-request').set(user.auth).expect(202);
    await settle();
    expect((await verify(tokenFrom(latestMail(newEmail, 'Confirm'), 'verify-email'))).status).toBe(204);
    expect((await t.http().get('/api/auth/me').set(user.auth)).body.emailVerified).toBe(true);

    await t.db.query('UPDATE users SET email = $2 WHERE id = $1', [user.id, uniqueEmail('again')]);
    expect((await t.http().get('/api/auth/me').set(user.auth)).body.emailVerified).toBe(false);
  });
});

describe('password reset over SMTP', () => {
  test('when a reset is requested and completed, then the password changes, every session ends and an event is recorded', async () => {
    const user = await createUser(t);
    const other = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password })
      .expect(200);

    const res = await forgot(`  ${user.email.toUpperCase()} `);
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    await settle();
    const mail = latestMail(user.email, 'Reset your');
    expect(mail.parsed.subject).toBe('Reset your ColorBook password');
    expect(mail.to).toEqual([user.email]);
    expect(mail.parsed.text).toContain(`${APP_URL}/reset-password?token=`);
    expect(mail.parsed.text).toContain('1 hour');
    expect(mail.parsed.html).toContain(`href="${APP_URL}/reset-password?token=`);
    expect(mail.parsed.html).toContain('1 hour');
    const token = tokenFrom(mail, 'reset-password');
    expect(await tokenRow(token)).toEqual({ purpose: 'password_reset', ttlS: 3600, used: false });

    expect((await reset(token)).status).toBe(204);

    for (const refreshToken of [user.refreshToken, other.body.refreshToken]) {
      const refreshed = await t.http().post('/api/auth/refresh').send({ refreshToken });
      expect(refreshed.status).toBe(401);
    }
    const oldLogin = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password });
    expect(oldLogin.status).toBe(401);
    const newLogin = await t
      .http()
      .post('/api/auth/login')
      .send({ email: user.email, password: 'a brand new secret' });
    expect(newLogin.status).toBe(200);
    // The link reached the address: it counts as verified.
    expect(newLogin.body.user.emailVerified).toBe(true);
    const events = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM analytics_events WHERE user_id = $1 AND type = 'user.password_reset'`,
      [user.id],
    );
    expect(events.rows[0].n).toBe(1);
    expect((await tokenRow(token)).used).toBe(true);
  });

  test('when a reset token is used again, then it answers 400 INVALID_TOKEN', async () => {
    const user = await createUser(t);
    const token = await resetTokenFor(user);
    expect((await reset(token)).status).toBe(204);
    expectInvalidToken(await reset(token, 'yet another secret'));
  });

  test('when two resets race with one token, then exactly one succeeds', async () => {
    const user = await createUser(t);
    const token = await resetTokenFor(user);
    const statuses = (await Promise.all([reset(token, 'first racer pw'), reset(token, 'second racer pw')]))
      .map((r) => r.status)
      .sort();
    expect(statuses).toEqual([204, 400]);
  });

  test('when a reset token has expired, then it answers 400 INVALID_TOKEN and the password stays', async () => {
    const user = await createUser(t);
    const token = await resetTokenFor(user);
    await t.db.query(
      `UPDATE mail_tokens SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
        WHERE token_hash = $1`,
      [sha256(token)],
    );
    expectInvalidToken(await reset(token));
    const login = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password });
    expect(login.status).toBe(200);
  });

  test('when a reset token is tampered with, then it answers 400 INVALID_TOKEN and the real one still works', async () => {
    const user = await createUser(t);
    const token = await resetTokenFor(user);
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expectInvalidToken(await reset(tampered));
    expect((await reset(token)).status).toBe(204);
  });

  test('when a newer reset is requested, then the older link answers 400 INVALID_TOKEN and the newer works', async () => {
    const user = await createUser(t);
    const older = await resetTokenFor(user);
    const newer = await resetTokenFor(user);
    expect(newer).not.toBe(older);
    expectInvalidToken(await reset(older));
    expect((await reset(newer)).status).toBe(204);
  });

  test('when a token is used for the other purpose, then it answers 400 INVALID_TOKEN', async () => {
    const user = await createUser(t);
    const verification = await verificationTokenFor(user);
    const resetToken = await resetTokenFor(user);
    expectInvalidToken(await reset(verification));
    expectInvalidToken(await verify(resetToken));
  });

  test('when the email is unknown, then forgot answers exactly as for a known one and sends nothing', async () => {
    const known = await createUser(t);
    await settle();
    const unknown = uniqueEmail('nobody');
    const inboxBefore = smtp.inbox.length;
    const start = t.ctx.mailer.stats();

    const a = await forgot(known.email);
    const queuedAfterKnown = t.ctx.mailer.stats().queued;
    const b = await forgot(unknown);
    const queuedAfterUnknown = t.ctx.mailer.stats().queued;

    // The same answer: status, body and the same headers (values differ only in ids and counters).
    expect(a.status).toBe(202);
    expect(b.status).toBe(a.status);
    expect(b.text).toBe(a.text);
    expect(Object.keys(b.headers).sort()).toEqual(Object.keys(a.headers).sort());
    expect(b.headers['content-length']).toBe(a.headers['content-length']);
    expect(b.headers['content-type']).toBe(a.headers['content-type']);
    // The same work before answering: each request queued one job and did nothing else.
    expect(queuedAfterKnown - start.queued).toBe(1);
    expect(queuedAfterUnknown - queuedAfterKnown).toBe(1);

    await settle();
    const end = t.ctx.mailer.stats();
    expect(end.sent - start.sent).toBe(1);
    expect(end.skipped - start.skipped).toBe(1);
    expect(smtp.inbox.length - inboxBefore).toBe(1);
    expect(smtp.mailTo(unknown)).toHaveLength(0);
  });

  test('when the body is invalid, then it answers 400 VALIDATION_ERROR and the token is not spent', async () => {
    const user = await createUser(t);
    const token = await resetTokenFor(user);

    const short = await reset(token, 'short');
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('VALIDATION_ERROR');
    expect(short.body.errors).toEqual([{ path: 'newPassword', message: expect.any(String) }]);
    const tooLong = await reset(token, 'é'.repeat(36) + 'a');
    expect(tooLong.body.errors).toEqual([
      { path: 'newPassword', message: 'must be at most 72 bytes in UTF-8' },
    ]);
    const noToken = await t.http().post('/api/auth/password/reset').send({ newPassword: 'long enough' });
    expect(noToken.body.errors.map((e: { path: string }) => e.path)).toEqual(['token']);
    const badEmail = await t.http().post('/api/auth/password/forgot').send({ email: 'not-an-email' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors.map((e: { path: string }) => e.path)).toEqual(['email']);
    const extra = await t.http().post('/api/auth/email/verify').send({ token, emailVerified: true });
    expect(extra.status).toBe(400);

    expect((await reset(token)).status).toBe(204);
  });

  test('when the SMTP server refuses the message, then forgot still answers 202 and the failure is logged', async () => {
    const user = await createUser(t, { email: uniqueEmail('refused') });
    await settle();
    const before = t.ctx.mailer.stats();

    const res = await forgot(user.email);
    expect(res.status).toBe(202);
    await settle();
    expect(t.ctx.mailer.stats().failed).toBe(before.failed + 1);
    const failures = t.logs
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.message === 'mail delivery failed' && entry.kind === 'password_reset');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 'error',
      mode: 'smtp',
      requestId: res.headers['x-request-id'],
    });
    expect(JSON.stringify(failures[0])).not.toContain(user.email);
  });

  test('when mail went out over SMTP, then no log line holds a mailed token', async () => {
    const tokens = smtp.inbox.flatMap((mail) =>
      [...(mail.parsed.text ?? '').matchAll(/\?token=([A-Za-z0-9_-]+)/g)].map((m) => m[1]),
    );
    expect(tokens.length).toBeGreaterThan(10);
    const logs = t.logs.join('\n');
    for (const token of tokens) expect(logs).not.toContain(token);
  });
});
