/**
 * Mail through the durable job queue (docs/mail.md, "Delivery"): a mail is a job committed with the token it
 * carries, a worker delivers it, a failed delivery is retried with backoff while SMTP is down, and a mail
 * whose every attempt failed is dead-lettered and logged. The job table never holds a token or an address.
 */
import { useTestApp } from '../helpers/app';
import { createProject, createUser, uniqueEmail } from '../helpers/factories';
import { waitFor } from '../helpers/spawn-server';
import { tokenFrom, useTestSmtp } from './smtp';

const smtp = useTestSmtp();
// A short first retry (1 s, then 2 s) and one retry only, so the failure paths take seconds, not minutes.
const t = useTestApp({
  env: Object.assign(smtp.env, { MAIL_RETRY_DELAY_S: '1', MAIL_RETRY_LIMIT: '1' }),
  worker: true,
  captureLogs: true,
});

interface JobRow {
  name: string;
  state: string;
  retryCount: number;
  data: string;
}

/** The mail jobs (and dead letters) a request queued, through its X-Request-Id. */
async function jobsOf(requestId: string): Promise<JobRow[]> {
  const { rows } = await t.db.query<JobRow>(
    `SELECT name, state::text AS state, retry_count AS "retryCount", data::text AS data
       FROM pgboss.job WHERE name IN ('mail', 'mail-dead') AND data->>'requestId' = $1
      ORDER BY created_on`,
    [requestId],
  );
  return rows;
}

const logged = () => t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

/** Makes the commit of a transaction that inserts a matching row fail (a deferred constraint trigger). */
async function failCommitsOn(table: string, emailPattern: string): Promise<() => Promise<void>> {
  const name = `fail_commit_${table}`;
  await t.db.query(`CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$`);
  await t.db.query(
    `CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT ON ${table} DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW WHEN (NEW.email LIKE '${emailPattern}') EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await t.db.query(`DROP TRIGGER ${name} ON ${table}`);
    await t.db.query(`DROP FUNCTION ${name}()`);
  };
}

describe('mail through the job queue', () => {
  test('when SMTP is down at register, then the verification mail is retried and arrives once SMTP is back, with a working link', async () => {
    await smtp.stop();
    const email = uniqueEmail('patient');
    const res = await t.http().post('/api/auth/register').send({ email, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    const requestId = res.headers['x-request-id'];

    // The first attempt fails (connection refused) and the job waits for its retry.
    await waitFor('a failed attempt', async () => (await jobsOf(requestId))[0]?.state === 'retry', 10_000);
    const failure = logged().find((e) => e.message === 'mail delivery failed' && e.requestId === requestId);
    expect(failure).toMatchObject({ level: 'warn', kind: 'email_verification', willRetry: true, attempt: 1 });
    expect(JSON.stringify(failure)).not.toContain(email);
    expect(smtp.mailTo(email)).toHaveLength(0);

    await smtp.start();
    await waitFor('the mail', () => smtp.mailTo(email).length > 0, 10_000);
    const [job] = await jobsOf(requestId);
    expect(job).toMatchObject({ name: 'mail', retryCount: 1 });

    const token = tokenFrom(smtp.mailTo(email)[0], 'verify-email');
    expect((await t.http().post('/api/auth/email/verify').send({ token })).status).toBe(204);
    const me = await t
      .http()
      .get('/api/auth/me')
      .set({ Authorization: `Bearer ${res.body.accessToken}` });
    expect(me.body.emailVerified).toBe(true);
    expect(smtp.mailTo(email)).toHaveLength(1);
  });

  test('when every attempt fails, then the job is dead-lettered, the loss is logged and counted on /metrics', async () => {
    const user = await createUser(t);
    await t.ctx.mailer.idle();
    await smtp.stop();
    try {
      const res = await t.http().post('/api/auth/password/forgot').send({ email: user.email });
      expect(res.status).toBe(202);
      const requestId = res.headers['x-request-id'];

      const lost = await waitFor(
        'the dead letter',
        () =>
          logged().find((e) => e.message === 'mail not delivered: giving up' && e.requestId === requestId),
        10_000,
      );
      expect(lost).toMatchObject({ level: 'error', kind: 'password_reset', reason: 'every retry failed' });
      expect(JSON.stringify(lost)).not.toContain(user.email);
      const attempts = logged().filter(
        (e) => e.message === 'mail delivery failed' && e.requestId === requestId,
      );
      expect(attempts.map((e) => [e.attempt, e.willRetry])).toEqual([
        [1, true],
        [2, false],
      ]);
      const jobs = await jobsOf(requestId);
      expect(jobs.map((j) => [j.name, j.state])).toEqual([
        ['mail', 'failed'],
        ['mail-dead', 'completed'],
      ]);
      const metrics = await t.ctx.metrics.registry.getSingleMetricAsString('mail_jobs_total');
      expect(metrics).toMatch(/mail_jobs_total\{kind="password_reset",outcome="undelivered"\} 1/);
    } finally {
      await smtp.start();
    }
    expect(smtp.mailTo(user.email).filter((m) => m.parsed.subject?.includes('Reset'))).toHaveLength(0);
  });

  test('when a registration rolls back, then no mail is queued and none is sent', async () => {
    const restore = await failCommitsOn('users', 'rolled-back-%');
    try {
      const email = uniqueEmail('rolled-back');
      const res = await t
        .http()
        .post('/api/auth/register')
        .send({ email, password: 'correct horse battery' });
      expect(res.status).toBe(500);
      expect(await jobsOf(res.headers['x-request-id'])).toEqual([]);
      const { rows } = await t.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
      expect(rows).toHaveLength(0);
      await t.ctx.mailer.idle();
      expect(smtp.mailTo(email)).toHaveLength(0);
    } finally {
      await restore();
    }
  });

  test('when an invitation rolls back, then no mail is queued and none is sent', async () => {
    const owner = await createUser(t);
    const project = await createProject(t, owner);
    const restore = await failCommitsOn('project_invitations', 'rolled-back-%');
    try {
      const email = uniqueEmail('rolled-back');
      const res = await t
        .http()
        .post(`/api/projects/${project.id}/invitations`)
        .set(owner.auth)
        .send({ email, role: 'viewer' });
      expect(res.status).toBe(500);
      expect(await jobsOf(res.headers['x-request-id'])).toEqual([]);
      await t.ctx.mailer.idle();
      expect(smtp.mailTo(email)).toHaveLength(0);
    } finally {
      await restore();
    }

    // The same invitation, committed: its mail is queued with it and arrives.
    const email = uniqueEmail('invited');
    const res = await t
      .http()
      .post(`/api/projects/${project.id}/invitations`)
      .set(owner.auth)
      .send({ email, role: 'viewer' });
    expect(res.status).toBe(201);
    expect(await jobsOf(res.headers['x-request-id'])).toHaveLength(1);
    await t.ctx.mailer.idle();
    expect(smtp.mailTo(email)).toHaveLength(1);
  });

  test('when mail of every kind was queued, then no job row holds a token or an address in the clear', async () => {
    const owner = await createUser(t);
    const project = await createProject(t, owner);
    const invited = uniqueEmail('invited');
    await t
      .http()
      .post(`/api/projects/${project.id}/invitations`)
      .set(owner.auth)
      .send({ email: invited, role: 'editor' })
      .expect(201);
    await t.http().post('/api/auth/password/forgot').send({ email: owner.email }).expect(202);
    await t.ctx.mailer.idle();

    const mails = [...smtp.mailTo(owner.email), ...smtp.mailTo(invited)];
    const tokens = mails.flatMap((mail) =>
      [...(mail.parsed.text ?? '').matchAll(/\?token=([A-Za-z0-9_-]+)/g)].map((m) => m[1]),
    );
    // Verification, reset and invitation.
    expect(tokens).toHaveLength(3);
    const { rows } = await t.db.query<{ data: string }>(
      `SELECT data::text AS data FROM pgboss.job WHERE name IN ('mail', 'mail-dead')`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const stored = rows.map((r) => r.data).join('\n');
    for (const token of tokens) expect(stored).not.toContain(token);
    for (const address of [owner.email, invited]) expect(stored.toLowerCase()).not.toContain(address);
    expect(rows.every((r) => typeof JSON.parse(r.data).sealed?.ciphertext === 'string')).toBe(true);
  });
});
