import { useTestApp } from '../helpers/app';
import { createTemplate, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let alice: TestUser;
let bob: TestUser;
/** Keys by id, to read orders as names. */
const ids: Record<string, string> = {};
const names = (res: { body: { data: Array<{ id: string }> } }) =>
  res.body.data.map((tpl) => Object.keys(ids).find((key) => ids[key] === tpl.id));

/**
 * Public: A1, A2 (alice), B1, B2 (bob), created in that order (A1 oldest). Private: AP (alice), BP (bob),
 * created last. Ratings: A2 5.0 (1 rating), B1 4.5 (2), A1 4.5 (2), B2 none. Uses: B2 3, A1 1, others 0.
 */
beforeAll(async () => {
  alice = await createUser(t);
  bob = await createUser(t);
  const specs: Array<[string, TestUser, Record<string, unknown>]> = [
    [
      'A1',
      alice,
      { title: 'Ocean animals', description: 'Whales 100%', category: 'animals', tags: ['sea', 'kids'] },
    ],
    ['A2', alice, { title: 'Dinosaurs', category: 'animals', tags: ['kids'] }],
    ['B1', bob, { title: 'Space', description: 'rockets and an OCEAN of stars', category: 'science' }],
    ['B2', bob, { title: 'Cars', tags: ['vehicles'] }],
  ];
  for (const [i, [key, owner, body]] of specs.entries()) {
    ids[key] = (await createTemplate(t, owner, { ...body, isPublic: true })).id;
    await t.db.query('UPDATE templates SET created_at = $2 WHERE id = $1', [
      ids[key],
      `2024-01-0${i + 1}T00:00:00Z`,
    ]);
  }
  ids.AP = (
    await createTemplate(t, alice, { title: 'Alice private ocean', category: 'animals', tags: ['kids'] })
  ).id;
  ids.BP = (await createTemplate(t, bob, { title: 'Bob private ocean', tags: ['kids'] })).id;
  const raters = [await createUser(t), await createUser(t)];
  const rate = (user: TestUser, key: string, rating: number) =>
    t.http().put(`/api/templates/${ids[key]}/ratings`).set(user.auth).send({ rating }).expect(200);
  await rate(raters[0], 'A2', 5);
  await rate(raters[0], 'B1', 5);
  await rate(raters[1], 'B1', 4);
  await rate(raters[0], 'A1', 4);
  await rate(raters[1], 'A1', 5);
  const use = (key: string) =>
    t.http().post(`/api/templates/${ids[key]}/use`).set(raters[0].auth).expect(201);
  for (const key of ['B2', 'B2', 'B2', 'A1']) await use(key);
});

const list = (query: Record<string, unknown> = {}, user?: TestUser) =>
  t
    .http()
    .get('/api/templates')
    .query(query)
    .set(user ? user.auth : {});

describe('GET /api/templates: who sees what', () => {
  test('when called without a token, then only public templates come, newest first', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['B2', 'B1', 'A2', 'A1']);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 4, totalPages: 1 });
  });

  test("when called with a token, then the caller's own private templates come too, never someone else's", async () => {
    const res = await list({}, alice);
    expect(names(res)).toEqual(['AP', 'B2', 'B1', 'A2', 'A1']);
    expect(res.body.pagination.total).toBe(5);
    expect(names(await list({}, bob))).toEqual(['BP', 'B2', 'B1', 'A2', 'A1']);
  });

  test('when an item is listed, then it is a whole Template with its aggregates', async () => {
    const res = await list({ sort: '-ratingAverage' });
    const a1 = res.body.data.find((tpl: { id: string }) => tpl.id === ids.A1);
    expect(a1).toMatchObject({
      ownerId: alice.id,
      isPublic: true,
      ratingAverage: 4.5,
      ratingCount: 2,
      useCount: 1,
      content: { settings: {}, stories: [] },
    });
  });

  test('when the token is invalid, then it answers 401 rather than silently listing as anonymous', async () => {
    const res = await t.http().get('/api/templates').set('Authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});

describe('GET /api/templates: sort', () => {
  test.each([
    [undefined, ['B2', 'B1', 'A2', 'A1']],
    ['-createdAt', ['B2', 'B1', 'A2', 'A1']],
    // B2 3 uses, A1 1; the rest tie at 0 and go newest first.
    ['-useCount', ['B2', 'A1', 'B1', 'A2']],
    // A2 5.0; B1 and A1 4.5 with 2 ratings each (newest first); B2 unrated last.
    ['-ratingAverage', ['A2', 'B1', 'A1', 'B2']],
  ])('when sort is %s, then the order is %j', async (sort, expected) => {
    const res = await list(sort ? { sort } : {});
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
  });

  test("when sorted by -ratingAverage with the caller's private templates, then unrated ones still go last", async () => {
    expect(names(await list({ sort: '-ratingAverage' }, alice))).toEqual(['A2', 'B1', 'A1', 'AP', 'B2']);
  });

  test.each(['ratingAverage', 'createdAt', '-title', 'useCount'])(
    'when sort is %s, then it answers 400',
    async (sort) => {
      const res = await list({ sort });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['sort']);
    },
  );
});

describe('GET /api/templates: filters and pages', () => {
  // q: each word must begin a word of the title or description, in any order; a q without words finds nothing.
  test.each<[Record<string, string>, 'alice' | 'bob' | undefined, string[]]>([
    [{ q: 'ocean' }, undefined, ['B1', 'A1']],
    [{ q: 'OCEAN' }, 'alice', ['AP', 'B1', 'A1']],
    [{ q: '100%' }, undefined, ['A1']],
    [{ q: 'oce ANIM' }, undefined, ['A1']],
    [{ q: 'whales ocean' }, undefined, ['A1']],
    [{ q: 'cean' }, undefined, []],
    [{ q: '%' }, undefined, []],
    [{ category: 'animals' }, undefined, ['A2', 'A1']],
    [{ category: 'animals' }, 'alice', ['AP', 'A2', 'A1']],
    [{ tag: 'kids' }, undefined, ['A2', 'A1']],
    [{ tag: 'kids' }, 'bob', ['BP', 'A2', 'A1']],
    [{ tag: 'kid' }, undefined, []],
    [{ q: 'ocean', category: 'animals', tag: 'sea' }, undefined, ['A1']],
  ])('when the query is %j, then the matches come', async (query, user, expected) => {
    const res = await list(query, user ? { alice, bob }[user] : undefined);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
    expect(res.body.pagination.total).toBe(expected.length);
  });

  test('when paging, then pages do not overlap and a page past the end is empty with the total', async () => {
    const first = await list({ limit: 2, sort: '-useCount' }, alice);
    const second = await list({ limit: 2, page: 2, sort: '-useCount' }, alice);
    const third = await list({ limit: 2, page: 3, sort: '-useCount' }, alice);
    expect([...names(first), ...names(second), ...names(third)]).toEqual(['B2', 'A1', 'AP', 'B1', 'A2']);
    expect(first.body.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 });
    const past = await list({ limit: 2, page: 9 }, alice);
    expect(past.body).toEqual({ data: [], pagination: { page: 9, limit: 2, total: 5, totalPages: 3 } });
  });

  test.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ page: 0 }, 'page'],
    [{ q: '' }, 'q'],
    [{ owner: 'me' }, 'owner'],
    [{ isPublic: 'false' }, 'isPublic'],
  ])('when the query is %j, then it answers 400 naming it', async (query, path) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});
