import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { simpleParser, type ParsedMail } from 'mailparser';
import request from 'supertest';
import winston from 'winston';
import { createApp, type App } from '../../src/app';
import type { AppContext } from '../../src/context';
import { errorHandler } from '../../src/http/error-handler';
import { requestContextMiddleware } from '../../src/http/request-context';
import { authenticate } from '../../src/http/router';
import { createLogger } from '../../src/lib/logger';
import { logMailMode, mailerFromConfig } from '../../src/mail/mailer';
import { requireVerifiedEmail } from '../../src/http/guards';
import { TEST_ENV, testConfig, useResponseChecks, useTestApp } from '../helpers/app';
import { bearer, uniqueEmail } from '../helpers/factories';
import { tokenFrom } from './smtp';

// No SMTP_URL outside production: mail goes to DATA_DIR/outbox. Each request below comes from its own
// client address (TRUST_PROXY=1 and X-Forwarded-For) unless a test shares one on purpose.
const t = useTestApp({
  env: { MAIL_RATE_LIMIT: '2', AUTH_RATE_LIMIT: '2', TRUST_PROXY: '1' },
  captureLogs: true,
});
// Apps built here with other settings answer what their document says, like `t`.
const checked = useResponseChecks();

let lastIp = 0;
const nextIp = () => `198.51.100.${++lastIp}`;

async function register(): Promise<{ id: string; email: string; auth: { Authorization: string } }> {
  const email = uniqueEmail();
  const res = await t
    .http()
    .post('/api/auth/register')
    .set('X-Forwarded-For', nextIp())
    .send({ email, password: 'long enough' });
  expect(res.status).toBe(201);
  return { id: res.body.user.id, email, auth: bearer(res.body.accessToken) };
}

async function outbox(): Promise<{ file: string; mail: ParsedMail }[]> {
  await t.ctx.mailer.idle();
  const dir = path.join(t.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).sort();
  return Promise.all(
    files.map(async (name) => ({
      file: path.join(dir, name),
      mail: await simpleParser(fs.readFileSync(path.join(dir, name))),
    })),
  );
}

async function latestOutboxMail(email: string, subject: string) {
  const mails = (await outbox()).filter(
    (m) => m.mail.to && !Array.isArray(m.mail.to) && m.mail.to.value[0].address === email,
  );
  const found = mails.filter((m) => m.mail.subject?.includes(subject));
  if (found.length === 0) throw new Error(`no "${subject}" mail to ${email} in the outbox`);
  return found[found.length - 1];
}

function expectRateLimited(res: request.Response) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.headers['ratelimit-policy']).toBeDefined();
}

describe('the outbox (no SMTP_URL outside production)', () => {
  test('when a reset is requested, then a parseable .eml is written, its link is logged, and it resets the password', async () => {
    expect(t.ctx.mailer.mode).toBe('outbox');
    const user = await register();
    const verification = await latestOutboxMail(user.email, 'Confirm your email');
    expect(path.basename(verification.file)).toMatch(/-email_verification-[0-9a-f]{8}\.eml$/);

    const res = await t
      .http()
      .post('/api/auth/password/forgot')
      .set('X-Forwarded-For', nextIp())
      .send({ email: user.email });
    expect(res.status).toBe(202);
    const { file, mail } = await latestOutboxMail(user.email, 'Reset your');
    expect(path.basename(file)).toMatch(/-password_reset-[0-9a-f]{8}\.eml$/);
    expect(mail.subject).toBe('Reset your ColorBook password');
    expect(mail.from?.value[0].address).toBe('no-reply@colorbook.local');
    expect(mail.text).toContain('1 hour');
    expect(mail.html).toContain('http://localhost:5173/reset-password?token=');
    const token = tokenFrom(mail, 'reset-password');

    const logged = t.logs
      .map((line) => JSON.parse(line))
      .find((entry) => entry.kind === 'password_reset' && entry.file === file);
    expect(logged).toMatchObject({
      level: 'info',
      link: `http://localhost:5173/reset-password?token=${token}`,
    });

    const done = await t
      .http()
      .post('/api/auth/password/reset')
      .set('X-Forwarded-For', nextIp())
      .send({ token, newPassword: 'from the outbox' });
    expect(done.status).toBe(204);
  });

  test('when production has no SMTP_URL, then mail is off, said so at start, and forgot still answers 202', async () => {
    const user = await register();
    // The verification mail is `t`'s (the outbox): the mail-off app below shares the database and its queue.
    await t.ctx.mailer.idle();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-mail-off-'));
    let app: App | undefined;
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      json: true,
      transports: [
        new winston.transports.Stream({
          stream: new Writable({
            write(chunk, _encoding, done) {
              lines.push(String(chunk));
              done();
            },
          }),
        }),
      ],
    });
    try {
      const config = testConfig(
        {
          NODE_ENV: 'production',
          JWT_SECRET: TEST_ENV.JWT_SECRET,
          ENCRYPTION_KEYS: TEST_ENV.ENCRYPTION_KEYS,
          DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused_test',
        },
        dataDir,
      );
      const mailer = mailerFromConfig(config, logger);
      logMailMode(mailer, logger);
      expect(mailer.mode).toBe('off');
      expect(lines.join('')).toContain('mail is off');

      app = createApp({ config, db: t.db, logger, mailer });
      const res = await request(checked(app)).post('/api/auth/password/forgot').send({ email: user.email });
      expect(res.status).toBe(202);
      await mailer.idle();
      // Queued like any mail; the worker drops it, says so, and mints no token.
      expect(mailer.stats()).toMatchObject({ queued: 1, sent: 0, dropped: 1 });
      expect(lines.join('')).toContain('"message":"mail not sent"');
      expect(fs.existsSync(path.join(dataDir, 'outbox'))).toBe(false);
      const { rows } = await t.db.query(
        `SELECT 1 FROM mail_tokens WHERE user_id = $1 AND purpose = 'password_reset'`,
        [user.id],
      );
      expect(rows).toHaveLength(0);
    } finally {
      await app?.locals.context.jobs.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('mail rate limits (MAIL_RATE_LIMIT=2, AUTH_RATE_LIMIT=2)', () => {
  test('when one client asks for resets past the limit, then it answers 429 RATE_LIMITED', async () => {
    const ip = nextIp();
    const ask = () =>
      t.http().post('/api/auth/password/forgot').set('X-Forwarded-For', ip).send({ email: uniqueEmail() });
    expect((await ask()).status).toBe(202);
    expect((await ask()).status).toBe(202);
    expectRateLimited(await ask());
  });

  test('when one address is asked for past the limit from many clients, then it answers 429 RATE_LIMITED', async () => {
    const email = uniqueEmail();
    const ask = () =>
      t.http().post('/api/auth/password/forgot').set('X-Forwarded-For', nextIp()).send({ email });
    expect((await ask()).status).toBe(202);
    expect((await ask()).status).toBe(202);
    expectRateLimited(await ask());
  });

  test('when a user asks for verification links past the limit, then it answers 429 RATE_LIMITED', async () => {
    const user = await register();
    const ask = () =>
      t.http().post('/api/auth/email/verify-request').set('X-Forwarded-For', nextIp()).set(user.auth);
    expect((await ask()).status).toBe(202);
    expect((await ask()).status).toBe(202);
    expectRateLimited(await ask());
  });

  test('when one client tries tokens past the auth limit, then reset and verify answer 429 RATE_LIMITED', async () => {
    for (const [route, body] of [
      ['/api/auth/password/reset', { token: 'guess', newPassword: 'long enough' }],
      ['/api/auth/email/verify', { token: 'guess' }],
    ] as const) {
      const ip = nextIp();
      const attempt = () => t.http().post(route).set('X-Forwarded-For', ip).send(body);
      expect((await attempt()).body.code).toBe('INVALID_TOKEN');
      expect((await attempt()).body.code).toBe('INVALID_TOKEN');
      expectRateLimited(await attempt());
    }
  });
});

describe('requireVerifiedEmail (REQUIRE_VERIFIED_EMAIL)', () => {
  /** A route guarded as uploads and billing guard theirs. */
  function guardedApp(ctx: AppContext, withAuth = true) {
    const app = express();
    app.use(requestContextMiddleware(ctx.logger));
    app.post(
      '/guarded',
      ...(withAuth ? [authenticate(ctx.tokens, 'required')] : []),
      requireVerifiedEmail(ctx),
      (_req, res) => {
        res.status(204).end();
      },
    );
    app.use(errorHandler(ctx.logger, { exposeInternals: false }));
    return app;
  }
  const strict = () =>
    ({ ...t.ctx, config: testConfig({ REQUIRE_VERIFIED_EMAIL: 'true' }, t.dataDir) }) as AppContext;

  test('when it is on and the address is not verified, then it answers 403 EMAIL_NOT_VERIFIED; once verified, it passes', async () => {
    const user = await register();
    const refused = await request(guardedApp(strict())).post('/guarded').set(user.auth);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('EMAIL_NOT_VERIFIED');

    const { mail } = await latestOutboxMail(user.email, 'Confirm your email');
    const verified = await t
      .http()
      .post('/api/auth/email/verify')
      .set('X-Forwarded-For', nextIp())
      .send({ token: tokenFrom(mail, 'verify-email') });
    expect(verified.status).toBe(204);
    expect((await request(guardedApp(strict())).post('/guarded').set(user.auth)).status).toBe(204);
  });

  test('when it is off (the default), then an unverified user passes', async () => {
    const user = await register();
    expect(t.config.mail.requireVerifiedEmail).toBe(false);
    expect((await request(guardedApp(t.ctx)).post('/guarded').set(user.auth)).status).toBe(204);
  });

  test('when it runs without an authenticated caller, then it answers 401', async () => {
    const res = await request(guardedApp(strict(), false)).post('/guarded');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});
