/**
 * A shared project's members (docs/collaboration.md, "Invitations, members and transfer"): the list, role
 * changes, removal and leaving, and what deleting an account or a project does to memberships.
 */
import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { createMember, invite } from '../helpers/sharing';

const t = useTestApp();

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: any },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

const membersOf = (user: TestUser, projectId: string, query = '') =>
  t.http().get(`/api/projects/${projectId}/members${query}`).set(user.auth);
const setRole = (user: TestUser, projectId: string, memberId: string, role: unknown) =>
  t.http().patch(`/api/projects/${projectId}/members/${memberId}`).set(user.auth).send({ role });
const remove = (user: TestUser, projectId: string, memberId: string) =>
  t.http().delete(`/api/projects/${projectId}/members/${memberId}`).set(user.auth);

async function sharedProject() {
  const owner = await createUser(t, { displayName: 'Owner' });
  await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [owner.id]);
  const project = await createProject(t, owner);
  const editor = await createMember(t, owner, project.id, 'editor');
  const viewer = await createMember(t, owner, project.id, 'viewer');
  return { owner, project, editor, viewer };
}

describe('GET /api/projects/:id/members', () => {
  test('when any member lists, then the owner comes first (addedAt = createdAt), then members by when they joined', async () => {
    const { owner, project, editor, viewer } = await sharedProject();
    for (const caller of [owner, editor, viewer]) {
      const res = await membersOf(caller, project.id);
      expect(res.status).toBe(200);
      expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 3, totalPages: 1 });
      expect(res.body.data).toEqual([
        {
          userId: owner.id,
          email: owner.email,
          displayName: 'Owner',
          role: 'owner',
          addedAt: project.createdAt,
        },
        {
          userId: editor.id,
          email: editor.email,
          displayName: null,
          role: 'editor',
          addedAt: expect.any(String),
        },
        {
          userId: viewer.id,
          email: viewer.email,
          displayName: null,
          role: 'viewer',
          addedAt: expect.any(String),
        },
      ]);
    }
    const second = await membersOf(owner, project.id, '?limit=2&page=2');
    expect(second.body.data.map((m: any) => m.userId)).toEqual([viewer.id]);
    expect(second.body.pagination).toEqual({ page: 2, limit: 2, total: 3, totalPages: 2 });
    const past = await membersOf(owner, project.id, '?limit=2&page=5');
    expect(past.body).toEqual({ data: [], pagination: { page: 5, limit: 2, total: 3, totalPages: 2 } });
  });

  test('when a stranger or an unknown project is asked, then 404; a bad id or query, 400', async () => {
    const { project } = await sharedProject();
    const stranger = await createUser(t);
    expectProblem(await membersOf(stranger, project.id), 404, 'NOT_FOUND');
    expectProblem(await membersOf(stranger, crypto.randomUUID()), 404, 'NOT_FOUND');
    expectProblem(await membersOf(stranger, 'nope'), 400, 'VALIDATION_ERROR');
    expectProblem(await membersOf(stranger, project.id, '?limit=1000'), 400, 'VALIDATION_ERROR');
  });
});

describe('PATCH /api/projects/:id/members/:userId', () => {
  test("when the owner changes a member's role, then 200 Member and the list shows it", async () => {
    const { owner, project, viewer } = await sharedProject();
    const res = await setRole(owner, project.id, viewer.id, 'editor');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: viewer.id, role: 'editor' });
    const list = await membersOf(viewer, project.id);
    expect(list.body.data.find((m: any) => m.userId === viewer.id).role).toBe('editor');
  });

  test("when the owner's own row is changed, then 409 OWNER_ROLE_FIXED", async () => {
    const { owner, project } = await sharedProject();
    expectProblem(await setRole(owner, project.id, owner.id, 'viewer'), 409, 'OWNER_ROLE_FIXED');
    expectProblem(
      await setRole(owner, project.id, owner.id.toUpperCase(), 'editor'),
      409,
      'OWNER_ROLE_FIXED',
    );
  });

  test('when an editor or viewer changes roles, then 403; a stranger, 404; not a member or a bad role, 404 / 400', async () => {
    const { owner, project, editor, viewer } = await sharedProject();
    const stranger = await createUser(t);
    expectProblem(await setRole(editor, project.id, viewer.id, 'editor'), 403, 'FORBIDDEN');
    expectProblem(await setRole(viewer, project.id, viewer.id, 'editor'), 403, 'FORBIDDEN');
    expectProblem(await setRole(stranger, project.id, viewer.id, 'editor'), 404, 'NOT_FOUND');
    expectProblem(await setRole(owner, project.id, stranger.id, 'editor'), 404, 'NOT_FOUND');
    expectProblem(await setRole(owner, project.id, crypto.randomUUID(), 'viewer'), 404, 'NOT_FOUND');
    for (const role of ['owner', 'admin', '', null, 1]) {
      expectProblem(await setRole(owner, project.id, viewer.id, role), 400, 'VALIDATION_ERROR');
    }
    expectProblem(await setRole(owner, project.id, 'nope', 'viewer'), 400, 'VALIDATION_ERROR');
    const list = await membersOf(owner, project.id);
    expect(list.body.data.map((m: any) => m.role)).toEqual(['owner', 'editor', 'viewer']);
  });
});

describe('DELETE /api/projects/:id/members/:userId', () => {
  test('when the owner removes a member, then 204 and their very next request is 404', async () => {
    const { owner, project, editor } = await sharedProject();
    expect((await membersOf(editor, project.id)).status).toBe(200);
    expect((await remove(owner, project.id, editor.id)).status).toBe(204);
    expectProblem(await membersOf(editor, project.id), 404, 'NOT_FOUND');
    expectProblem(await remove(owner, project.id, editor.id), 404, 'NOT_FOUND');
  });

  test('when a member leaves, then 204; when they remove someone else, 403', async () => {
    const { owner, project, editor, viewer } = await sharedProject();
    expectProblem(await remove(editor, project.id, viewer.id), 403, 'FORBIDDEN');
    expectProblem(await remove(viewer, project.id, owner.id), 403, 'FORBIDDEN');
    expect((await remove(viewer, project.id, viewer.id)).status).toBe(204);
    expectProblem(await membersOf(viewer, project.id), 404, 'NOT_FOUND');
    const list = await membersOf(owner, project.id);
    expect(list.body.data.map((m: any) => m.userId)).toEqual([owner.id, editor.id]);
  });

  test('when the owner tries to leave, then 409 OWNER_CANNOT_LEAVE; a stranger, 404; not a member, 404', async () => {
    const { owner, project } = await sharedProject();
    const stranger = await createUser(t);
    expectProblem(await remove(owner, project.id, owner.id), 409, 'OWNER_CANNOT_LEAVE');
    expectProblem(await remove(stranger, project.id, stranger.id), 404, 'NOT_FOUND');
    expectProblem(await remove(owner, project.id, stranger.id), 404, 'NOT_FOUND');
    expectProblem(await remove(owner, crypto.randomUUID(), stranger.id), 404, 'NOT_FOUND');
    expectProblem(await remove(owner, project.id, 'nope'), 400, 'VALIDATION_ERROR');
  });
});

describe('deleting accounts and projects', () => {
  const deleteAccount = (user: TestUser) =>
    t.http().delete('/api/users/me').set(user.auth).send({ password: user.password });

  test("when the owner's account is deleted, then its projects go and the members lose them", async () => {
    const { owner, project, editor } = await sharedProject();
    await invite(t, owner, project.id, 'pending@example.test');
    expect((await deleteAccount(owner)).status).toBe(204);
    expectProblem(await membersOf(editor, project.id), 404, 'NOT_FOUND');
    const left = await t.db.query(
      `SELECT (SELECT count(*) FROM project_members WHERE project_id = $1)
            + (SELECT count(*) FROM project_invitations WHERE project_id = $1) AS n`,
      [project.id],
    );
    expect(Number(left.rows[0].n)).toBe(0);
  });

  test("when a member's account is deleted, then their memberships end and the others stay", async () => {
    const { owner, project, editor, viewer } = await sharedProject();
    expect((await deleteAccount(editor)).status).toBe(204);
    const list = await membersOf(owner, project.id);
    expect(list.body.data.map((m: any) => m.userId)).toEqual([owner.id, viewer.id]);
  });

  test('when the project is deleted, then its memberships and invitations go with it', async () => {
    const { owner, project, viewer } = await sharedProject();
    await invite(t, owner, project.id, 'later@example.test');
    expect((await t.http().delete(`/api/projects/${project.id}`).set(owner.auth)).status).toBe(204);
    expectProblem(await membersOf(viewer, project.id), 404, 'NOT_FOUND');
    const left = await t.db.query(
      `SELECT (SELECT count(*) FROM project_members WHERE project_id = $1)
            + (SELECT count(*) FROM project_invitations WHERE project_id = $1) AS n`,
      [project.id],
    );
    expect(Number(left.rows[0].n)).toBe(0);
  });

  test('when the inviter is gone but the project stays (transferred first), then invitedBy is null', async () => {
    const { owner, project, editor } = await sharedProject();
    const { invitation } = await invite(t, owner, project.id, 'waiting@example.test');
    expect(
      (
        await t
          .http()
          .post(`/api/projects/${project.id}/transfer`)
          .set(owner.auth)
          .send({ userId: editor.id })
      ).status,
    ).toBe(200);
    expect((await deleteAccount(owner)).status).toBe(204);
    const list = await t.http().get(`/api/projects/${project.id}/invitations`).set(editor.auth);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: invitation.id, invitedBy: null })]);
  });
});
