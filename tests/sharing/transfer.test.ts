/**
 * POST /api/projects/:id/transfer: a member becomes the owner and the owner an editor, in one transaction
 * that moves the project's storage use (files by the transfer, text by the 0010 triggers) from one to the
 * other, within the new owner's plan limit.
 */
import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { createMember } from '../helpers/sharing';
import { storageUsed, storedBytesOfRows } from '../images/helpers';

// Free accounts hold next to nothing here, so a transfer to one passes the limit; the others are made pro.
const FREE_LIMIT = 40;
const t = useTestApp({ env: { PLAN_FREE_STORAGE_BYTES: String(FREE_LIMIT) } });

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: any },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

const makePro = (user: TestUser) => t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [user.id]);
const transfer = (user: TestUser, projectId: string, body: object) =>
  t.http().post(`/api/projects/${projectId}/transfer`).set(user.auth).send(body);

/** Who owns what, to compare before and after a refused transfer. */
async function snapshot(projectId: string, users: TestUser[]) {
  const owner = await t.db.query('SELECT user_id FROM projects WHERE id = $1', [projectId]);
  const members = await t.db.query(
    'SELECT user_id, role FROM project_members WHERE project_id = $1 ORDER BY user_id',
    [projectId],
  );
  const children = await t.db.query(
    `SELECT user_id FROM stories WHERE project_id = $1
     UNION ALL SELECT user_id FROM images WHERE project_id = $1
     UNION ALL SELECT user_id FROM drawings WHERE project_id = $1`,
    [projectId],
  );
  const used = await Promise.all(users.map((u) => storageUsed(t, u.id)));
  return { owner: owner.rows, members: members.rows, children: children.rows, used };
}

async function expectExactStorage(users: TestUser[]) {
  for (const user of users) expect(await storageUsed(t, user.id)).toBe(await storedBytesOfRows(t, user.id));
}

describe('POST /api/projects/:id/transfer', () => {
  test("when the owner transfers to a member, then that member owns it, the old owner is an editor, and the project's files and text move to the new owner's storage", async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner, { settings: { paper: 'A4' } });
    await createStory(t, owner, project.id, { content: 'Once upon a time ✓' });
    const image = await createImage(t, owner, project.id);
    await createDrawing(t, owner, project.id, { imageId: image.id }, await makePng(20, 20));
    const keep = await createProject(t, owner);
    await createImage(t, owner, keep.id);
    const member = await createMember(t, owner, project.id, 'viewer');
    await makePro(member);
    const ownerBefore = await storageUsed(t, owner.id);
    const memberBefore = await storageUsed(t, member.id);
    expect(memberBefore).toBe(0);

    const res = await transfer(owner, project.id, { userId: member.id });
    expect(res.status).toBe(200);
    // The project as the caller now sees it: the member owns it, the caller is an editor.
    expect(res.body).toMatchObject({
      id: project.id,
      title: project.title,
      version: project.version,
      ownerId: member.id,
      role: 'editor',
    });

    const members = await t.http().get(`/api/projects/${project.id}/members`).set(owner.auth);
    expect(members.body.data.map((m: any) => [m.userId, m.role])).toEqual([
      [member.id, 'owner'],
      [owner.id, 'editor'],
    ]);
    const children = await t.db.query(
      `SELECT DISTINCT user_id AS "userId" FROM (SELECT user_id FROM stories WHERE project_id = $1
        UNION ALL SELECT user_id FROM images WHERE project_id = $1
        UNION ALL SELECT user_id FROM drawings WHERE project_id = $1) c`,
      [project.id],
    );
    expect(children.rows).toEqual([{ userId: member.id }]);
    // Every byte the project stores moved, and nothing else.
    await expectExactStorage([owner, member]);
    const moved = await storageUsed(t, member.id);
    expect(moved).toBeGreaterThan(0);
    expect(await storageUsed(t, owner.id)).toBe(ownerBefore - moved);

    // The old owner is an editor now: owner-only routes answer 403; the new owner may give it back.
    expectProblem(await transfer(owner, project.id, { userId: member.id }), 403, 'FORBIDDEN');
    const back = await transfer(member, project.id, { userId: owner.id });
    expect(back.status).toBe(200);
    await expectExactStorage([owner, member]);
    expect(await storageUsed(t, owner.id)).toBe(ownerBefore);
    expect(await storageUsed(t, member.id)).toBe(0);
  });

  test('when the former owner leaves after a transfer, then 204 and the new owner keeps the project', async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner);
    const member = await createMember(t, owner, project.id, 'editor');
    expect((await transfer(owner, project.id, { userId: member.id })).status).toBe(200);
    expect(
      (await t.http().delete(`/api/projects/${project.id}/members/${owner.id}`).set(owner.auth)).status,
    ).toBe(204);
    const members = await t.http().get(`/api/projects/${project.id}/members`).set(member.auth);
    expect(members.body.data.map((m: any) => [m.userId, m.role])).toEqual([[member.id, 'owner']]);
  });

  test("when the project's files would pass the new owner's plan limit, then 403 STORAGE_QUOTA_EXCEEDED and nothing changes", async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner);
    const image = await createImage(t, owner, project.id);
    expect(image.sizeBytes).toBeGreaterThan(FREE_LIMIT);
    const member = await createMember(t, owner, project.id, 'editor');
    const before = await snapshot(project.id, [owner, member]);
    const res = await transfer(owner, project.id, { userId: member.id });
    expectProblem(res, 403, 'STORAGE_QUOTA_EXCEEDED');
    expect(await snapshot(project.id, [owner, member])).toEqual(before);
    await expectExactStorage([owner, member]);
  });

  test("when only the project's text would pass the new owner's limit, then 403 STORAGE_QUOTA_EXCEEDED and nothing changes", async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner);
    await createStory(t, owner, project.id, { content: 'x'.repeat(FREE_LIMIT + 1) });
    const member = await createMember(t, owner, project.id, 'viewer');
    const before = await snapshot(project.id, [owner, member]);
    expectProblem(await transfer(owner, project.id, { userId: member.id }), 403, 'STORAGE_QUOTA_EXCEEDED');
    expect(await snapshot(project.id, [owner, member])).toEqual(before);
    await expectExactStorage([owner, member]);
  });

  test('when the userId is not a member (or is the owner, or nobody), then 400 VALIDATION_ERROR naming userId', async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner);
    await createMember(t, owner, project.id, 'editor');
    const stranger = await createUser(t);
    for (const userId of [stranger.id, owner.id, owner.id.toUpperCase(), crypto.randomUUID()]) {
      const res = await transfer(owner, project.id, { userId });
      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'userId' })]);
    }
    for (const body of [{}, { userId: 'nope' }, { userId: 1 }, { userId: null }]) {
      expectProblem(await transfer(owner, project.id, body), 400, 'VALIDATION_ERROR');
    }
    const owners = await t.db.query('SELECT user_id AS "userId" FROM projects WHERE id = $1', [project.id]);
    expect(owners.rows).toEqual([{ userId: owner.id }]);
  });

  test('when an editor or viewer transfers, then 403 FORBIDDEN; a stranger or an unknown project, 404', async () => {
    const owner = await createUser(t);
    await makePro(owner);
    const project = await createProject(t, owner);
    const editor = await createMember(t, owner, project.id, 'editor');
    const viewer = await createMember(t, owner, project.id, 'viewer');
    const stranger = await createUser(t);
    expectProblem(await transfer(editor, project.id, { userId: editor.id }), 403, 'FORBIDDEN');
    expectProblem(await transfer(viewer, project.id, { userId: editor.id }), 403, 'FORBIDDEN');
    expectProblem(await transfer(stranger, project.id, { userId: editor.id }), 404, 'NOT_FOUND');
    expectProblem(await transfer(owner, crypto.randomUUID(), { userId: editor.id }), 404, 'NOT_FOUND');
    const owners = await t.db.query('SELECT user_id AS "userId" FROM projects WHERE id = $1', [project.id]);
    expect(owners.rows).toEqual([{ userId: owner.id }]);
  });
});
