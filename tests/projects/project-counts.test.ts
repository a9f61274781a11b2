/**
 * A project's `counts` are stored on its row (migration 0016, ADR 0019) and moved by triggers in the
 * transaction of every write that adds, removes or moves a child. These tests drive every such path
 * through the API (and one through SQL, as an operator or a future import would write), and after each
 * compare what the API answers with the rows and with `npm run db:check`'s consistency check.
 */
import { consistencyProblems } from '../../src/db/consistency';
import { useTestApp } from '../helpers/app';
import {
  addMember,
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';

const t = useTestApp({ validateResponses: true });

async function realCounts(projectId: string) {
  const { rows } = await t.db.query<{ stories: number; images: number; drawings: number }>(
    `SELECT (SELECT count(*)::int FROM stories WHERE project_id = $1) AS stories,
            (SELECT count(*)::int FROM images WHERE project_id = $1) AS images,
            (SELECT count(*)::int FROM drawings WHERE project_id = $1) AS drawings`,
    [projectId],
  );
  return rows[0];
}

/** The counts of GET /api/projects/:id and of the list, which must agree with each other and the rows. */
async function expectCounts(user: TestUser, projectId: string, expected: Record<string, number>) {
  const one = await t.http().get(`/api/projects/${projectId}`).set(user.auth).expect(200);
  expect(one.body.counts).toEqual(expected);
  const list = await t.http().get('/api/projects').query({ limit: 100 }).set(user.auth).expect(200);
  expect(list.body.data.find((p: { id: string }) => p.id === projectId).counts).toEqual(expected);
  expect(await realCounts(projectId)).toEqual(expected);
}

describe('stored project counts', () => {
  test('when children are created, moved, duplicated and deleted, then the stored counts follow every write', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    await expectCounts(user, a.id, { stories: 0, images: 0, drawings: 0 });

    const story = await createStory(t, user, a.id);
    await createStory(t, user, a.id);
    const image = await createImage(t, user, a.id);
    const drawing = await createDrawing(t, user, a.id, {}, await makePng(8, 8));
    await expectCounts(user, a.id, { stories: 2, images: 1, drawings: 1 });

    // Moves: out of a into b, each kind.
    await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ projectId: b.id }).expect(200);
    await t.http().put(`/api/images/${image.id}`).set(user.auth).send({ projectId: b.id }).expect(200);
    await t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).send({ projectId: b.id }).expect(200);
    await expectCounts(user, a.id, { stories: 1, images: 0, drawings: 0 });
    await expectCounts(user, b.id, { stories: 1, images: 1, drawings: 1 });

    // An edit that does not move (the row trigger's WHEN keeps it out) changes nothing.
    await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ title: 'Renamed' }).expect(200);
    await expectCounts(user, b.id, { stories: 1, images: 1, drawings: 1 });

    // A duplicate copies the children in bulk (statement triggers count them once per statement).
    const copy = await t.http().post(`/api/projects/${b.id}/duplicate`).set(user.auth).expect(201);
    expect(copy.body.counts).toEqual({ stories: 1, images: 1, drawings: 1 });
    await expectCounts(user, copy.body.id, { stories: 1, images: 1, drawings: 1 });

    // Deletes, one by one and with the project (the cascade finds no project row to count).
    await t.http().delete(`/api/stories/${story.id}`).set(user.auth).expect(204);
    await t.http().delete(`/api/images/${image.id}`).set(user.auth).expect(204);
    await expectCounts(user, b.id, { stories: 0, images: 0, drawings: 1 });
    await t.http().delete(`/api/projects/${copy.body.id}`).set(user.auth).expect(204);
    expect(await consistencyProblems(t.db)).toEqual([]);
  });

  test('when a project is transferred and its old owner deletes the account, then the counts stay right', async () => {
    const owner = await createUser(t);
    const heir = await createUser(t);
    const project = await createProject(t, owner);
    const kept = await createProject(t, owner);
    await createStory(t, owner, project.id);
    await createImage(t, owner, project.id);
    await createStory(t, owner, kept.id);
    await addMember(t, project, heir, 'editor');

    await t
      .http()
      .post(`/api/projects/${project.id}/transfer`)
      .set(owner.auth)
      .send({ userId: heir.id })
      .expect(200);
    await expectCounts(heir, project.id, { stories: 1, images: 1, drawings: 0 });
    await createStory(t, heir, project.id);
    await expectCounts(heir, project.id, { stories: 2, images: 1, drawings: 0 });

    await t.http().delete('/api/users/me').set(owner.auth).send({ password: owner.password }).expect(204);
    await expectCounts(heir, project.id, { stories: 2, images: 1, drawings: 0 });
    expect(await consistencyProblems(t.db)).toEqual([]);
  });

  test('when rows are written by SQL (an operator, an import), then the triggers count them too', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    await t.db.query(
      `INSERT INTO stories (user_id, project_id, title, content, position)
       SELECT $1, p.id, 'Bulk ' || n, 'text', n FROM (VALUES ($2::uuid), ($3::uuid)) AS p (id)
       CROSS JOIN generate_series(1, 3) AS n`,
      [user.id, a.id, b.id],
    );
    await expectCounts(user, a.id, { stories: 3, images: 0, drawings: 0 });
    // One statement moving rows both ways at once.
    await t.db.query(
      `UPDATE stories SET project_id = CASE WHEN project_id = $1 THEN $2::uuid ELSE $1::uuid END
        WHERE id IN (SELECT id FROM stories WHERE project_id = $1 ORDER BY position LIMIT 2)
           OR id IN (SELECT id FROM stories WHERE project_id = $2 ORDER BY position LIMIT 1)`,
      [a.id, b.id],
    );
    await expectCounts(user, a.id, { stories: 2, images: 0, drawings: 0 });
    await expectCounts(user, b.id, { stories: 4, images: 0, drawings: 0 });
    await t.db.query('DELETE FROM stories WHERE project_id IN ($1, $2)', [a.id, b.id]);
    await expectCounts(user, b.id, { stories: 0, images: 0, drawings: 0 });
    expect(await consistencyProblems(t.db)).toEqual([]);
  });

  test('when counting, then the change log holds one project row per write, not a second one for the count', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const before = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_changes WHERE kind = 'project' AND resource_id = $1`,
      [project.id],
    );
    await createStory(t, user, project.id);
    const after = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync_changes WHERE kind = 'project' AND resource_id = $1`,
      [project.id],
    );
    expect(after.rows[0].n - before.rows[0].n).toBe(1);
    // Nor does the count move the version (If-Match stays valid) or updated_at.
    const got = await t.http().get(`/api/projects/${project.id}`).set(user.auth).expect(200);
    expect(got.body.version).toBe(project.version);
    expect(got.body.updatedAt).toBe(project.updatedAt);
  });

  test('when children are created, moved and deleted in two projects at once, then no write fails and the counts are exact', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    const inA = await Promise.all([1, 2, 3].map(() => createStory(t, user, a.id)));
    const inB = await Promise.all([1, 2, 3].map(() => createStory(t, user, b.id)));
    const answers = await Promise.all([
      // Opposite moves: a → b and b → a (the row trigger locks both projects in id order).
      ...inA.map((s) => t.http().put(`/api/stories/${s.id}`).set(user.auth).send({ projectId: b.id })),
      ...inB.map((s) => t.http().put(`/api/stories/${s.id}`).set(user.auth).send({ projectId: a.id })),
      ...[a, b, a, b].map((p) =>
        t.http().post('/api/stories').set(user.auth).send({ projectId: p.id, title: 'Raced', content: 'x' }),
      ),
      t
        .http()
        .post('/api/images')
        .set(user.auth)
        .field('projectId', a.id)
        .attach('file', await makePng(8, 8), 'p.png'),
    ]);
    expect(answers.map((r) => r.status).filter((s) => s >= 500)).toEqual([]);
    await expectCounts(user, a.id, await realCounts(a.id));
    expect(await realCounts(a.id)).toEqual({ stories: 5, images: 1, drawings: 0 });
    expect(await realCounts(b.id)).toEqual({ stories: 5, images: 0, drawings: 0 });
    expect(await consistencyProblems(t.db)).toEqual([]);
  }, 30_000);
});
