import { useTestApp } from '../helpers/app';
import {
  createProject,
  createTemplate,
  createUser,
  type Template,
  type TestUser,
} from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let alice: TestUser;
let mallory: TestUser;
let privateTemplate: Template;
let publicTemplate: Template;

/** Everything a request could have changed. */
const state = async () => {
  const { rows } = await t.db.query<Record<string, unknown>>(
    `SELECT (SELECT json_agg(t ORDER BY t.id) FROM templates t) AS templates,
            (SELECT json_agg(r ORDER BY r.template_id, r.user_id) FROM template_ratings r) AS ratings,
            (SELECT count(*)::int FROM projects) AS projects,
            (SELECT count(*)::int FROM analytics_events WHERE type = 'template.used') AS uses`,
  );
  return rows[0];
};

beforeAll(async () => {
  alice = await createUser(t);
  mallory = await createUser(t);
  const content = { settings: { a: 1 }, stories: [{ title: 'Secret story' }] };
  privateTemplate = await createTemplate(t, alice, { title: "Alice's private", content });
  publicTemplate = await createTemplate(t, alice, { title: "Alice's public", isPublic: true, content });
  const bob = await createUser(t);
  // A rating on each, made while both were public, so the ratings routes have something to guard.
  await t
    .http()
    .put(`/api/templates/${privateTemplate.id}`)
    .set(alice.auth)
    .send({ isPublic: true })
    .expect(200);
  for (const tpl of [privateTemplate, publicTemplate]) {
    await t.http().put(`/api/templates/${tpl.id}/ratings`).set(bob.auth).send({ rating: 4 }).expect(200);
  }
  await t
    .http()
    .put(`/api/templates/${privateTemplate.id}`)
    .set(alice.auth)
    .send({ isPublic: false })
    .expect(200);
  await createProject(t, mallory);
});

type Route = [string, 'get' | 'post' | 'put' | 'delete', (id: string) => string, Record<string, unknown>?];

const byId: Route[] = [
  ['GET', 'get', (id) => `/api/templates/${id}`],
  ['PUT', 'put', (id) => `/api/templates/${id}`, { title: 'Mine now' }],
  ['DELETE', 'delete', (id) => `/api/templates/${id}`],
  ['POST use', 'post', (id) => `/api/templates/${id}/use`, { title: 'Stolen' }],
  ['GET ratings', 'get', (id) => `/api/templates/${id}/ratings`],
  ['PUT ratings', 'put', (id) => `/api/templates/${id}/ratings`, { rating: 1 }],
  ['DELETE ratings', 'delete', (id) => `/api/templates/${id}/ratings`],
];

function send(route: Route, id: string, user?: TestUser) {
  const [, method, url, body] = route;
  let req = t.http()[method](url(id));
  if (user) req = req.set(user.auth);
  return body ? req.send(body) : req;
}

describe("another user's private template", () => {
  test.each(byId)('when %s names it, then it answers 404 and changes nothing', async (...route) => {
    const before = await state();
    const res = await send(route, privateTemplate.id, mallory);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(await state()).toEqual(before);
  });

  test('when POST /api/projects names it as templateId, then it answers 404 and changes nothing', async () => {
    const before = await state();
    const res = await t
      .http()
      .post('/api/projects')
      .set(mallory.auth)
      .send({ templateId: privateTemplate.id });
    expect(res.status).toBe(404);
    expect(await state()).toEqual(before);
  });

  test('when PUT sends isPremium, then it is still 404, not 403', async () => {
    const before = await state();
    const res = await t
      .http()
      .put(`/api/templates/${privateTemplate.id}`)
      .set(mallory.auth)
      .send({ isPremium: true });
    expect(res.status).toBe(404);
    expect(await state()).toEqual(before);
  });

  test('when listing with any filter, then it is not there', async () => {
    for (const query of [{}, { q: 'Alice' }, { sort: '-ratingAverage' }]) {
      const res = await t.http().get('/api/templates').query(query).set(mallory.auth);
      expect(res.body.data.map((x: { id: string }) => x.id)).not.toContain(privateTemplate.id);
    }
  });
});

describe("another user's public template", () => {
  test.each(byId.filter(([name]) => name === 'PUT' || name === 'DELETE'))(
    'when %s names it, then it answers 403 FORBIDDEN and changes nothing',
    async (...route) => {
      const before = await state();
      const res = await send(route, publicTemplate.id, mallory);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect(await state()).toEqual(before);
    },
  );

  test('when PUT sends isPremium, then it is still 403 FORBIDDEN and changes nothing', async () => {
    const before = await state();
    const res = await t
      .http()
      .put(`/api/templates/${publicTemplate.id}`)
      .set(mallory.auth)
      .send({ isPremium: false });
    expect(res.status).toBe(403);
    expect(await state()).toEqual(before);
  });
});

describe('without a token', () => {
  test.each(byId.filter(([, method]) => method !== 'get'))(
    'when %s is called, then it answers 401 with WWW-Authenticate and changes nothing',
    async (...route) => {
      const before = await state();
      const res = await send(route, publicTemplate.id);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(await state()).toEqual(before);
    },
  );

  test('when POST /api/templates is called, then it answers 401', async () => {
    const res = await t.http().post('/api/templates').send({ title: 'Anon' });
    expect(res.status).toBe(401);
  });

  test.each(byId.filter(([, method]) => method === 'get'))(
    'when %s names a public template, then 200; a private one, then 404',
    async (...route) => {
      expect((await send(route, publicTemplate.id)).status).toBe(200);
      const res = await send(route, privateTemplate.id);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    },
  );

  test('when listing, then only public templates come', async () => {
    const res = await t.http().get('/api/templates');
    expect(res.body.data.map((x: { id: string }) => x.id)).toEqual([publicTemplate.id]);
  });
});

describe('the owner', () => {
  test('when they read, edit and list their private template, then it is all there', async () => {
    expect((await t.http().get(`/api/templates/${privateTemplate.id}`).set(alice.auth)).status).toBe(200);
    expect((await t.http().get(`/api/templates/${privateTemplate.id}/ratings`).set(alice.auth)).status).toBe(
      200,
    );
    const list = await t.http().get('/api/templates').set(alice.auth);
    expect(list.body.data.map((x: { id: string }) => x.id).sort()).toEqual(
      [privateTemplate.id, publicTemplate.id].sort(),
    );
  });
});
