/**
 * Stored text counts against the storage limit like files do (security review, "Hardening" finding 2):
 * story content, drawing data, project settings and template content, by their UTF-8 bytes. Before
 * migration 0010 a free user could store unlimited text: every test here that expects a 403 or a grown
 * `storageUsedBytes` failed then. After every test each user's use equals what their rows hold
 * (storedBytesOfRows measures the values themselves, not the accounting's columns).
 */
import type request from 'supertest';
import { useTestApp } from '../helpers/app';
import {
  createAdmin,
  createDrawing,
  createProject,
  createStory,
  createTemplate,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { expectProblem, storageUsed, storedBytesOfRows, textBytesOfRows } from '../images/helpers';

const LIMIT = 4_000;
const t = useTestApp({ env: { PLAN_FREE_STORAGE_BYTES: String(LIMIT) }, validateResponses: true });

const users: TestUser[] = [];
async function user(): Promise<TestUser> {
  const created = await createUser(t);
  users.push(created);
  return created;
}

afterEach(async () => {
  for (const u of users.splice(0)) {
    expect(await storageUsed(t, u.id)).toBe(await storedBytesOfRows(t, u.id));
  }
});

const quotaProblem = (res: request.Response) => expectProblem(res, 403, 'STORAGE_QUOTA_EXCEEDED');
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const me = async (u: TestUser) => (await t.http().get('/api/auth/me').set(u.auth)).body;
const count = async (sql: string, params: unknown[]) =>
  (await t.db.query<{ n: number }>(sql, params)).rows[0].n;

describe('what counts', () => {
  test('when a story is written, changed and deleted, then the use follows its content in UTF-8 bytes', async () => {
    const u = await user();
    const project = await createProject(t, u);
    expect((await me(u)).storageUsedBytes).toBe(0); // a project with default settings costs nothing
    const content = 'Ünïcödé 🐙 '.repeat(10);
    const story = await createStory(t, u, project.id, { content });
    expect((await me(u)).storageUsedBytes).toBe(bytes(content));
    await t.http().put(`/api/stories/${story.id}`).set(u.auth).send({ content: 'short' }).expect(200);
    expect((await me(u)).storageUsedBytes).toBe(5);
    await t.http().put(`/api/stories/${story.id}`).set(u.auth).send({ title: 'Renamed' }).expect(200);
    expect((await me(u)).storageUsedBytes).toBe(5);
    await t.http().delete(`/api/stories/${story.id}`).set(u.auth).expect(204);
    expect((await me(u)).storageUsedBytes).toBe(0);
  });

  test('when project settings, drawing data and template content are stored, then they count; deleting the project releases its whole tree', async () => {
    const u = await user();
    const project = await createProject(t, u, { settings: { pageSize: 'letter', style: 'bold' } });
    await createStory(t, u, project.id, { content: 'Once upon a time' });
    await createDrawing(t, u, project.id);
    const template = await createTemplate(t, u, { content: { settings: { a: 1 }, stories: [] } });
    const text = await textBytesOfRows(t, u.id);
    expect(text).toBeGreaterThan(bytes('Once upon a time'));
    expect((await me(u)).storageUsedBytes).toBe(text);

    await t.http().delete(`/api/projects/${project.id}`).set(u.auth).expect(204);
    const templateOnly = await textBytesOfRows(t, u.id);
    expect((await me(u)).storageUsedBytes).toBe(templateOnly);
    await t.http().delete(`/api/templates/${template.id}`).set(u.auth).expect(204);
    expect((await me(u)).storageUsedBytes).toBe(0);
  });

  test('when a project is duplicated, restored or made from a template, then the new text counts too', async () => {
    const u = await user();
    const project = await createProject(t, u, { settings: { v: 1 } });
    await createStory(t, u, project.id, { content: 'abc' });
    const one = (await me(u)).storageUsedBytes;
    await t.http().post(`/api/projects/${project.id}/duplicate`).set(u.auth).expect(201);
    expect((await me(u)).storageUsedBytes).toBe(2 * one);

    await t.http().put(`/api/projects/${project.id}`).set(u.auth).send({ settings: {} }).expect(200);
    await t.http().post(`/api/projects/${project.id}/versions/1/restore`).set(u.auth).expect(200);
    expect((await me(u)).storageUsedBytes).toBe(2 * one);

    const template = await createTemplate(t, u, {
      content: { settings: { w: 'x' }, stories: [{ title: 'T', content: 'hello' }] },
    });
    const withTemplate = (await me(u)).storageUsedBytes;
    await t.http().post(`/api/templates/${template.id}/use`).set(u.auth).send({}).expect(201);
    expect((await me(u)).storageUsedBytes).toBe(withTemplate + bytes('{"w": "x"}') + bytes('hello'));
  });

  test("when an administrator changes a user's template, then the content counts against its owner", async () => {
    const owner = await user();
    const admin = await createAdmin(t);
    users.push(admin);
    const template = await createTemplate(t, owner);
    const before = (await me(owner)).storageUsedBytes;
    const content = { settings: {}, stories: [{ title: 'Added', content: 'x'.repeat(100) }] };
    await t.http().put(`/api/templates/${template.id}`).set(admin.auth).send({ content }).expect(200);
    expect((await me(owner)).storageUsedBytes).toBeGreaterThan(before + 100);
    expect((await me(admin)).storageUsedBytes).toBe(0);
  });
});

describe('the limit', () => {
  test('when a story would pass the limit, then 403 STORAGE_QUOTA_EXCEEDED and nothing is stored; up to the limit exactly is accepted', async () => {
    const u = await user();
    const project = await createProject(t, u);
    const res = await t
      .http()
      .post('/api/stories')
      .set(u.auth)
      .send({ projectId: project.id, title: 'Big', content: 'x'.repeat(LIMIT + 1) });
    quotaProblem(res);
    expect(res.body).toMatchObject({ storageUsedBytes: 0, storageLimitBytes: LIMIT });
    expect(await count('SELECT count(*)::int AS n FROM stories WHERE user_id = $1', [u.id])).toBe(0);
    await createStory(t, u, project.id, { content: 'x'.repeat(LIMIT) });
    expect((await me(u)).storageUsedBytes).toBe(LIMIT);
  });

  test('when a story update would pass the limit, then 403 and the story is unchanged; shrinking always passes', async () => {
    const u = await user();
    const project = await createProject(t, u);
    const story = await createStory(t, u, project.id, { content: 'x'.repeat(3_000) });
    quotaProblem(
      await t
        .http()
        .put(`/api/stories/${story.id}`)
        .set(u.auth)
        .send({ content: 'y'.repeat(LIMIT + 10) }),
    );
    const after = await t.http().get(`/api/stories/${story.id}`).set(u.auth);
    expect(after.body).toMatchObject({ version: 1, content: 'x'.repeat(3_000) });
    // Over the limit (as after a downgrade, here by 5,000 bytes stored elsewhere): smaller writes still
    // pass, growth does not.
    const grow = (by: number) =>
      t.db.query('UPDATE users SET storage_used_bytes = storage_used_bytes + $2 WHERE id = $1', [u.id, by]);
    await grow(5_000);
    const put = (content: string) => t.http().put(`/api/stories/${story.id}`).set(u.auth).send({ content });
    expect((await put('x'.repeat(2_000))).status).toBe(200);
    quotaProblem(await put('x'.repeat(2_001)));
    await grow(-5_000);
  });

  test('when project settings, drawing data or template content would pass the limit, then 403 and nothing changes', async () => {
    const u = await user();
    const project = await createProject(t, u);
    const big = { blob: 'z'.repeat(LIMIT) };
    quotaProblem(await t.http().post('/api/projects').set(u.auth).send({ title: 'P', settings: big }));
    quotaProblem(await t.http().put(`/api/projects/${project.id}`).set(u.auth).send({ settings: big }));
    quotaProblem(
      await t
        .http()
        .post('/api/drawings')
        .set(u.auth)
        .send({ projectId: project.id, data: big, width: 10, height: 10 }),
    );
    quotaProblem(
      await t
        .http()
        .post('/api/templates')
        .set(u.auth)
        .send({ title: 'T', content: { settings: big, stories: [] } }),
    );
    expect(await count('SELECT count(*)::int AS n FROM projects WHERE user_id = $1', [u.id])).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM drawings WHERE user_id = $1', [u.id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM templates WHERE owner_id = $1', [u.id])).toBe(0);
    const after = await t.http().get(`/api/projects/${project.id}`).set(u.auth);
    expect(after.body).toMatchObject({ version: 1, settings: {} });
    expect((await me(u)).storageUsedBytes).toBe(0);
  });

  test('when using a template or duplicating a project would pass the limit, then 403 and nothing is created', async () => {
    const author = await user();
    const template = await createTemplate(t, author, {
      isPublic: true,
      content: { settings: {}, stories: [{ title: 'Long', content: 'w'.repeat(2_500) }] },
    });
    const u = await user();
    const project = await createProject(t, u);
    await createStory(t, u, project.id, { content: 'v'.repeat(2_500) });
    quotaProblem(await t.http().post(`/api/templates/${template.id}/use`).set(u.auth).send({}));
    quotaProblem(await t.http().post('/api/projects').set(u.auth).send({ templateId: template.id }));
    quotaProblem(await t.http().post(`/api/projects/${project.id}/duplicate`).set(u.auth));
    expect(await count('SELECT count(*)::int AS n FROM projects WHERE user_id = $1', [u.id])).toBe(1);
    const read = await t.http().get(`/api/templates/${template.id}`).set(u.auth);
    expect(read.body.useCount).toBe(0);
  });

  test('when stories race for the room left, then exactly as many as fit are kept and the use is exact', async () => {
    const u = await user();
    const project = await createProject(t, u);
    const content = 'r'.repeat(1_000);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t
          .http()
          .post('/api/stories')
          .set(u.auth)
          .send({ projectId: project.id, title: `S${i}`, content }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 403, 403, 403, 403]);
    expect((await me(u)).storageUsedBytes).toBe(LIMIT);
  });

  test('when the account is deleted, then its text goes with it', async () => {
    const u = await createUser(t);
    const project = await createProject(t, u, { settings: { a: 'b' } });
    await createStory(t, u, project.id, { content: 'bye' });
    await createTemplate(t, u);
    await t.http().delete('/api/users/me').set(u.auth).send({ password: u.password }).expect(204);
    expect(await count('SELECT count(*)::int AS n FROM users WHERE id = $1', [u.id])).toBe(0);
  });
});
