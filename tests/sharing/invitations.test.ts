/**
 * Invitations (docs/collaboration.md, "Invitations, members and transfer"): the owner invites an address, a
 * single-use link is mailed, and the invitation is accepted with its token or, by the addressee, by id.
 */
import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, uniqueEmail, type TestUser } from '../helpers/factories';
import {
  createMember,
  expireInvitation,
  invitationMails,
  invitationTokenFor,
  invite,
  markEmailVerified,
} from '../helpers/sharing';

const t = useTestApp();

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: any },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

const accept = (user: TestUser, token: string) =>
  t.http().post('/api/invitations/accept').set(user.auth).send({ token });
const invitationsOf = (user: TestUser, projectId: string) =>
  t.http().get(`/api/projects/${projectId}/invitations`).set(user.auth);
const membersOf = (user: TestUser, projectId: string) =>
  t.http().get(`/api/projects/${projectId}/members`).set(user.auth);

async function ownerWithProject() {
  const owner = await createUser(t, { displayName: 'Olive Owner' });
  const project = await createProject(t, owner, { title: 'Shared book' });
  return { owner, project };
}

describe('POST /api/projects/:id/invitations', () => {
  test('when the owner invites an address, then 201 Invitation with Location, a mailed 7-day link, and only the token hash stored', async () => {
    const { owner, project } = await ownerWithProject();
    const email = uniqueEmail('guest');
    const res = await t
      .http()
      .post(`/api/projects/${project.id}/invitations`)
      .set(owner.auth)
      .send({ email, role: 'viewer' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/projects/${project.id}/invitations`);
    expect(res.body).toMatchObject({
      projectId: project.id,
      projectTitle: 'Shared book',
      email,
      role: 'viewer',
      status: 'pending',
      invitedBy: { id: owner.id, displayName: 'Olive Owner' },
    });
    const lifetime = Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt);
    expect(lifetime).toBe(7 * 24 * 3600 * 1000);

    const mails = (await invitationMails(t)).filter((m) => m.to === email);
    expect(mails).toHaveLength(1);
    const { mail } = mails[0];
    expect(mail.subject).toBe('You are invited to a ColorBook project');
    expect(mail.text).toContain('http://localhost:5173/accept-invitation?token=');
    expect(mail.text).toContain('7 days');
    expect(mail.text).toContain('a viewer');
    // Nothing the inviter typed reaches a stranger's mailbox.
    expect(mail.text).not.toContain('Shared book');
    expect(mail.text).not.toContain('Olive');
    const token = await invitationTokenFor(t, email);
    const stored = await t.db.query<{ tokenHash: string }>(
      'SELECT token_hash AS "tokenHash" FROM project_invitations WHERE id = $1',
      [res.body.id],
    );
    expect(stored.rows[0].tokenHash).toBe(sha256(token));
    expect(stored.rows[0].tokenHash).not.toContain(token);
  });

  test('when the same address is invited again (any case), then the old invitation is replaced and its token stops working', async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    const first = await invite(t, owner, project.id, guest.email, 'viewer');
    const second = await invite(t, owner, project.id, guest.email.toUpperCase(), 'editor');
    expect(second.token).not.toBe(first.token);
    const list = await invitationsOf(owner, project.id);
    expect(list.body.data.map((i: any) => i.id)).toEqual([second.invitation.id]);
    expectProblem(await accept(guest, first.token), 400, 'INVALID_TOKEN');
    const joined = await accept(guest, second.token);
    expect(joined.status).toBe(200);
    expect(joined.body.role).toBe('editor');
  });

  test('when the address is the owner or a member (any case), then 409 ALREADY_MEMBER', async () => {
    const { owner, project } = await ownerWithProject();
    const member = await createMember(t, owner, project.id, 'viewer');
    for (const email of [owner.email, member.email.toUpperCase()]) {
      const res = await t
        .http()
        .post(`/api/projects/${project.id}/invitations`)
        .set(owner.auth)
        .send({ email, role: 'editor' });
      expectProblem(res, 409, 'ALREADY_MEMBER');
    }
  });

  test('when the email or role is bad or missing, then 400 VALIDATION_ERROR naming the field and nothing is stored', async () => {
    const { owner, project } = await ownerWithProject();
    const bodies = [
      { email: 'not-an-email', role: 'editor' },
      { email: `${'x'.repeat(250)}@example.test`, role: 'editor' },
      { email: uniqueEmail(), role: 'owner' },
      { email: uniqueEmail(), role: 'admin' },
      { email: uniqueEmail() },
      { role: 'viewer' },
    ];
    for (const body of bodies) {
      const res = await t.http().post(`/api/projects/${project.id}/invitations`).set(owner.auth).send(body);
      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    const { rows } = await t.db.query('SELECT 1 FROM project_invitations WHERE project_id = $1', [
      project.id,
    ]);
    expect(rows).toEqual([]);
  });

  test('when an editor or viewer invites, then 403 FORBIDDEN; a stranger or an unknown project, 404', async () => {
    const { owner, project } = await ownerWithProject();
    const editor = await createMember(t, owner, project.id, 'editor');
    const viewer = await createMember(t, owner, project.id, 'viewer');
    const stranger = await createUser(t);
    const send = (user: TestUser, id = project.id) =>
      t
        .http()
        .post(`/api/projects/${id}/invitations`)
        .set(user.auth)
        .send({ email: uniqueEmail(), role: 'viewer' });
    expectProblem(await send(editor), 403, 'FORBIDDEN');
    expectProblem(await send(viewer), 403, 'FORBIDDEN');
    expectProblem(await send(stranger), 404, 'NOT_FOUND');
    expectProblem(await send(owner, crypto.randomUUID()), 404, 'NOT_FOUND');
    expectProblem(
      await t.http().post(`/api/projects/${project.id}/invitations`).send({}),
      401,
      'UNAUTHENTICATED',
    );
  });

  test("when members and live invitations reach the owner's plan limit, then 403 PLAN_REQUIRED; expired ones do not count; a re-invite and a bigger plan pass", async () => {
    const { owner, project } = await ownerWithProject();
    // Free: 2 collaborators. One member and one pending invitation fill it.
    await createMember(t, owner, project.id, 'viewer');
    const pending = await invite(t, owner, project.id, uniqueEmail('pending'));
    const third = () =>
      t
        .http()
        .post(`/api/projects/${project.id}/invitations`)
        .set(owner.auth)
        .send({ email: uniqueEmail(), role: 'viewer' });
    const refused = await third();
    expectProblem(refused, 403, 'PLAN_REQUIRED');
    expect(refused.body.collaboratorLimit).toBe(2);
    // Re-inviting the pending address replaces it: the count stays.
    const again = await t
      .http()
      .post(`/api/projects/${project.id}/invitations`)
      .set(owner.auth)
      .send({ email: pending.invitation.email, role: 'editor' });
    expect(again.status).toBe(201);
    // An expired invitation frees its place.
    await expireInvitation(t, again.body.id);
    expect((await third()).status).toBe(201);
    expectProblem(await third(), 403, 'PLAN_REQUIRED');
    // The owner's plan decides.
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [owner.id]);
    expect((await third()).status).toBe(201);
  });
});

describe('GET and DELETE /api/projects/:id/invitations', () => {
  test('when the owner lists, then pending ones come newest first, expired ones as `expired`, answered ones not at all', async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    const a = await invite(t, owner, project.id, uniqueEmail('a'));
    const b = await invite(t, owner, project.id, guest.email, 'viewer');
    await expireInvitation(t, a.invitation.id);
    let res = await invitationsOf(owner, project.id);
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1 });
    expect(res.body.data.map((i: any) => [i.id, i.status])).toEqual([
      [b.invitation.id, 'pending'],
      [a.invitation.id, 'expired'],
    ]);
    await accept(guest, b.token);
    res = await invitationsOf(owner, project.id);
    expect(res.body.data.map((i: any) => i.id)).toEqual([a.invitation.id]);
    const paged = await t
      .http()
      .get(`/api/projects/${project.id}/invitations?limit=1&page=2`)
      .set(owner.auth);
    expect(paged.body.data).toEqual([]);
    expect(paged.body.pagination.total).toBe(1);
  });

  test('when the owner revokes, then 204, the token stops working and a second revoke is 404', async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    const { invitation, token } = await invite(t, owner, project.id, guest.email);
    const path = `/api/projects/${project.id}/invitations/${invitation.id}`;
    const res = await t.http().delete(path).set(owner.auth);
    expect(res.status).toBe(204);
    expectProblem(await accept(guest, token), 400, 'INVALID_TOKEN');
    expectProblem(await t.http().delete(path).set(owner.auth), 404, 'NOT_FOUND');
    const { rows } = await t.db.query('SELECT status FROM project_invitations WHERE id = $1', [
      invitation.id,
    ]);
    expect(rows).toEqual([{ status: 'revoked' }]);
  });

  test('when a member lists or revokes, then 403; a stranger, 404; an invitation of another project or unknown, 404', async () => {
    const { owner, project } = await ownerWithProject();
    const other = await createProject(t, owner);
    const { invitation } = await invite(t, owner, project.id, uniqueEmail());
    const editor = await createMember(t, owner, project.id, 'editor');
    const viewer = await createMember(t, owner, other.id, 'viewer');
    const stranger = await createUser(t);
    const path = `/api/projects/${project.id}/invitations/${invitation.id}`;
    expectProblem(await invitationsOf(editor, project.id), 403, 'FORBIDDEN');
    expectProblem(await invitationsOf(viewer, other.id), 403, 'FORBIDDEN');
    expectProblem(await invitationsOf(stranger, project.id), 404, 'NOT_FOUND');
    expectProblem(await t.http().delete(path).set(editor.auth), 403, 'FORBIDDEN');
    expectProblem(await t.http().delete(path).set(stranger.auth), 404, 'NOT_FOUND');
    expectProblem(
      await t.http().delete(`/api/projects/${other.id}/invitations/${invitation.id}`).set(owner.auth),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await t.http().delete(`/api/projects/${project.id}/invitations/${crypto.randomUUID()}`).set(owner.auth),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await t.http().delete(`/api/projects/${project.id}/invitations/nope`).set(owner.auth),
      400,
      'VALIDATION_ERROR',
    );
    const { rows } = await t.db.query('SELECT status FROM project_invitations WHERE id = $1', [
      invitation.id,
    ]);
    expect(rows).toEqual([{ status: 'pending' }]);
  });
});

describe('POST /api/invitations/accept', () => {
  test('when a user signed in under another address accepts with the token, then 200 Member with the invited role, and the token is spent', async () => {
    const { owner, project } = await ownerWithProject();
    const invited = uniqueEmail('mailbox');
    const { token } = await invite(t, owner, project.id, invited, 'viewer');
    const someone = await createUser(t, { displayName: 'Sam' });
    const res = await accept(someone, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: someone.id,
      email: someone.email,
      displayName: 'Sam',
      role: 'viewer',
      addedAt: expect.any(String),
    });
    const members = await membersOf(someone, project.id);
    expect(members.body.data.map((m: any) => [m.userId, m.role])).toEqual([
      [owner.id, 'owner'],
      [someone.id, 'viewer'],
    ]);
    // Single use: again, or by anyone else.
    expectProblem(await accept(someone, token), 400, 'INVALID_TOKEN');
    expectProblem(await accept(await createUser(t), token), 400, 'INVALID_TOKEN');
  });

  test('when the token is unknown, expired, declined or malformed, then 400 (INVALID_TOKEN, or VALIDATION_ERROR for a malformed body)', async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    await markEmailVerified(t, guest.id);
    expectProblem(await accept(guest, 'no-such-token'), 400, 'INVALID_TOKEN');
    const expired = await invite(t, owner, project.id, uniqueEmail());
    await expireInvitation(t, expired.invitation.id);
    expectProblem(await accept(guest, expired.token), 400, 'INVALID_TOKEN');
    const declined = await invite(t, owner, project.id, guest.email);
    expect(
      (await t.http().post(`/api/invitations/${declined.invitation.id}/decline`).set(guest.auth)).status,
    ).toBe(204);
    expectProblem(await accept(guest, declined.token), 400, 'INVALID_TOKEN');
    for (const body of [{}, { token: '' }, { token: 'x'.repeat(513) }, { token: 42 }]) {
      expectProblem(
        await t.http().post('/api/invitations/accept').set(guest.auth).send(body),
        400,
        'VALIDATION_ERROR',
      );
    }
    const { rows } = await t.db.query('SELECT 1 FROM project_members WHERE project_id = $1', [project.id]);
    expect(rows).toEqual([]);
  });

  test('when the owner or an existing member accepts, then 409 ALREADY_MEMBER and the invitation stays pending', async () => {
    const { owner, project } = await ownerWithProject();
    const member = await createMember(t, owner, project.id, 'viewer');
    const { invitation, token } = await invite(t, owner, project.id, uniqueEmail());
    expectProblem(await accept(owner, token), 409, 'ALREADY_MEMBER');
    expectProblem(await accept(member, token), 409, 'ALREADY_MEMBER');
    const { rows } = await t.db.query('SELECT status FROM project_invitations WHERE id = $1', [
      invitation.id,
    ]);
    expect(rows).toEqual([{ status: 'pending' }]);
    const members = await membersOf(member, project.id);
    expect(members.body.data.find((m: any) => m.userId === member.id).role).toBe('viewer');
  });

  test('when nobody is signed in, then 401', async () => {
    expectProblem(
      await t.http().post('/api/invitations/accept').send({ token: 'x' }),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe("the caller's own invitations: GET /api/invitations, accept and decline by id", () => {
  test('when a verified user lists, then the live invitations to their address (any case) come, newest first', async () => {
    const { owner, project } = await ownerWithProject();
    const other = await createProject(t, owner, { title: 'Second book' });
    const guest = await createUser(t);
    await markEmailVerified(t, guest.id);
    const first = await invite(t, owner, project.id, guest.email.toUpperCase(), 'viewer');
    const second = await invite(t, owner, other.id, guest.email, 'editor');
    const gone = await invite(t, owner, (await createProject(t, owner)).id, guest.email);
    await expireInvitation(t, gone.invitation.id);
    await invite(t, owner, project.id, uniqueEmail('someone-else'));
    const res = await t.http().get('/api/invitations').set(guest.auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: any) => [i.id, i.projectTitle, i.status])).toEqual([
      [second.invitation.id, 'Second book', 'pending'],
      [first.invitation.id, 'Shared book', 'pending'],
    ]);
    expect(res.body.pagination.total).toBe(2);
  });

  test('when the user accepts one by id, then 200 Member; when they decline another, 204 and it is gone from the list', async () => {
    const { owner, project } = await ownerWithProject();
    const other = await createProject(t, owner);
    const guest = await createUser(t);
    await markEmailVerified(t, guest.id);
    const a = await invite(t, owner, project.id, guest.email, 'editor');
    const b = await invite(t, owner, other.id, guest.email, 'viewer');
    const accepted = await t.http().post(`/api/invitations/${a.invitation.id}/accept`).set(guest.auth);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ userId: guest.id, role: 'editor' });
    const declined = await t.http().post(`/api/invitations/${b.invitation.id}/decline`).set(guest.auth);
    expect(declined.status).toBe(204);
    expect((await t.http().get('/api/invitations').set(guest.auth)).body.data).toEqual([]);
    expectProblem(await membersOf(guest, other.id), 404, 'NOT_FOUND');
    expectProblem(await accept(guest, b.token), 400, 'INVALID_TOKEN');
    // Answered: neither can be answered again.
    expectProblem(
      await t.http().post(`/api/invitations/${a.invitation.id}/accept`).set(guest.auth),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await t.http().post(`/api/invitations/${b.invitation.id}/decline`).set(guest.auth),
      404,
      'NOT_FOUND',
    );
  });

  test('when the address is not verified, then listing, accepting and declining by id are 403 EMAIL_NOT_VERIFIED and nothing changes', async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    const { invitation } = await invite(t, owner, project.id, guest.email);
    expectProblem(await t.http().get('/api/invitations').set(guest.auth), 403, 'EMAIL_NOT_VERIFIED');
    for (const action of ['accept', 'decline']) {
      expectProblem(
        await t.http().post(`/api/invitations/${invitation.id}/${action}`).set(guest.auth),
        403,
        'EMAIL_NOT_VERIFIED',
      );
    }
    const { rows } = await t.db.query('SELECT status FROM project_invitations WHERE id = $1', [
      invitation.id,
    ]);
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  test("when the invitation is someone else's, unknown, expired or revoked, then 404; a malformed id, 400", async () => {
    const { owner, project } = await ownerWithProject();
    const guest = await createUser(t);
    await markEmailVerified(t, guest.id);
    const others = await invite(t, owner, project.id, uniqueEmail());
    const expired = await invite(t, owner, project.id, guest.email);
    await expireInvitation(t, expired.invitation.id);
    const revoked = await invite(t, owner, (await createProject(t, owner)).id, guest.email);
    await t
      .http()
      .delete(`/api/projects/${revoked.invitation.projectId}/invitations/${revoked.invitation.id}`)
      .set(owner.auth);
    for (const id of [
      others.invitation.id,
      expired.invitation.id,
      revoked.invitation.id,
      crypto.randomUUID(),
    ]) {
      for (const action of ['accept', 'decline']) {
        expectProblem(
          await t.http().post(`/api/invitations/${id}/${action}`).set(guest.auth),
          404,
          'NOT_FOUND',
        );
      }
    }
    expectProblem(
      await t.http().post('/api/invitations/nope/accept').set(guest.auth),
      400,
      'VALIDATION_ERROR',
    );
  });

  test('when the addressee already owns the project or is a member, then accepting by id is 409 ALREADY_MEMBER', async () => {
    const { owner, project } = await ownerWithProject();
    await markEmailVerified(t, owner.id);
    // The owner's own address cannot be invited; a member's address can be invited before they joined.
    const member = await createUser(t);
    await markEmailVerified(t, member.id);
    const { invitation } = await invite(t, owner, project.id, member.email);
    // The member joins through another invitation (to another address) first.
    const { token } = await invite(t, owner, project.id, uniqueEmail());
    expect((await accept(member, token)).status).toBe(200);
    expectProblem(
      await t.http().post(`/api/invitations/${invitation.id}/accept`).set(member.auth),
      409,
      'ALREADY_MEMBER',
    );
  });
});
