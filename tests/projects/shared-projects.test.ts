/**
 * Shared projects as their members see them (docs/collaboration.md): own and shared projects in one list,
 * the owner's storage and plan for whatever a member writes, a member's copy in the member's account,
 * versions that name their author, and a membership that ends at the next request.
 */
import { useTestApp } from '../helpers/app';
import {
  addMember,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { expectProblem, pngOfSize, storageUsed, storedBytesOfRows } from '../images/helpers';

const LIMIT = 40_000;
const t = useTestApp({ env: { PLAN_FREE_STORAGE_BYTES: String(LIMIT) }, validateResponses: true });

let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let stranger: TestUser;
beforeEach(async () => {
  owner = await createUser(t, { displayName: 'Olive Owner' });
  editor = await createUser(t, { displayName: 'Eddie Editor' });
  viewer = await createUser(t);
  stranger = await createUser(t);
});

/** A project of the owner's, shared with the editor and the viewer. */
async function sharedProject(fields: Record<string, unknown> = {}) {
  const project = await createProject(t, owner, fields);
  await addMember(t, project, editor, 'editor');
  await addMember(t, project, viewer, 'viewer');
  return project;
}

const list = (user: TestUser, query = '') => t.http().get(`/api/projects${query}`).set(user.auth);

describe('GET /api/projects with shared projects', () => {
  test('when a project is shared, then members list it with the owner and their role, strangers do not', async () => {
    const shared = await sharedProject({ title: 'Shared farm' });
    const own = await createProject(t, editor, { title: 'Own zoo' });

    const res = await list(editor, '?sort=title');
    expect(res.status).toBe(200);
    expect(res.body.pagination.total).toBe(2);
    expect(res.body.data.map((p: any) => [p.title, p.ownerId, p.role])).toEqual([
      ['Own zoo', editor.id, 'owner'],
      ['Shared farm', owner.id, 'editor'],
    ]);
    expect((await list(viewer)).body.data.map((p: any) => [p.id, p.role])).toEqual([[shared.id, 'viewer']]);
    expect((await list(owner)).body.data.map((p: any) => [p.id, p.role])).toEqual([[shared.id, 'owner']]);
    expect((await list(stranger)).body.data).toEqual([]);
    expect(own.role).toBe('owner');
  });

  test('when the list is filtered by role, then only the projects where the caller has that role answer', async () => {
    const shared = await sharedProject();
    const own = await createProject(t, editor);
    const other = await createProject(t, stranger);
    await addMember(t, other, editor, 'viewer');

    const ids = async (role: string) => (await list(editor, `?role=${role}`)).body.data.map((p: any) => p.id);
    expect(await ids('owner')).toEqual([own.id]);
    expect(await ids('editor')).toEqual([shared.id]);
    expect(await ids('viewer')).toEqual([other.id]);
    const paged = await list(editor, '?role=viewer&page=2&limit=1');
    expect(paged.body).toEqual({
      data: [],
      pagination: { page: 2, limit: 1, total: 1, totalPages: 1, nextCursor: null },
    });
    const bad = await list(editor, '?role=admin');
    expectProblem(bad, 400, 'VALIDATION_ERROR');
  });

  test('when the other filters are combined with shared projects, then they apply to both kinds', async () => {
    await sharedProject({ title: 'Apple shared', tags: ['fruit'] });
    await createProject(t, editor, { title: 'Apple own', tags: ['fruit'] });
    await createProject(t, editor, { title: 'Banana own' });
    const res = await list(editor, '?q=apple&tag=fruit&sort=-title');
    expect(res.body.data.map((p: any) => p.title)).toEqual(['Apple shared', 'Apple own']);
  });

  test('when one shared project is read, then it carries ownerId, the caller role and its children', async () => {
    const project = await sharedProject();
    for (const [user, role] of [
      [owner, 'owner'],
      [editor, 'editor'],
      [viewer, 'viewer'],
    ] as const) {
      const res = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
      expect(res.status).toBe(200);
      expect({ ownerId: res.body.ownerId, role: res.body.role }).toEqual({ ownerId: owner.id, role });
    }
    // A member sees what is in it too.
    const story = await createStory(t, owner, project.id);
    const image = await createImage(t, editor, project.id);
    const res = await t.http().get(`/api/projects/${project.id}?include=stories,images`).set(viewer.auth);
    expect(res.body.stories.map((s: any) => s.id)).toEqual([story.id]);
    expect(res.body.images.map((i: any) => i.id)).toEqual([image.id]);
    expect(res.body.counts).toEqual({ stories: 1, images: 1, drawings: 0 });
  });
});

describe('children of shared projects', () => {
  test('when children are listed without projectId, then those of every readable project answer, no others', async () => {
    const shared = await sharedProject();
    const story = await createStory(t, owner, shared.id);
    const mine = await createStory(t, viewer, (await createProject(t, viewer)).id);
    await createStory(t, stranger, (await createProject(t, stranger)).id);
    const res = await t.http().get('/api/stories').set(viewer.auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: any) => s.id).sort()).toEqual([story.id, mine.id].sort());
    expect(res.body.pagination.total).toBe(2);
  });

  test("when an editor writes a story, then the row carries the owner's id and the event counts for the editor", async () => {
    const project = await sharedProject();
    const res = await t
      .http()
      .post('/api/stories')
      .set(editor.auth)
      .send({ projectId: project.id, title: 'By the editor', content: 'Hello' });
    expect(res.status).toBe(201);
    const row = await t.db.query('SELECT user_id FROM stories WHERE id = $1', [res.body.id]);
    expect(row.rows[0].user_id).toBe(owner.id);
    const events = await t.db.query(
      "SELECT user_id FROM analytics_events WHERE type = 'story.created' AND project_id = $1",
      [project.id],
    );
    expect(events.rows).toEqual([{ user_id: editor.id }]);
  });

  test('when an editor moves a story to a project of another owner, then it is 400; to one they only view, 403', async () => {
    const project = await sharedProject();
    const story = await createStory(t, owner, project.id);
    const editorsOwn = await createProject(t, editor);
    const viewed = await createProject(t, owner);
    await addMember(t, viewed, editor, 'viewer');

    const elsewhere = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(editor.auth)
      .send({ projectId: editorsOwn.id });
    expectProblem(elsewhere, 400, 'VALIDATION_ERROR');
    const toViewed = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(editor.auth)
      .send({ projectId: viewed.id });
    expectProblem(toViewed, 403, 'FORBIDDEN');
    const stays = await t.db.query('SELECT project_id, version FROM stories WHERE id = $1', [story.id]);
    expect(stays.rows[0]).toEqual({ project_id: project.id, version: 1 });

    const sameOwner = await createProject(t, owner);
    await addMember(t, sameOwner, editor, 'editor');
    const moved = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(editor.auth)
      .send({ projectId: sameOwner.id });
    expect(moved.status).toBe(200);
    expect(moved.body.projectId).toBe(sameOwner.id);
  });

  test("when an editor uploads, then the bytes count against the owner's storage, and the owner's limit refuses", async () => {
    const project = await sharedProject();
    const png = await pngOfSize(10_000);
    const image = await createImage(t, editor, project.id, {}, { bytes: png });
    expect(await storageUsed(t, owner.id)).toBe(10_000);
    expect(await storageUsed(t, editor.id)).toBe(0);
    expect(image.url).toContain(`images/${owner.id}/`);

    // The editor is on a plan with room to spare; the owner's free plan decides.
    await t.db.query("UPDATE users SET plan = 'pro' WHERE id = $1", [editor.id]);
    const big = await pngOfSize(LIMIT - 5_000);
    const refused = await t
      .http()
      .post('/api/images')
      .set(editor.auth)
      .field('projectId', project.id)
      .attach('file', big, 'big.png');
    expectProblem(refused, 403, 'STORAGE_QUOTA_EXCEEDED');
    expect(await storageUsed(t, owner.id)).toBe(10_000);
    const count = await t.db.query('SELECT count(*)::int AS n FROM images WHERE project_id = $1', [
      project.id,
    ]);
    expect(count.rows[0].n).toBe(1);

    // The editor's deletion releases the owner's bytes.
    expect((await t.http().delete(`/api/images/${image.id}`).set(editor.auth)).status).toBe(204);
    expect(await storageUsed(t, owner.id)).toBe(await storedBytesOfRows(t, owner.id));
    expect(await storageUsed(t, owner.id)).toBe(0);
  });

  test("when an editor writes text past the owner's limit, then it is 403 and nothing changes", async () => {
    const project = await sharedProject();
    await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [owner.id, LIMIT - 10]);
    const res = await t
      .http()
      .post('/api/stories')
      .set(editor.auth)
      .send({ projectId: project.id, title: 'Long', content: 'x'.repeat(100) });
    expectProblem(res, 403, 'STORAGE_QUOTA_EXCEEDED');
    const count = await t.db.query('SELECT count(*)::int AS n FROM stories WHERE project_id = $1', [
      project.id,
    ]);
    expect(count.rows[0].n).toBe(0);
  });
});

describe('POST /api/projects/:id/duplicate by a member', () => {
  test("when a viewer duplicates, then the copy is the viewer's, in the viewer's storage, and the owner's is untouched", async () => {
    const project = await sharedProject({ title: 'Farm', settings: { a: 1 } });
    await createStory(t, owner, project.id, { content: 'Moo' });
    await createImage(t, owner, project.id, {}, { bytes: await pngOfSize(5_000) });
    const ownerBefore = await storageUsed(t, owner.id);

    const res = await t.http().post(`/api/projects/${project.id}/duplicate`).set(viewer.auth).send({});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Farm (copy)',
      ownerId: viewer.id,
      role: 'owner',
      counts: { stories: 1, images: 1, drawings: 0 },
    });
    const rows = await t.db.query(
      `SELECT (SELECT array_agg(DISTINCT user_id) FROM stories WHERE project_id = $1) AS stories,
              (SELECT array_agg(DISTINCT user_id) FROM images WHERE project_id = $1) AS images`,
      [res.body.id],
    );
    expect(rows.rows[0]).toEqual({ stories: [viewer.id], images: [viewer.id] });
    expect(await storageUsed(t, owner.id)).toBe(ownerBefore);
    expect(await storageUsed(t, viewer.id)).toBe(await storedBytesOfRows(t, viewer.id));
    expect(await storageUsed(t, viewer.id)).toBeGreaterThanOrEqual(5_000);
    const versions = await t.http().get(`/api/projects/${res.body.id}/versions`).set(viewer.auth);
    expect(versions.body.data[0].changedBy).toEqual({ id: viewer.id, displayName: null });
    // The viewer's copy is theirs alone: the owner of the source is a stranger to it.
    expect((await t.http().get(`/api/projects/${res.body.id}`).set(owner.auth)).status).toBe(404);
  });
});

describe('versions and who made them', () => {
  test('when an editor changes and restores a project, then those versions name the editor', async () => {
    const project = await sharedProject({ title: 'First' });
    expect(
      (await t.http().put(`/api/projects/${project.id}`).set(editor.auth).send({ title: 'Second' })).status,
    ).toBe(200);
    const restored = await t.http().post(`/api/projects/${project.id}/versions/1/restore`).set(editor.auth);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ title: 'First', version: 3, role: 'editor', ownerId: owner.id });

    const res = await t.http().get(`/api/projects/${project.id}/versions`).set(viewer.auth);
    expect(res.body.data.map((v: any) => [v.version, v.changedBy])).toEqual([
      [3, { id: editor.id, displayName: 'Eddie Editor' }],
      [2, { id: editor.id, displayName: 'Eddie Editor' }],
      [1, { id: owner.id, displayName: 'Olive Owner' }],
    ]);
    const one = await t.http().get(`/api/projects/${project.id}/versions/2`).set(viewer.auth);
    expect(one.body.changedBy).toEqual({ id: editor.id, displayName: 'Eddie Editor' });
  });

  test('when the author of a version deletes their account, then changedBy is null', async () => {
    const project = await sharedProject();
    await t.http().put(`/api/projects/${project.id}`).set(editor.auth).send({ title: 'Edited' });
    await t.db.query('DELETE FROM users WHERE id = $1', [editor.id]);
    const res = await t.http().get(`/api/projects/${project.id}/versions`).set(owner.auth);
    expect(res.body.data[0].changedBy).toBeNull();
  });
});

describe('membership changes', () => {
  test('when a member is removed, then their next request is 404; when demoted, their next write is 403', async () => {
    const project = await sharedProject();
    const story = await createStory(t, owner, project.id);
    expect((await t.http().get(`/api/projects/${project.id}`).set(viewer.auth)).status).toBe(200);
    await t.db.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [
      project.id,
      viewer.id,
    ]);
    expect((await t.http().get(`/api/projects/${project.id}`).set(viewer.auth)).status).toBe(404);
    expect((await t.http().get(`/api/stories/${story.id}`).set(viewer.auth)).status).toBe(404);
    expect((await list(viewer)).body.data).toEqual([]);

    await addMember(t, project, editor, 'viewer');
    const write = await t.http().put(`/api/stories/${story.id}`).set(editor.auth).send({ title: 'No' });
    expectProblem(write, 403, 'FORBIDDEN');
  });
});

describe('POST /api/templates from a shared project', () => {
  test('when a member makes a template of a shared project, then it is 403; the owner may, a stranger gets 404', async () => {
    const project = await sharedProject();
    const send = (user: TestUser) =>
      t.http().post('/api/templates').set(user.auth).send({ title: 'T', fromProjectId: project.id });
    expectProblem(await send(editor), 403, 'FORBIDDEN');
    expectProblem(await send(viewer), 403, 'FORBIDDEN');
    expectProblem(await send(stranger), 404, 'NOT_FOUND');
    expect((await send(owner)).status).toBe(201);
  });
});

describe('a transfer while a member writes', () => {
  // Needs two connections at once: on the embedded database transactions run one after the other.
  const onPostgres = process.env.DATABASE_URL ? test : test.skip;

  onPostgres(
    "when the project changes owner while an editor's write waits for the owner's row, then it runs again under the new owner's limit",
    async () => {
      const project = await sharedProject();
      const heir = await createUser(t);
      // The heir's storage is nearly full: the write must be judged by their limit, not the old owner's.
      await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [heir.id, LIMIT - 5]);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      // A transfer (as the sharing module does it): it holds the old owner's row, then moves the project.
      const transfer = t.db.transaction(async (tx) => {
        await tx.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [owner.id]);
        locked();
        await released;
        await tx.query('UPDATE projects SET user_id = $2 WHERE id = $1', [project.id, heir.id]);
      });
      await isLocked;
      const write = t
        .http()
        .post('/api/stories')
        .set(editor.auth)
        .send({ projectId: project.id, title: 'During the transfer', content: 'Hello there' })
        .then((res) => res);
      // The write has read the old owner and now waits for that owner's row.
      for (let i = 0; i < 200; i++) {
        const { rows } = await t.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        if (rows[0].n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      release();
      await transfer;

      expectProblem(await write, 403, 'STORAGE_QUOTA_EXCEEDED');
      const count = await t.db.query('SELECT count(*)::int AS n FROM stories WHERE project_id = $1', [
        project.id,
      ]);
      expect(count.rows[0].n).toBe(0);
      expect(await storageUsed(t, heir.id)).toBe(LIMIT - 5);
      expect(await storageUsed(t, owner.id)).toBe(await storedBytesOfRows(t, owner.id));

      // With room, the same write by the editor lands in the heir's project, under the heir's id.
      await t.db.query('UPDATE users SET storage_used_bytes = 0 WHERE id = $1', [heir.id]);
      const res = await t
        .http()
        .post('/api/stories')
        .set(editor.auth)
        .send({ projectId: project.id, title: 'After', content: 'Hello there' });
      expect(res.status).toBe(201);
      const row = await t.db.query('SELECT user_id FROM stories WHERE id = $1', [res.body.id]);
      expect(row.rows[0].user_id).toBe(heir.id);
    },
  );
});
