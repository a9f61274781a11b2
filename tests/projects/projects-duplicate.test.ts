import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type TestUser } from '../helpers/factories';

// The failing copies below are 500s by design; their log lines stay in memory.
const t = useTestApp({ captureLogs: true, validateResponses: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

const rowCounts = async (userId: string) => {
  const { rows } = await t.db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM projects WHERE user_id = $1) AS projects,
            (SELECT count(*)::int FROM stories WHERE user_id = $1) AS stories,
            (SELECT count(*)::int FROM project_versions v JOIN projects p ON p.id = v.project_id
              WHERE p.user_id = $1) AS versions,
            (SELECT count(*)::int FROM analytics_events WHERE user_id = $1) AS events`,
    [userId],
  );
  return rows[0];
};

describe('POST /api/projects/:id/duplicate', () => {
  test('when a project with stories is duplicated, then a deep copy titled "<title> (copy)" starts at version 1', async () => {
    const source = await createProject(t, user, {
      title: 'Farm',
      description: 'Cows',
      category: 'animals',
      status: 'completed',
      tags: ['farm'],
      settings: { pageSize: 'a4' },
    });
    await t.http().put(`/api/projects/${source.id}`).set(user.auth).send({ description: 'Cows and pigs' });
    const first = await createStory(t, user, source.id, {
      title: 'Cow',
      content: 'Moo moo',
      imagePrompts: ['a cow'],
      position: 1,
      metadata: { mood: 'calm' },
    });
    const second = await createStory(t, user, source.id, { title: 'Pig', position: 2 });

    const res = await t.http().post(`/api/projects/${source.id}/duplicate`).set(user.auth);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/projects/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      title: 'Farm (copy)',
      description: 'Cows and pigs',
      category: 'animals',
      status: 'completed',
      tags: ['farm'],
      settings: { pageSize: 'a4' },
      coverImageId: null,
      version: 1,
      counts: { stories: 2, images: 0, drawings: 0 },
    });
    expect(res.body.id).not.toBe(source.id);

    const copy = await t.http().get(`/api/projects/${res.body.id}?include=stories`).set(user.auth);
    expect(copy.body.stories).toEqual([
      {
        ...first,
        id: expect.any(String),
        projectId: res.body.id,
        updatedAt: expect.any(String),
      },
      { ...second, id: expect.any(String), projectId: res.body.id, updatedAt: expect.any(String) },
    ]);
    const copiedIds = copy.body.stories.map((s: { id: string }) => s.id);
    expect(copiedIds).not.toContain(first.id);
    expect(copiedIds).not.toContain(second.id);

    const versions = await t.http().get(`/api/projects/${res.body.id}/versions`).set(user.auth);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([1]);
    const original = await t.http().get(`/api/projects/${source.id}?include=stories`).set(user.auth);
    expect(original.body).toMatchObject({ title: 'Farm', version: 2, counts: { stories: 2 } });
    expect(original.body.stories.map((s: { id: string }) => s.id)).toEqual([first.id, second.id]);

    const events = await t.db.query(`SELECT type, properties FROM analytics_events WHERE project_id = $1`, [
      res.body.id,
    ]);
    expect(events.rows).toEqual([{ type: 'project.created', properties: { duplicatedFrom: source.id } }]);
  });

  test('when a title is given, then the copy takes it', async () => {
    const source = await createProject(t, user, { title: 'Farm' });
    const res = await t
      .http()
      .post(`/api/projects/${source.id}/duplicate`)
      .set(user.auth)
      .send({ title: 'My own farm' });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('My own farm');
  });

  test('when the title is 200 characters, then the default copy title is shortened to fit', async () => {
    const source = await createProject(t, user, { title: 'x'.repeat(200) });
    const res = await t.http().post(`/api/projects/${source.id}/duplicate`).set(user.auth);
    expect(res.status).toBe(201);
    expect(res.body.title).toBe(`${'x'.repeat(193)} (copy)`);
  });

  test.each([
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ stories: false }, 'stories'],
  ])('when the body is %j, then it answers 400', async (body, path) => {
    const source = await createProject(t, user);
    const res = await t.http().post(`/api/projects/${source.id}/duplicate`).set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  test('when the project does not exist, then it answers 404', async () => {
    const res = await t.http().post(`/api/projects/${crypto.randomUUID()}/duplicate`).set(user.auth);
    expect(res.status).toBe(404);
  });

  test('when copying a story fails half-way, then nothing of the copy is left behind', async () => {
    const source = await createProject(t, user, { title: 'Doomed' });
    await createStory(t, user, source.id, { title: 'fine', position: 1 });
    await createStory(t, user, source.id, { title: 'explodes when copied', position: 2 });
    // A real failure in the database: a trigger of this test's own database refuses the second copy.
    await t.db.exec(`
      CREATE FUNCTION test_refuse_copy() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'explodes when copied' THEN RAISE EXCEPTION 'copy refused by the test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_copy BEFORE INSERT ON stories FOR EACH ROW EXECUTE FUNCTION test_refuse_copy();
    `);
    try {
      const before = await rowCounts(user.id);
      const res = await t.http().post(`/api/projects/${source.id}/duplicate`).set(user.auth);
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('INTERNAL');
      expect(JSON.stringify(res.body)).not.toMatch(/copy refused|INSERT|stories/);
      expect(await rowCounts(user.id)).toEqual(before);
      const titles = await t.db.query('SELECT title FROM projects WHERE user_id = $1 AND title LIKE $2', [
        user.id,
        'Doomed%',
      ]);
      expect(titles.rows).toEqual([{ title: 'Doomed' }]);
    } finally {
      await t.db.exec('DROP TRIGGER test_refuse_copy ON stories; DROP FUNCTION test_refuse_copy();');
    }
  });
});
