import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type Project, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

const count = async (sql: string, params: unknown[]) =>
  (await t.db.query<{ n: number }>(sql, params)).rows[0].n;

describe('POST /api/stories', () => {
  test('when the body is valid, then it answers 201 with the story, its word count, Location, ETag and an event', async () => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .send({
        projectId: project.id,
        title: ' The brave cow ',
        content: 'Once upon a time, a well-known cow jumped.',
        imagePrompts: ['a cow jumping over the moon', ' line art '],
        metadata: { ageGroup: '3-5' },
      });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/stories/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      projectId: project.id,
      title: 'The brave cow',
      content: 'Once upon a time, a well-known cow jumped.',
      imagePrompts: ['a cow jumping over the moon', 'line art'],
      wordCount: 8,
      position: 0,
      metadata: { ageGroup: '3-5' },
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const events = await t.db.query(
      `SELECT type, project_id AS "projectId", properties FROM analytics_events WHERE type = 'story.created' AND user_id = $1`,
      [user.id],
    );
    expect(events.rows).toContainEqual({
      type: 'story.created',
      projectId: project.id,
      properties: { storyId: res.body.id },
    });
    const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(after.body.counts.stories).toBe(1);
  });

  test('when no position is given, then each new story goes after the last one', async () => {
    const project = await createProject(t, user);
    const a = await createStory(t, user, project.id);
    const b = await createStory(t, user, project.id, { position: 10 });
    const c = await createStory(t, user, project.id);
    expect([a.position, b.position, c.position]).toEqual([0, 10, 11]);
    expect(c).toMatchObject({ content: '', imagePrompts: [], metadata: {}, wordCount: 0 });
  });

  test('when content is exactly 100,000 characters, then it is accepted', async () => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .send({ projectId: project.id, title: 'Long', content: 'word '.repeat(20_000) });
    expect(res.status).toBe(201);
    expect(res.body.wordCount).toBe(20_000);
  });

  test.each([
    ['no projectId', { projectId: undefined, title: 'x' }, 'projectId'],
    ['a malformed projectId', { projectId: 'nope', title: 'x' }, 'projectId'],
    ['no title', {}, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['content of 100,001 characters', { title: 'x', content: 'x'.repeat(100_001) }, 'content'],
    ['51 image prompts', { title: 'x', imagePrompts: Array.from({ length: 51 }, () => 'p') }, 'imagePrompts'],
    ['a 2,001-character prompt', { title: 'x', imagePrompts: ['p'.repeat(2001)] }, 'imagePrompts.0'],
    ['an empty prompt', { title: 'x', imagePrompts: [' '] }, 'imagePrompts.0'],
    ['a negative position', { title: 'x', position: -1 }, 'position'],
    ['a position over 1,000,000', { title: 'x', position: 1_000_001 }, 'position'],
    ['a fractional position', { title: 'x', position: 1.5 }, 'position'],
    ['metadata over 16 KB', { title: 'x', metadata: { a: 'x'.repeat(16 * 1024) } }, 'metadata'],
    ['metadata that is a string', { title: 'x', metadata: 'x' }, 'metadata'],
  ])(
    'when the body has %s, then it answers 400 naming the field and creates nothing',
    async (_n, body, path) => {
      const project = await createProject(t, user);
      const res = await t
        .http()
        .post('/api/stories')
        .set(user.auth)
        .send({ projectId: project.id, ...body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await count('SELECT count(*)::int AS n FROM stories WHERE project_id = $1', [project.id])).toBe(
        0,
      );
    },
  );

  test.each([
    ['id', crypto.randomUUID()],
    ['userId', crypto.randomUUID()],
    ['wordCount', 3],
    ['version', 2],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
    ['updatedAt', '2020-01-01T00:00:00.000Z'],
  ])('when the body sets %s, then it answers 400 (mass assignment)', async (field, value) => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .send({ projectId: project.id, title: 'x', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: field, message: 'is not allowed' }]);
  });

  test('when the project does not exist, then it answers 404 and creates nothing', async () => {
    const res = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .send({ projectId: crypto.randomUUID(), title: 'Orphan' });
    expect(res.status).toBe(404);
    expect(await count('SELECT count(*)::int AS n FROM stories WHERE title = $1', ['Orphan'])).toBe(0);
  });
});

describe('GET /api/stories', () => {
  let project: Project;
  let other: Project;
  let listOwner: TestUser;
  const order: string[] = [];

  beforeAll(async () => {
    const owner = await createUser(t);
    listOwner = owner;
    project = await createProject(t, owner);
    other = await createProject(t, owner);
    const specs: Array<[string, number, string]> = [
      ['late second', 2, '2024-01-05'],
      ['tie older', 1, '2024-01-01'],
      ['tie newer', 1, '2024-01-03'],
      ['first', 0, '2024-01-09'],
    ];
    const byTitle: Record<string, string> = {};
    for (const [title, position, createdAt] of specs) {
      const story = await createStory(t, owner, project.id, { title, position });
      await t.db.query('UPDATE stories SET created_at = $2 WHERE id = $1', [
        story.id,
        `${createdAt}T00:00:00Z`,
      ]);
      byTitle[title] = story.id;
    }
    await createStory(t, owner, other.id, { title: 'elsewhere', position: 0 });
    order.push(byTitle['first'], byTitle['tie older'], byTitle['tie newer'], byTitle['late second']);
  });

  const owner = () => listOwner;

  test('when filtered by projectId, then its stories come by position, then createdAt', async () => {
    const res = await t.http().get('/api/stories').query({ projectId: project.id }).set(owner().auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual(order);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 4, totalPages: 1 });
  });

  test('when no projectId is given, then every story of the caller is listed', async () => {
    const res = await t.http().get('/api/stories').set(owner().auth);
    expect(res.body.pagination.total).toBe(5);
    expect(res.body.data.map((s: { title: string }) => s.title)).toContain('elsewhere');
  });

  test('when paging, then the last page holds the rest and a page past the end is empty', async () => {
    const last = await t
      .http()
      .get('/api/stories')
      .query({ projectId: project.id, limit: 3, page: 2 })
      .set(owner().auth);
    expect(last.body.data.map((s: { id: string }) => s.id)).toEqual([order[3]]);
    expect(last.body.pagination).toEqual({ page: 2, limit: 3, total: 4, totalPages: 2 });
    const past = await t
      .http()
      .get('/api/stories')
      .query({ projectId: project.id, limit: 3, page: 3 })
      .set(owner().auth);
    expect(past.body).toEqual({ data: [], pagination: { page: 3, limit: 3, total: 4, totalPages: 2 } });
  });

  test('when a project has no stories, then the list is empty with totalPages 0', async () => {
    const empty = await createProject(t, owner());
    const res = await t.http().get('/api/stories').query({ projectId: empty.id }).set(owner().auth);
    expect(res.body).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } });
  });

  test.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ page: 0 }, 'page'],
    [{ projectId: 'nope' }, 'projectId'],
    [{ sort: 'title' }, 'sort'],
  ])('when the query is %j, then it answers 400', async (query, path) => {
    const res = await t.http().get('/api/stories').query(query).set(owner().auth);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  test('when projectId names no project, then it answers 404', async () => {
    const res = await t
      .http()
      .get('/api/stories')
      .query({ projectId: crypto.randomUUID() })
      .set(owner().auth);
    expect(res.status).toBe(404);
  });
});

describe('GET, PUT and DELETE /api/stories/:id', () => {
  test('when the story is read, then it answers it with its ETag', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    const res = await t.http().get(`/api/stories/${story.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual(story);
    expect((await t.http().get('/api/stories/nope').set(user.auth)).status).toBe(400);
    expect((await t.http().get(`/api/stories/${crypto.randomUUID()}`).set(user.auth)).status).toBe(404);
  });

  test('when content changes, then the word count follows and the version goes up', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id, { content: 'one two', imagePrompts: ['p'] });
    const res = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(user.auth)
      .set('If-Match', '"1"')
      .send({ content: 'one two three, four!', position: 7 });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      content: 'one two three, four!',
      wordCount: 4,
      position: 7,
      imagePrompts: ['p'],
      title: story.title,
      version: 2,
    });
    const titleOnly = await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ title: 'New' });
    expect(titleOnly.body).toMatchObject({ title: 'New', wordCount: 4, version: 3 });
  });

  test('when projectId names another project of the caller, then the story moves there', async () => {
    const from = await createProject(t, user);
    const to = await createProject(t, user);
    const story = await createStory(t, user, from.id);
    const res = await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ projectId: to.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projectId: to.id, version: 2 });
    expect((await t.http().get(`/api/projects/${from.id}`).set(user.auth)).body.counts.stories).toBe(0);
    expect((await t.http().get(`/api/projects/${to.id}`).set(user.auth)).body.counts.stories).toBe(1);
  });

  test('when projectId names no project, then it answers 404 and the story stays', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    const res = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(user.auth)
      .send({ projectId: crypto.randomUUID() });
    expect(res.status).toBe(404);
    expect((await t.http().get(`/api/stories/${story.id}`).set(user.auth)).body).toEqual(story);
  });

  test('when If-Match is stale, then it answers 412 and changes nothing', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id, { content: 'before' });
    const res = await t
      .http()
      .put(`/api/stories/${story.id}`)
      .set(user.auth)
      .set('If-Match', '"3"')
      .send({ content: 'after' });
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 1 });
    expect(res.headers.etag).toBe('"1"');
    expect((await t.http().get(`/api/stories/${story.id}`).set(user.auth)).body).toEqual(story);
  });

  test('when two PUTs race with the same If-Match, then exactly one answers 200 and the other 412', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    const results = await Promise.all(
      ['left', 'right'].map((title) =>
        t.http().put(`/api/stories/${story.id}`).set(user.auth).set('If-Match', '"1"').send({ title }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const current = await t.http().get(`/api/stories/${story.id}`).set(user.auth);
    expect(current.body).toMatchObject({
      version: 2,
      title: results.find((r) => r.status === 200)!.body.title,
    });
  });

  test.each([
    [{}, undefined],
    [{ id: crypto.randomUUID() }, 'id'],
    [{ wordCount: 1 }, 'wordCount'],
    [{ version: 5 }, 'version'],
    [{ userId: crypto.randomUUID() }, 'userId'],
    [{ content: 'x'.repeat(100_001) }, 'content'],
  ])('when the PUT body is %j, then it answers 400 and changes nothing', async (body, path) => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    const res = await t.http().put(`/api/stories/${story.id}`).set(user.auth).send(body);
    expect(res.status).toBe(400);
    if (path) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await t.http().get(`/api/stories/${story.id}`).set(user.auth)).body.version).toBe(1);
  });

  test('when the story is deleted, then it answers 204 and it is gone; a stale If-Match is 412', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    const stale = await t.http().delete(`/api/stories/${story.id}`).set(user.auth).set('If-Match', '"2"');
    expect(stale.status).toBe(412);
    const res = await t.http().delete(`/api/stories/${story.id}`).set(user.auth).set('If-Match', '"1"');
    expect(res.status).toBe(204);
    expect((await t.http().get(`/api/stories/${story.id}`).set(user.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/stories/${story.id}`).set(user.auth)).status).toBe(404);
    expect((await t.http().get(`/api/projects/${project.id}`).set(user.auth)).body.counts.stories).toBe(0);
  });
});
