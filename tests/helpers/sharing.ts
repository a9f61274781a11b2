import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { TestApp } from './app';
import type { components } from '../../client/src/index';
import { createUser, type TestUser } from './factories';

export type Invitation = components['schemas']['Invitation'];
export type Member = components['schemas']['Member'];

/** Parsed outbox files, by file name: each is parsed once per test file. */
const parsed = new Map<string, ParsedMail>();

/**
 * The invitation mails in the app's outbox (no SMTP_URL in tests: mail goes to DATA_DIR/outbox), oldest first,
 * after every queued mail job has run.
 */
export async function invitationMails(t: TestApp): Promise<{ to: string; mail: ParsedMail }[]> {
  await t.ctx.mailer.idle();
  const dir = path.join(t.dataDir, 'outbox');
  if (!fs.existsSync(dir)) return [];
  const names = fs
    .readdirSync(dir)
    .filter((name) => name.includes('-project_invitation-'))
    .sort();
  const mails = [];
  for (const name of names) {
    const key = path.join(dir, name);
    let mail = parsed.get(key);
    if (!mail) {
      mail = await simpleParser(fs.readFileSync(key));
      parsed.set(key, mail);
    }
    const to = mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : undefined;
    mails.push({ to: String(to), mail });
  }
  return mails;
}

/** The token of the newest invitation mailed to `email`. */
export async function invitationTokenFor(t: TestApp, email: string): Promise<string> {
  const mails = (await invitationMails(t)).filter((m) => m.to.toLowerCase() === email.toLowerCase());
  if (mails.length === 0) throw new Error(`no invitation mail to ${email}`);
  const text = mails[mails.length - 1].mail.text ?? '';
  const match = /https?:\/\/\S+\/accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no invitation link in: ${text}`);
  return match[1];
}

/** POST /api/projects/:id/invitations as `owner`; answers the `Invitation` and the mailed token. */
export async function invite(
  t: TestApp,
  owner: TestUser,
  projectId: string,
  email: string,
  role: 'editor' | 'viewer' = 'editor',
): Promise<{ invitation: Invitation; token: string }> {
  const res = await t
    .http()
    .post(`/api/projects/${projectId}/invitations`)
    .set(owner.auth)
    .send({ email, role });
  if (res.status !== 201) throw new Error(`inviting failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { invitation: res.body, token: await invitationTokenFor(t, email) };
}

/** Makes `member` a member of the project with `role` (an invitation accepted with its token). */
export async function addMember(
  t: TestApp,
  owner: TestUser,
  projectId: string,
  member: TestUser,
  role: 'editor' | 'viewer' = 'editor',
): Promise<void> {
  const { token } = await invite(t, owner, projectId, member.email, role);
  const res = await t.http().post('/api/invitations/accept').set(member.auth).send({ token });
  if (res.status !== 200) throw new Error(`accepting failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A new user who is a member of the project with `role`. */
export async function createMember(
  t: TestApp,
  owner: TestUser,
  projectId: string,
  role: 'editor' | 'viewer' = 'editor',
): Promise<TestUser> {
  const member = await createUser(t);
  await addMember(t, owner, projectId, member, role);
  return member;
}

/** Marks the user's address verified in the database (the mailed verification link does the same). */
export async function markEmailVerified(t: TestApp, userId: string): Promise<void> {
  await t.db.query('UPDATE users SET email_verified = true WHERE id = $1', [userId]);
}

/** Moves the invitation's expiry into the past. */
export async function expireInvitation(t: TestApp, invitationId: string): Promise<void> {
  await t.db.query(
    `UPDATE project_invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
      WHERE id = $1`,
    [invitationId],
  );
}

/**
 * What must hold for a project after any mix of sharing writes: exactly one owner (its user row exists), no
 * one twice in project_members, the owner not among them, and at most one pending invitation per address.
 */
export async function sharingInvariantViolations(t: TestApp, projectId: string): Promise<string[]> {
  const problems: string[] = [];
  const owners = await t.db.query<{ userId: string }>(
    'SELECT p.user_id AS "userId" FROM projects p JOIN users u ON u.id = p.user_id WHERE p.id = $1',
    [projectId],
  );
  if (owners.rows.length !== 1) problems.push(`owners: ${owners.rows.length}`);
  const twice = await t.db.query(
    'SELECT user_id FROM project_members WHERE project_id = $1 GROUP BY user_id HAVING count(*) > 1',
    [projectId],
  );
  if (twice.rows.length > 0) problems.push(`members twice: ${JSON.stringify(twice.rows)}`);
  const ownerMember = await t.db.query(
    `SELECT 1 FROM project_members m JOIN projects p ON p.id = m.project_id AND p.user_id = m.user_id
      WHERE m.project_id = $1`,
    [projectId],
  );
  if (ownerMember.rows.length > 0) problems.push('the owner is in project_members');
  const pending = await t.db.query(
    `SELECT lower(email) FROM project_invitations WHERE project_id = $1 AND status = 'pending'
      GROUP BY lower(email) HAVING count(*) > 1`,
    [projectId],
  );
  if (pending.rows.length > 0) problems.push(`pending twice: ${JSON.stringify(pending.rows)}`);
  return problems;
}
