import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

const count = async (sql: string, params: unknown[]) =>
  (await t.db.query<{ n: number }>(sql, params)).rows[0].n;

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

describe('POST /api/projects', () => {
  test('when the body is valid, then it answers 201 with a draft at version 1, Location, ETag and a recorded event', async () => {
    const res = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({
        title: '  Ocean animals ',
        description: 'Whales and friends',
        category: 'animals',
        tags: ['sea', 'kids'],
        settings: { pageSize: 'letter' },
      });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/projects/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      ownerId: user.id,
      role: 'owner',
      title: 'Ocean animals',
      description: 'Whales and friends',
      category: 'animals',
      status: 'draft',
      tags: ['sea', 'kids'],
      settings: { pageSize: 'letter' },
      coverImageId: null,
      version: 1,
      counts: { stories: 0, images: 0, drawings: 0 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const events = await t.db.query(
      `SELECT type, source FROM analytics_events WHERE user_id = $1 AND project_id = $2`,
      [user.id, res.body.id],
    );
    expect(events.rows).toEqual([{ type: 'project.created', source: 'server' }]);
  });

  test('when only a title is given, then the other fields take their defaults', async () => {
    const res = await t.http().post('/api/projects').set(user.auth).send({ title: 'Bare' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      description: null,
      category: null,
      status: 'draft',
      tags: [],
      settings: {},
    });
  });

  test('when a status is given, then the project starts with it', async () => {
    const res = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({ title: 'Started', status: 'in_progress' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('in_progress');
  });

  test('when settings are exactly 64 KB of JSON, then they are accepted', async () => {
    const settings = { blob: 'x'.repeat(64 * 1024 - '{"blob":""}'.length) };
    const res = await t.http().post('/api/projects').set(user.auth).send({ title: 'Big', settings });
    expect(res.status).toBe(201);
  });

  test.each([
    ['no title', {}, 'title'],
    ['an empty title', { title: '   ' }, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['a 5,001-character description', { title: 'ok', description: 'x'.repeat(5001) }, 'description'],
    ['a 51-character category', { title: 'ok', category: 'x'.repeat(51) }, 'category'],
    ['an unknown status', { title: 'ok', status: 'published' }, 'status'],
    ['21 tags', { title: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['a 41-character tag', { title: 'ok', tags: ['x'.repeat(41)] }, 'tags.0'],
    ['an empty tag', { title: 'ok', tags: [''] }, 'tags.0'],
    ['a repeated tag', { title: 'ok', tags: ['a', 'a'] }, 'tags.1'],
    ['settings that are not an object', { title: 'ok', settings: [1, 2] }, 'settings'],
    ['settings over 64 KB', { title: 'ok', settings: { blob: 'x'.repeat(64 * 1024) } }, 'settings'],
    ['a malformed templateId', { title: 'ok', templateId: 'not-a-uuid' }, 'templateId'],
  ])(
    'when the body has %s, then it answers 400 naming the field and creates nothing',
    async (_name, body, path) => {
      const before = await count('SELECT count(*)::int AS n FROM projects WHERE user_id = $1', [user.id]);
      const res = await t.http().post('/api/projects').set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await count('SELECT count(*)::int AS n FROM projects WHERE user_id = $1', [user.id])).toBe(
        before,
      );
    },
  );

  test.each([
    ['id', crypto.randomUUID()],
    ['userId', crypto.randomUUID()],
    ['version', 7],
    ['counts', { stories: 3, images: 0, drawings: 0 }],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
    ['updatedAt', '2020-01-01T00:00:00.000Z'],
    ['coverImageId', crypto.randomUUID()],
  ])(
    'when the body sets %s, then it answers 400 VALIDATION_ERROR (mass assignment)',
    async (field, value) => {
      const res = await t
        .http()
        .post('/api/projects')
        .set(user.auth)
        .send({ title: 'Sneaky', [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toEqual([{ path: field, message: 'is not allowed' }]);
    },
  );

  test('when there is no token, then it answers 401', async () => {
    const res = await t.http().post('/api/projects').send({ title: 'Anon' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /api/projects/:id', () => {
  test("when the project is the caller's, then it answers it with its ETag and story count", async () => {
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    await createStory(t, user, project.id);
    const res = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({ id: project.id, counts: { stories: 2, images: 0, drawings: 0 } });
    expect(res.body).not.toHaveProperty('stories');
  });

  test('when include=stories, then its stories are embedded in position order', async () => {
    const project = await createProject(t, user);
    const b = await createStory(t, user, project.id, { title: 'B', position: 5 });
    const a = await createStory(t, user, project.id, { title: 'A', position: 1 });
    const res = await t.http().get(`/api/projects/${project.id}?include=stories`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.stories.map((s: { id: string }) => s.id)).toEqual([a.id, b.id]);
    expect(res.body.stories[0]).toEqual(a);
  });

  test('when include names images and drawings and the project has none, then they are empty lists', async () => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .get(`/api/projects/${project.id}`)
      .query({ include: 'stories,images,drawings' })
      .set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stories: [], images: [], drawings: [] });
  });

  test.each([
    ['include=pages', 'include'],
    ['include=stories,', 'include'],
    ['expand=stories', 'expand'],
  ])('when the query is %s, then it answers 400', async (query, path) => {
    const project = await createProject(t, user);
    const res = await t.http().get(`/api/projects/${project.id}?${query}`).set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  test('when the id is not a UUID, then it answers 400; when no project has it, then 404', async () => {
    const bad = await t.http().get('/api/projects/not-a-uuid').set(user.auth);
    expect(bad.status).toBe(400);
    const missing = await t.http().get(`/api/projects/${crypto.randomUUID()}`).set(user.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  test.each([
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['the max UUID', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'],
    ['a v7 UUID', '019b0f5e-8c3a-7d2e-9a41-3c5e7f9b1d20'],
    ['a v8 UUID', '2489e9ad-2ee2-8e00-8ec9-32d5f69181c0'],
    ['a v6 UUID', '1ec9414c-232a-6b00-b3c8-9f6bdeced846'],
  ])('when the id is %s (any RFC 9562 UUID is well formed), then it answers 404, not 400', async (_, id) => {
    const res = await t.http().get(`/api/projects/${id}`).set(user.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  test.each([
    ['braces', '{019b0f5e-8c3a-7d2e-9a41-3c5e7f9b1d20}'],
    ['no dashes', '019b0f5e8c3a7d2e9a413c5e7f9b1d20'],
    ['a URN', 'urn:uuid:019b0f5e-8c3a-7d2e-9a41-3c5e7f9b1d20'],
  ])('when the id has %s (not the dashed form of the document), then it answers 400', async (_, id) => {
    const res = await t
      .http()
      .get(`/api/projects/${encodeURIComponent(id)}`)
      .set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'id', message: expect.stringMatching(/valid UUID/) }]);
  });
});

describe('PUT /api/projects/:id', () => {
  test('when a subset of fields is sent, then only those change and the version goes up by one', async () => {
    const project = await createProject(t, user, { description: 'keep me', tags: ['a'] });
    const res = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ title: 'Renamed', status: 'completed', settings: { style: 'bold' } });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      title: 'Renamed',
      status: 'completed',
      settings: { style: 'bold' },
      description: 'keep me',
      tags: ['a'],
      version: 2,
    });
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(project.updatedAt).getTime(),
    );
    expect(res.body.createdAt).toBe(project.createdAt);
  });

  test('when description and category are null, then they are cleared', async () => {
    const project = await createProject(t, user, { description: 'x', category: 'y' });
    const res = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ description: null, category: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: null, category: null });
  });

  test('when If-Match names the current version, then it applies', async () => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .set('If-Match', '"1"')
      .send({ title: 'Matched' });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(2);
  });

  test.each([['"7"'], ['W/"0"'], ['"banana"'], ['"99999999999"']])(
    'when If-Match is %s, then it answers 412 VERSION_CONFLICT and changes nothing',
    async (ifMatch) => {
      const project = await createProject(t, user, { title: 'Before' });
      const res = await t
        .http()
        .put(`/api/projects/${project.id}`)
        .set(user.auth)
        .set('If-Match', ifMatch)
        .send({ title: 'After' });
      expect(res.status).toBe(412);
      expect(res.body.code).toBe('VERSION_CONFLICT');
      expect(res.headers.etag).toBe('"1"');
      const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
      expect(after.body).toMatchObject({ title: 'Before', version: 1, updatedAt: project.updatedAt });
      expect(
        await count('SELECT count(*)::int AS n FROM project_versions WHERE project_id = $1', [project.id]),
      ).toBe(1);
    },
  );

  test('when coverImageId is null, then it is accepted; a uuid that is none of its images is 400', async () => {
    const project = await createProject(t, user);
    const ok = await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ coverImageId: null });
    expect(ok.status).toBe(200);
    const bad = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ coverImageId: crypto.randomUUID() });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'coverImageId', message: "must be one of the project's own images" },
    ]);
    const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(after.body).toMatchObject({ version: 2, coverImageId: null });
  });

  test('when the body is empty, then it answers 400', async () => {
    const project = await createProject(t, user);
    const res = await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({});
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  test.each([
    ['id', crypto.randomUUID()],
    ['userId', crypto.randomUUID()],
    ['version', 9],
    ['counts', { stories: 1, images: 1, drawings: 1 }],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
    ['updatedAt', '2020-01-01T00:00:00.000Z'],
  ])('when the body sets %s, then it answers 400 and changes nothing', async (field, value) => {
    const project = await createProject(t, user);
    const res = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ title: 'Changed', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: field, message: 'is not allowed' }]);
    const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(after.body).toMatchObject({ title: project.title, version: 1 });
  });

  test('when the project does not exist, then it answers 404', async () => {
    const res = await t
      .http()
      .put(`/api/projects/${crypto.randomUUID()}`)
      .set(user.auth)
      .send({ title: 'Nobody' });
    expect(res.status).toBe(404);
  });
});

describe('DELETE /api/projects/:id', () => {
  test('when the project has stories and versions, then they all go with it', async () => {
    const project = await createProject(t, user);
    const story = await createStory(t, user, project.id);
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ title: 'v2' });
    const res = await t.http().delete(`/api/projects/${project.id}`).set(user.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await count('SELECT count(*)::int AS n FROM projects WHERE id = $1', [project.id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM stories WHERE project_id = $1', [project.id])).toBe(0);
    expect(
      await count('SELECT count(*)::int AS n FROM project_versions WHERE project_id = $1', [project.id]),
    ).toBe(0);
    expect((await t.http().get(`/api/stories/${story.id}`).set(user.auth)).status).toBe(404);
    expect((await t.http().get(`/api/projects/${project.id}`).set(user.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/projects/${project.id}`).set(user.auth)).status).toBe(404);
  });

  test('when If-Match is stale, then it answers 412 and deletes nothing', async () => {
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    const res = await t.http().delete(`/api/projects/${project.id}`).set(user.auth).set('If-Match', '"2"');
    expect(res.status).toBe(412);
    expect(res.body.code).toBe('VERSION_CONFLICT');
    expect(await count('SELECT count(*)::int AS n FROM stories WHERE project_id = $1', [project.id])).toBe(1);
    const ok = await t.http().delete(`/api/projects/${project.id}`).set(user.auth).set('If-Match', '"1"');
    expect(ok.status).toBe(204);
  });
});
