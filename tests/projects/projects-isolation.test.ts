import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type Project, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let alice: TestUser;
let mallory: TestUser;
let project: Project;

const state = async () => {
  const { rows } = await t.db.query<Record<string, unknown>>(
    `SELECT (SELECT count(*)::int FROM projects) AS projects,
            (SELECT count(*)::int FROM stories) AS stories,
            (SELECT count(*)::int FROM project_versions) AS versions,
            (SELECT max(version) FROM projects WHERE id = $1) AS version,
            (SELECT title FROM projects WHERE id = $1) AS title`,
    [project.id],
  );
  return rows[0];
};

beforeAll(async () => {
  alice = await createUser(t);
  mallory = await createUser(t);
  project = await createProject(t, alice, { title: "Alice's" });
  await createStory(t, alice, project.id);
  await t.http().put(`/api/projects/${project.id}`).set(alice.auth).send({ status: 'completed' });
  await createProject(t, mallory, { title: "Mallory's" });
});

describe("another user's project", () => {
  const routes: Array<[string, string, (id: string) => string, Record<string, unknown> | undefined]> = [
    ['GET', 'get', (id) => `/api/projects/${id}`, undefined],
    ['GET with include', 'get', (id) => `/api/projects/${id}?include=stories,images,drawings`, undefined],
    ['PUT', 'put', (id) => `/api/projects/${id}`, { title: 'Mine now' }],
    ['DELETE', 'delete', (id) => `/api/projects/${id}`, undefined],
    ['POST duplicate', 'post', (id) => `/api/projects/${id}/duplicate`, { title: 'Stolen' }],
    ['GET versions', 'get', (id) => `/api/projects/${id}/versions`, undefined],
    ['GET one version', 'get', (id) => `/api/projects/${id}/versions/1`, undefined],
    ['POST restore', 'post', (id) => `/api/projects/${id}/versions/1/restore`, undefined],
  ];

  test.each(routes)(
    'when %s names it, then it answers 404 and changes nothing',
    async (_n, method, url, body) => {
      const before = await state();
      let req = (t.http() as any)[method](url(project.id)).set(mallory.auth);
      if (body) req = req.send(body);
      const res = await req;
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect(await state()).toEqual(before);
    },
  );

  test.each(routes.filter(([, method]) => method !== 'get'))(
    'when %s names it with its current If-Match, then it is still 404, not 412',
    async (_n, method, url, body) => {
      let req = (t.http() as any)[method](url(project.id)).set(mallory.auth).set('If-Match', '"2"');
      if (body) req = req.send(body);
      expect((await req).status).toBe(404);
      req = (t.http() as any)[method](url(project.id)).set(mallory.auth).set('If-Match', '"9"');
      if (body) req = req.send(body);
      expect((await req).status).toBe(404);
    },
  );

  test("when listing, then only the caller's own projects come, whatever the filter", async () => {
    const res = await t.http().get('/api/projects').query({ q: 'Alice' }).set(mallory.auth);
    expect(res.body.data).toEqual([]);
    const all = await t.http().get('/api/projects').set(mallory.auth);
    expect(all.body.data.map((p: { title: string }) => p.title)).toEqual(["Mallory's"]);
  });

  test('when its owner asks, then the project is there, unchanged', async () => {
    const res = await t.http().get(`/api/projects/${project.id}`).set(alice.auth);
    expect(res.body).toMatchObject({ title: "Alice's", version: 2, counts: { stories: 1 } });
  });
});
