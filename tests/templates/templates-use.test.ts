import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createAdmin, createTemplate, createUser, type Template, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let owner: TestUser;
let user: TestUser;
let admin: TestUser;
beforeAll(async () => {
  owner = await createUser(t);
  user = await createUser(t);
  admin = await createAdmin(t);
});

const content = {
  settings: { pageSize: 'a4', ageGroup: '6-8' },
  stories: [
    { title: 'Dawn', content: 'The sun rose over the sea.', imagePrompts: ['sunrise, thick outlines'] },
    { title: 'Noon', content: '', imagePrompts: [] },
    { title: 'Dusk', content: 'Stars came out.', imagePrompts: ['stars', 'moon'] },
  ],
};

const state = async (templateId: string, userId: string) => {
  const { rows } = await t.db.query<Record<string, number>>(
    `SELECT (SELECT use_count FROM templates WHERE id = $1) AS "useCount",
            (SELECT count(*)::int FROM projects WHERE user_id = $2) AS projects,
            (SELECT count(*)::int FROM stories WHERE user_id = $2) AS stories,
            (SELECT count(*)::int FROM analytics_events WHERE user_id = $2 AND type = 'template.used') AS used`,
    [templateId, userId],
  );
  return rows[0];
};

const setPlan = (u: TestUser, plan: string) =>
  t.db.query('UPDATE users SET plan = $2 WHERE id = $1', [u.id, plan]);

/** A public template of `owner` made premium by an admin. */
async function premiumTemplate(): Promise<Template> {
  const template = await createTemplate(t, owner, { isPublic: true, content });
  await t.http().put(`/api/templates/${template.id}`).set(admin.auth).send({ isPremium: true }).expect(200);
  return template;
}

describe('POST /api/templates/:id/use', () => {
  test('when a public template is used, then 201 with a new project holding its content, useCount + 1 and the events', async () => {
    const template = await createTemplate(t, owner, {
      isPublic: true,
      content,
      description: 'A day at sea',
      category: 'nature',
      tags: ['sea'],
    });
    const before = await state(template.id, user.id);
    const res = await t.http().post(`/api/templates/${template.id}/use`).set(user.auth);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/projects/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual({
      id: expect.any(String),
      ownerId: user.id,
      role: 'owner',
      title: template.title,
      description: 'A day at sea',
      category: 'nature',
      status: 'draft',
      tags: ['sea'],
      settings: content.settings,
      coverImageId: null,
      version: 1,
      counts: { stories: 3, images: 0, drawings: 0 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const project = await t.http().get(`/api/projects/${res.body.id}?include=stories`).set(user.auth);
    expect(project.body).toMatchObject({ ...res.body, version: 1 });
    expect(
      project.body.stories.map((s: Record<string, unknown>) => ({
        title: s.title,
        content: s.content,
        imagePrompts: s.imagePrompts,
        position: s.position,
      })),
    ).toEqual(content.stories.map((s, position) => ({ ...s, position })));
    expect(await state(template.id, user.id)).toEqual({
      useCount: before.useCount + 1,
      projects: before.projects + 1,
      stories: before.stories + 3,
      used: before.used + 1,
    });
    const events = await t.db.query(
      `SELECT type, properties FROM analytics_events WHERE project_id = $1 AND type IN ('template.used', 'project.created')
        ORDER BY type`,
      [res.body.id],
    );
    expect(events.rows).toEqual([
      { type: 'project.created', properties: { templateId: template.id } },
      { type: 'template.used', properties: { templateId: template.id } },
    ]);
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(before.useCount + 1);
  });

  test('when a title is given, then the project takes it', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const res = await t
      .http()
      .post(`/api/templates/${template.id}/use`)
      .set(user.auth)
      .send({ title: ' Mine ' });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('Mine');
  });

  test('when the owner uses their own private template, then 201; when someone else does, then 404 and nothing changes', async () => {
    const template = await createTemplate(t, owner, { content });
    expect((await t.http().post(`/api/templates/${template.id}/use`).set(owner.auth)).status).toBe(201);
    const before = await state(template.id, user.id);
    for (const who of [user, admin]) {
      const res = await t.http().post(`/api/templates/${template.id}/use`).set(who.auth);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await state(template.id, user.id)).toEqual(before);
    expect((await t.http().get(`/api/templates/${template.id}`).set(owner.auth)).body.useCount).toBe(1);
  });

  test('when a free user uses a premium template, then 403 PLAN_REQUIRED and nothing is created or counted', async () => {
    const template = await premiumTemplate();
    const before = await state(template.id, user.id);
    const res = await t.http().post(`/api/templates/${template.id}/use`).set(user.auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PLAN_REQUIRED');
    expect(await state(template.id, user.id)).toEqual(before);
  });

  test.each(['pro', 'enterprise'])('when a %s user uses a premium template, then 201', async (plan) => {
    const template = await premiumTemplate();
    const paying = await createUser(t);
    await setPlan(paying, plan);
    const res = await t.http().post(`/api/templates/${template.id}/use`).set(paying.auth);
    expect(res.status).toBe(201);
    expect(res.body.counts.stories).toBe(3);
  });

  test('when the owner of a premium template is on the free plan, then they may still use their own', async () => {
    const template = await premiumTemplate();
    expect((await t.http().post(`/api/templates/${template.id}/use`).set(owner.auth)).status).toBe(201);
  });

  test('when the same Idempotency-Key is sent twice, then one project is made and one use counted', async () => {
    const template = await createTemplate(t, owner, { isPublic: true, content });
    const key = `use-${crypto.randomUUID()}`;
    const first = await t
      .http()
      .post(`/api/templates/${template.id}/use`)
      .set(user.auth)
      .set('Idempotency-Key', key);
    const again = await t
      .http()
      .post(`/api/templates/${template.id}/use`)
      .set(user.auth)
      .set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(1);
  });

  test.each([
    ['an unknown field', { title: 'x', settings: {} }, 'settings'],
    ['an empty title', { title: ' ' }, 'title'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
  ])('when the body has %s, then it answers 400 and nothing is counted', async (_n, body, path) => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const res = await t.http().post(`/api/templates/${template.id}/use`).set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(0);
  });

  test('when no template has the id, then 404; when there is no token, then 401', async () => {
    expect((await t.http().post(`/api/templates/${crypto.randomUUID()}/use`).set(user.auth)).status).toBe(
      404,
    );
    const template = await createTemplate(t, owner, { isPublic: true });
    const anon = await t.http().post(`/api/templates/${template.id}/use`);
    expect(anon.status).toBe(401);
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(0);
  });

  test('when 12 uses run at once, then useCount goes up by exactly 12 and 12 projects exist', async () => {
    const template = await createTemplate(t, owner, { isPublic: true, content });
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser(t)));
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t
          .http()
          .post(`/api/templates/${template.id}/use`)
          .set(users[i % 4].auth)
          .send({ title: `Copy ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(12);
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(12);
    const { rows } = await t.db.query<{ projects: number; stories: number; events: number }>(
      `SELECT count(DISTINCT p.id)::int AS projects, count(s.id)::int AS stories,
              (SELECT count(*)::int FROM analytics_events e
                WHERE e.type = 'template.used' AND e.properties->>'templateId' = $1) AS events
         FROM projects p JOIN stories s ON s.project_id = p.id
        WHERE p.id = ANY($2::uuid[])`,
      [template.id, responses.map((r) => r.body.id)],
    );
    expect(rows[0]).toEqual({ projects: 12, stories: 36, events: 12 });
  });
});

describe('POST /api/projects with templateId', () => {
  test('when templateId is given without a title, then it is a use: the template title, its content, a counted use', async () => {
    const template = await createTemplate(t, owner, { isPublic: true, content, tags: ['sea'] });
    const res = await t.http().post('/api/projects').set(user.auth).send({ templateId: template.id });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/projects/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      title: template.title,
      settings: content.settings,
      tags: ['sea'],
      counts: { stories: 3 },
    });
    expect((await t.http().get(`/api/templates/${template.id}`)).body.useCount).toBe(1);
    const used = await t.db.query(
      `SELECT 1 FROM analytics_events WHERE type = 'template.used' AND project_id = $1`,
      [res.body.id],
    );
    expect(used.rows).toHaveLength(1);
  });

  test("when other fields are given with templateId, then they override the template's", async () => {
    const template = await createTemplate(t, owner, {
      isPublic: true,
      content,
      category: 'nature',
      tags: ['sea'],
    });
    const res = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({
        templateId: template.id,
        title: 'Mine',
        status: 'in_progress',
        category: null,
        tags: [],
        settings: { pageSize: 'letter' },
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Mine',
      status: 'in_progress',
      category: null,
      tags: [],
      settings: { pageSize: 'letter' },
      counts: { stories: 3 },
    });
  });

  test('when templateId names a premium template and the user is on the free plan, then 403 PLAN_REQUIRED', async () => {
    const template = await premiumTemplate();
    const before = await state(template.id, user.id);
    const res = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({ templateId: template.id, title: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PLAN_REQUIRED');
    expect(await state(template.id, user.id)).toEqual(before);
  });

  test("when templateId names someone else's private template or none, then 404 and nothing is created", async () => {
    const template = await createTemplate(t, owner);
    const before = await state(template.id, user.id);
    for (const templateId of [template.id, crypto.randomUUID()]) {
      const res = await t.http().post('/api/projects').set(user.auth).send({ templateId });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await state(template.id, user.id)).toEqual(before);
  });

  test('when neither title nor templateId is given, then it answers 400 naming title', async () => {
    const res = await t.http().post('/api/projects').set(user.auth).send({ description: 'no title' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'title', message: 'is required' }]);
  });

  test('when templateId is not a UUID, then it answers 400 naming templateId', async () => {
    const res = await t.http().post('/api/projects').set(user.auth).send({ templateId: 'nope' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['templateId']);
  });
});
