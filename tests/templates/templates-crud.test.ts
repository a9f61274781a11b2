import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import {
  createAdmin,
  createProject,
  createStory,
  createTemplate,
  createUser,
  type TestUser,
} from '../helpers/factories';

// A body limit above the 1 MB content limit, so the content's own limit is what refuses a large one.
const t = useTestApp({ validateResponses: true, env: { JSON_BODY_LIMIT: String(4 * 1024 * 1024) } });

const countTemplates = async (ownerId: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM templates WHERE owner_id = $1', [ownerId]))
    .rows[0].n;

let user: TestUser;
let admin: TestUser;
beforeAll(async () => {
  user = await createUser(t);
  admin = await createAdmin(t);
});

const content = {
  settings: { pageSize: 'letter', ageGroup: '4-6' },
  stories: [
    { title: 'The whale', content: 'A whale sang.', imagePrompts: ['a whale'] },
    { title: 'The octopus' },
  ],
};

describe('POST /api/templates', () => {
  test('when the body is valid, then it answers 201 with a private template, Location and zero aggregates', async () => {
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: ' Ocean ', description: 'Sea animals', category: 'animals', tags: ['sea'], content });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/templates/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      ownerId: user.id,
      title: 'Ocean',
      description: 'Sea animals',
      category: 'animals',
      tags: ['sea'],
      isPublic: false,
      isPremium: false,
      content: {
        settings: content.settings,
        stories: [
          { title: 'The whale', content: 'A whale sang.', imagePrompts: ['a whale'] },
          { title: 'The octopus', content: '', imagePrompts: [] },
        ],
      },
      contentLocked: false,
      version: 1,
      ratingAverage: null,
      ratingCount: 0,
      useCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  test('when only a title is given, then the content is empty and the other fields take their defaults', async () => {
    const res = await t.http().post('/api/templates').set(user.auth).send({ title: 'Bare' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      description: null,
      category: null,
      tags: [],
      isPublic: false,
      content: { settings: {}, stories: [] },
    });
  });

  test("when fromProjectId names the caller's project, then its settings and stories are snapshotted in order", async () => {
    const project = await createProject(t, user, { settings: { style: 'bold' } });
    await createStory(t, user, project.id, { title: 'Second', position: 2, imagePrompts: ['p2'] });
    await createStory(t, user, project.id, { title: 'First', position: 1, content: 'Once upon a time' });
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: 'From project', fromProjectId: project.id });
    expect(res.status).toBe(201);
    expect(res.body.content).toEqual({
      settings: { style: 'bold' },
      stories: [
        { title: 'First', content: 'Once upon a time', imagePrompts: [] },
        { title: 'Second', content: '', imagePrompts: ['p2'] },
      ],
    });
    // A snapshot: later changes to the project do not reach the template.
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ settings: {} }).expect(200);
    const again = await t.http().get(`/api/templates/${res.body.id}`).set(user.auth);
    expect(again.body.content.settings).toEqual({ style: 'bold' });
  });

  test("when fromProjectId names someone else's project or none, then it answers 404 and creates nothing", async () => {
    const other = await createUser(t);
    const theirs = await createProject(t, other);
    const before = await countTemplates(user.id);
    for (const id of [theirs.id, crypto.randomUUID()]) {
      const res = await t
        .http()
        .post('/api/templates')
        .set(user.auth)
        .send({ title: 'Stolen', fromProjectId: id });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await countTemplates(user.id)).toBe(before);
  });

  test('when the project has more stories than a template may hold, then it answers 400 naming fromProjectId', async () => {
    const project = await createProject(t, user);
    await t.db.query(
      `INSERT INTO stories (user_id, project_id, title, position)
       SELECT $1, $2, 'S' || g, g FROM generate_series(1, 201) g`,
      [user.id, project.id],
    );
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: 'Too big', fromProjectId: project.id });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'fromProjectId', message: expect.stringContaining('200') }]);
  });

  test('when the project is over 1 MB of content, then it answers 400 naming fromProjectId', async () => {
    const project = await createProject(t, user);
    await t.db.query(
      `INSERT INTO stories (user_id, project_id, title, content, position)
       SELECT $1, $2, 'S' || g, repeat('x', 99000), g FROM generate_series(1, 11) g`,
      [user.id, project.id],
    );
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: 'Too big', fromProjectId: project.id });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'fromProjectId', message: expect.stringContaining('1 MB') }]);
  });

  test.each([
    ['no title', {}, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['a 5,001-character description', { title: 'ok', description: 'x'.repeat(5001) }, 'description'],
    ['a 51-character category', { title: 'ok', category: 'x'.repeat(51) }, 'category'],
    ['21 tags', { title: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    ['a 41-character tag', { title: 'ok', tags: ['x'.repeat(41)] }, 'tags.0'],
    [
      'content and fromProjectId',
      { title: 'ok', content, fromProjectId: crypto.randomUUID() },
      'fromProjectId',
    ],
    ['a malformed fromProjectId', { title: 'ok', fromProjectId: 'nope' }, 'fromProjectId'],
    ['content with an unknown key', { title: 'ok', content: { settings: {}, pages: [] } }, 'content.pages'],
    [
      'a story without a title',
      { title: 'ok', content: { stories: [{ content: 'x' }] } },
      'content.stories.0.title',
    ],
    [
      '201 stories',
      { title: 'ok', content: { stories: Array.from({ length: 201 }, () => ({ title: 's' })) } },
      'content.stories',
    ],
    [
      'settings over 64 KB',
      { title: 'ok', content: { settings: { blob: 'x'.repeat(64 * 1024) } } },
      'content.settings',
    ],
    [
      'a story over 100,000 characters',
      { title: 'ok', content: { stories: [{ title: 's', content: 'x'.repeat(100_001) }] } },
      'content.stories.0.content',
    ],
    ['isPublic that is not a boolean', { title: 'ok', isPublic: 'yes' }, 'isPublic'],
  ])(
    'when the body has %s, then it answers 400 naming the field and creates nothing',
    async (_n, body, path) => {
      const before = await countTemplates(user.id);
      const res = await t.http().post('/api/templates').set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await countTemplates(user.id)).toBe(before);
    },
  );

  test('when content is over 1 MB of JSON (each story within its own limits), then it answers 400 naming content', async () => {
    const stories = Array.from({ length: 11 }, (_, i) => ({ title: `s${i}`, content: 'x'.repeat(99_000) }));
    const before = await countTemplates(user.id);
    const res = await t
      .http()
      .post('/api/templates')
      .set(user.auth)
      .send({ title: 'Huge', content: { stories } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'content', message: 'must be at most 1048576 bytes of JSON' }]);
    expect(await countTemplates(user.id)).toBe(before);
  });

  test.each([
    ['id', crypto.randomUUID()],
    ['ownerId', crypto.randomUUID()],
    ['ratingAverage', 5],
    ['ratingCount', 100],
    ['useCount', 1000],
    ['createdAt', '2020-01-01T00:00:00.000Z'],
    ['updatedAt', '2020-01-01T00:00:00.000Z'],
  ])(
    'when the body sets %s, then it answers 400 VALIDATION_ERROR (mass assignment)',
    async (field, value) => {
      const before = await countTemplates(user.id);
      const res = await t
        .http()
        .post('/api/templates')
        .set(user.auth)
        .send({ title: 'Sneaky', [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ path: field, message: 'is not allowed' }]);
      expect(await countTemplates(user.id)).toBe(before);
    },
  );

  test.each([true, false])(
    'when a non-admin sends isPremium: %s, then it answers 403 FORBIDDEN and creates nothing',
    async (isPremium) => {
      const before = await countTemplates(user.id);
      const res = await t.http().post('/api/templates').set(user.auth).send({ title: 'Premium?', isPremium });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(await countTemplates(user.id)).toBe(before);
    },
  );

  test('when an admin sends isPremium, then the template is premium', async () => {
    const res = await t
      .http()
      .post('/api/templates')
      .set(admin.auth)
      .send({ title: 'Gold', isPremium: true, isPublic: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ isPremium: true, isPublic: true, ownerId: admin.id });
  });

  test('when an admin is demoted, then the next isPremium is refused (the role comes from the database)', async () => {
    const former = await createAdmin(t);
    await t.db.query(`UPDATE users SET role = 'user' WHERE id = $1`, [former.id]);
    const res = await t
      .http()
      .post('/api/templates')
      .set(former.auth)
      .send({ title: 'Gold', isPremium: true });
    expect(res.status).toBe(403);
  });
  test('when the account behind a still-valid token is gone, then a change answers 401', async () => {
    const gone = await createUser(t);
    const template = await createTemplate(t, user, { isPublic: true });
    await t.http().delete('/api/users/me').set(gone.auth).send({ password: gone.password }).expect(204);
    const res = await t.http().put(`/api/templates/${template.id}`).set(gone.auth).send({ title: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /api/templates/:id', () => {
  test('when the template is public, then anyone, also without a token, reads it', async () => {
    const template = await createTemplate(t, user, { isPublic: true, content });
    const other = await createUser(t);
    for (const headers of [{}, other.auth, user.auth]) {
      const res = await t.http().get(`/api/templates/${template.id}`).set(headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(template);
    }
  });

  test('when the template is private, then only its owner and admins read it; others and anonymous get 404', async () => {
    const template = await createTemplate(t, user);
    const other = await createUser(t);
    expect((await t.http().get(`/api/templates/${template.id}`).set(user.auth)).status).toBe(200);
    expect((await t.http().get(`/api/templates/${template.id}`).set(admin.auth)).status).toBe(200);
    for (const headers of [{}, other.auth]) {
      const res = await t.http().get(`/api/templates/${template.id}`).set(headers);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });

  test('when the id is not a UUID, then 400; when no template has it, then 404; when the token is bad, then 401', async () => {
    expect((await t.http().get('/api/templates/nope')).status).toBe(400);
    expect((await t.http().get(`/api/templates/${crypto.randomUUID()}`)).status).toBe(404);
    const template = await createTemplate(t, user, { isPublic: true });
    const bad = await t.http().get(`/api/templates/${template.id}`).set('Authorization', 'Bearer nope');
    expect(bad.status).toBe(401);
  });
});

describe('PUT /api/templates/:id', () => {
  test('when the owner sends a subset of fields, then only those change and updatedAt moves', async () => {
    const template = await createTemplate(t, user, { description: 'keep me', content });
    const res = await t
      .http()
      .put(`/api/templates/${template.id}`)
      .set(user.auth)
      .send({ title: 'Renamed', isPublic: true, content: { stories: [{ title: 'Only' }] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Renamed',
      description: 'keep me',
      isPublic: true,
      content: { settings: {}, stories: [{ title: 'Only', content: '', imagePrompts: [] }] },
    });
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(template.updatedAt).getTime(),
    );
    expect((await t.http().get(`/api/templates/${template.id}`).set(user.auth)).body).toEqual(res.body);
  });

  test('when the body is empty or sets a read-only field, then it answers 400 and changes nothing', async () => {
    const template = await createTemplate(t, user);
    for (const body of [
      {},
      { useCount: 9 },
      { ratingAverage: 5 },
      { ratingCount: 9 },
      { ownerId: admin.id },
      { fromProjectId: crypto.randomUUID() },
    ]) {
      const res = await t.http().put(`/api/templates/${template.id}`).set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await t.http().get(`/api/templates/${template.id}`).set(user.auth)).body).toEqual(template);
  });

  test('when the owner (not an admin) sends isPremium, then it answers 403 and changes nothing', async () => {
    const template = await createTemplate(t, user, { isPublic: true });
    const res = await t
      .http()
      .put(`/api/templates/${template.id}`)
      .set(user.auth)
      .send({ isPremium: true, title: 'Premium now' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect((await t.http().get(`/api/templates/${template.id}`)).body).toEqual(template);
  });

  test("when an admin edits someone's template, including isPremium, then it changes", async () => {
    const template = await createTemplate(t, user);
    const res = await t
      .http()
      .put(`/api/templates/${template.id}`)
      .set(admin.auth)
      .send({ isPremium: true, category: 'moderated' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isPremium: true, category: 'moderated', ownerId: user.id });
  });

  test('when the template does not exist, then it answers 404', async () => {
    const res = await t
      .http()
      .put(`/api/templates/${crypto.randomUUID()}`)
      .set(user.auth)
      .send({ title: 'x' });
    expect(res.status).toBe(404);
  });
});

describe('DELETE /api/templates/:id', () => {
  test('when the owner deletes it, then 204; its ratings go, projects made from it stay', async () => {
    const template = await createTemplate(t, user, { isPublic: true, content });
    const rater = await createUser(t);
    await t
      .http()
      .put(`/api/templates/${template.id}/ratings`)
      .set(rater.auth)
      .send({ rating: 4 })
      .expect(200);
    const used = await t.http().post(`/api/templates/${template.id}/use`).set(rater.auth).expect(201);
    const res = await t.http().delete(`/api/templates/${template.id}`).set(user.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await t.http().get(`/api/templates/${template.id}`).set(user.auth)).status).toBe(404);
    const ratings = await t.db.query('SELECT 1 FROM template_ratings WHERE template_id = $1', [template.id]);
    expect(ratings.rows).toEqual([]);
    expect((await t.http().get(`/api/projects/${used.body.id}`).set(rater.auth)).status).toBe(200);
    expect((await t.http().delete(`/api/templates/${template.id}`).set(user.auth)).status).toBe(404);
  });

  test("when an admin deletes someone's template, then 204", async () => {
    const template = await createTemplate(t, user);
    expect((await t.http().delete(`/api/templates/${template.id}`).set(admin.auth)).status).toBe(204);
    expect(await t.db.query('SELECT 1 FROM templates WHERE id = $1', [template.id])).toMatchObject({
      rows: [],
    });
  });
});
