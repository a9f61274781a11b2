/**
 * `include` embeds at most 200 of each kind (security review, "Hardening" finding 2): 30 concurrent reads
 * of a project with thousands of children each held all of them in memory. The project's `counts` tell a
 * client that there are more; the list routes page through them. Before the cap, the embedded lists here
 * had 205 entries.
 */
import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });
const CHILDREN = 205;

/** Adds `CHILDREN` stories, images and drawings straight into the database (the API would take minutes). */
async function seedChildren(user: TestUser, projectId: string): Promise<void> {
  await t.db.query(
    `INSERT INTO stories (user_id, project_id, title, position)
     SELECT $1, $2, 'Story ' || n, n FROM generate_series(1, $3::int) AS n`,
    [user.id, projectId, CHILDREN],
  );
  const tag = crypto.randomBytes(4).toString('hex');
  await t.db.query(
    `INSERT INTO images (user_id, project_id, mime_type, width, height, size_bytes, sha256, position,
                         storage_key, thumbnail_key)
     SELECT $1::uuid, $2, 'image/png', 1, 1, 0, repeat('0', 64), n,
            format('images/%s/%s-%s.png', $1::text, $4::text, n),
            format('images/%s/%s-%s.t.png', $1::text, $4::text, n)
       FROM generate_series(1, $3::int) AS n`,
    [user.id, projectId, CHILDREN, tag],
  );
  await t.db.query(
    `INSERT INTO drawings (user_id, project_id, data, width, height)
     SELECT $1, $2, '{}'::jsonb, 10, 10 FROM generate_series(1, $3::int)`,
    [user.id, projectId, CHILDREN],
  );
}

describe('include', () => {
  test('when a project has more than 200 of each kind, then include embeds the first 200 of each and counts tell the rest', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await seedChildren(user, project.id);
    const res = await t
      .http()
      .get(`/api/projects/${project.id}?include=stories,images,drawings`)
      .set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ stories: CHILDREN, images: CHILDREN, drawings: CHILDREN });
    expect(res.body.stories).toHaveLength(200);
    expect(res.body.images).toHaveLength(200);
    expect(res.body.drawings).toHaveLength(200);
    // The first 200 in list order: the list route's first pages hold the same ones, and the rest after.
    expect(res.body.stories[0].title).toBe('Story 1');
    expect(res.body.stories[199].title).toBe('Story 200');
    const page3 = await t.http().get(`/api/stories?projectId=${project.id}&page=3&limit=100`).set(user.auth);
    expect(page3.body.data.map((s: { title: string }) => s.title)).toEqual([
      'Story 201',
      'Story 202',
      'Story 203',
      'Story 204',
      'Story 205',
    ]);
  });

  test('when a template is made from a project with more stories than a template holds, then it is still a 400', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await seedChildren(user, project.id);
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: 'T', fromProjectId: project.id });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'fromProjectId' })]);
  });
});
