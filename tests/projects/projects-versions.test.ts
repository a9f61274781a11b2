import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

const put = (id: string, body: Record<string, unknown>, ifMatch?: string) => {
  const req = t.http().put(`/api/projects/${id}`).set(user.auth);
  if (ifMatch) req.set('If-Match', ifMatch);
  return req.send(body);
};

const ALL_FIELDS = ['title', 'description', 'category', 'status', 'tags', 'settings', 'coverImageId'];

describe('project versions', () => {
  test('when a project was changed twice, then its versions list holds 3, newest first, with the changed fields', async () => {
    const project = await createProject(t, user, { title: 'One', tags: ['a'] });
    await put(project.id, { title: 'Two', tags: ['a'] });
    await put(project.id, { status: 'completed', settings: { x: 1 } });
    const res = await t.http().get(`/api/projects/${project.id}/versions`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 3, totalPages: 1 });
    const changedBy = { id: user.id, displayName: user.user.displayName ?? null };
    expect(res.body.data).toEqual([
      { version: 3, createdAt: expect.any(String), changedFields: ['status', 'settings'], changedBy },
      { version: 2, createdAt: expect.any(String), changedFields: ['title'], changedBy },
      { version: 1, createdAt: expect.any(String), changedFields: ALL_FIELDS, changedBy },
    ]);
  });

  test('when the versions list is paged, then pages past the end are empty but the total stays', async () => {
    const project = await createProject(t, user);
    await put(project.id, { title: 'again' });
    const second = await t.http().get(`/api/projects/${project.id}/versions?limit=1&page=2`).set(user.auth);
    expect(second.body.data.map((v: { version: number }) => v.version)).toEqual([1]);
    const past = await t.http().get(`/api/projects/${project.id}/versions?limit=1&page=3`).set(user.auth);
    expect(past.status).toBe(200);
    expect(past.body).toEqual({ data: [], pagination: { page: 3, limit: 1, total: 2, totalPages: 2 } });
    const bad = await t.http().get(`/api/projects/${project.id}/versions?limit=0`).set(user.auth);
    expect(bad.status).toBe(400);
  });

  test('when one version is read, then it answers the fields as they were then', async () => {
    const project = await createProject(t, user, {
      title: 'Original',
      description: 'first',
      tags: ['x'],
      settings: { a: 1 },
    });
    await put(project.id, { title: 'Later', description: null, settings: { a: 2 } });
    const res = await t.http().get(`/api/projects/${project.id}/versions/1`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      version: 1,
      createdAt: expect.any(String),
      changedFields: ALL_FIELDS,
      changedBy: { id: user.id, displayName: user.user.displayName ?? null },
      snapshot: {
        title: 'Original',
        description: 'first',
        category: null,
        status: 'draft',
        tags: ['x'],
        settings: { a: 1 },
        coverImageId: null,
      },
    });
    const v2 = await t.http().get(`/api/projects/${project.id}/versions/2`).set(user.auth);
    expect(v2.body.snapshot).toMatchObject({ title: 'Later', description: null, settings: { a: 2 } });
    expect(v2.body.changedFields).toEqual(['title', 'description', 'settings']);
  });

  test('when the version does not exist or is malformed, then it answers 404 or 400', async () => {
    const project = await createProject(t, user);
    expect((await t.http().get(`/api/projects/${project.id}/versions/2`).set(user.auth)).status).toBe(404);
    expect((await t.http().get(`/api/projects/${project.id}/versions/0`).set(user.auth)).status).toBe(400);
    expect((await t.http().get(`/api/projects/${project.id}/versions/x`).set(user.auth)).status).toBe(400);
    expect((await t.http().get(`/api/projects/${crypto.randomUUID()}/versions`).set(user.auth)).status).toBe(
      404,
    );
  });

  test('when a version is restored, then its fields come back as a new version', async () => {
    const project = await createProject(t, user, { title: 'Keep', tags: ['t'], settings: { s: 1 } });
    await put(project.id, { title: 'Changed', tags: [], status: 'archived' });
    const res = await t
      .http()
      .post(`/api/projects/${project.id}/versions/1/restore`)
      .set(user.auth)
      .set('If-Match', '"2"');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"3"');
    expect(res.body).toMatchObject({
      id: project.id,
      title: 'Keep',
      tags: ['t'],
      status: 'draft',
      settings: { s: 1 },
      version: 3,
    });
    const versions = await t.http().get(`/api/projects/${project.id}/versions`).set(user.auth);
    expect(versions.body.data[0]).toMatchObject({ version: 3, changedFields: ['title', 'status', 'tags'] });
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ title: 'Keep', version: 3 });
  });

  test('when a restore names a stale If-Match, then it answers 412 and changes nothing', async () => {
    const project = await createProject(t, user, { title: 'Keep' });
    await put(project.id, { title: 'Changed' });
    const res = await t
      .http()
      .post(`/api/projects/${project.id}/versions/1/restore`)
      .set(user.auth)
      .set('If-Match', '"1"');
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ title: 'Changed', version: 2 });
  });

  test('when a restore names an unknown version, then it answers 404', async () => {
    const project = await createProject(t, user);
    const res = await t.http().post(`/api/projects/${project.id}/versions/5/restore`).set(user.auth);
    expect(res.status).toBe(404);
  });

  test('when two PUTs race with the same If-Match, then exactly one answers 200 and the other 412', async () => {
    const project = await createProject(t, user, { title: 'Race' });
    const results = await Promise.all([
      put(project.id, { title: 'Left' }, '"1"'),
      put(project.id, { title: 'Right' }, '"1"'),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 412)!;
    expect(loser.body.code).toBe('VERSION_CONFLICT');
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ title: winner.body.title, version: 2 });
    const versions = await t.http().get(`/api/projects/${project.id}/versions`).set(user.auth);
    expect(versions.body.pagination.total).toBe(2);
  });

  test('when two PUTs race without If-Match, then both apply one after the other', async () => {
    const project = await createProject(t, user, { title: 'Race' });
    const results = await Promise.all([
      put(project.id, { status: 'completed' }),
      put(project.id, { tags: ['z'] }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ status: 'completed', tags: ['z'], version: 3 });
  });
});
