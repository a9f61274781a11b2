import { useTestApp } from '../helpers/app';
import { createProject, createStory, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
/** P1..P5 by creation order; updated in the order P4, P2, P5, P1, P3. */
const ids: Record<string, string> = {};
const name = (id: string) => Object.keys(ids).find((key) => ids[key] === id);

beforeAll(async () => {
  user = await createUser(t);
  const other = await createUser(t);
  await createProject(t, other, { title: 'fruit of someone else', tags: ['kids', 'fruit'] });
  const specs: Array<[string, Record<string, unknown>, string, string]> = [
    [
      'P1',
      { title: 'banana', description: 'Yellow FRUIT book', category: 'food', tags: ['fruit', 'kids'] },
      '01',
      '09',
    ],
    ['P2', { title: 'Apple', status: 'completed', category: 'food', tags: ['fruit'] }, '02', '07'],
    [
      'P3',
      { title: 'cherry 100%', description: 'a_b', status: 'archived', category: 'nature', tags: ['kids'] },
      '03',
      '10',
    ],
    ['P4', { title: 'Dragons', description: 'fire and fruit', status: 'in_progress' }, '04', '06'],
    ['P5', { title: 'elephant', description: 'big', category: 'animals', tags: ['zoo'] }, '05', '08'],
  ];
  for (const [key, body, created, updated] of specs) {
    const project = await createProject(t, user, body);
    ids[key] = project.id;
    // Fixed times make every order deterministic.
    await t.db.query('UPDATE projects SET created_at = $2, updated_at = $3 WHERE id = $1', [
      project.id,
      `2024-01-${created}T00:00:00Z`,
      `2024-01-${updated}T00:00:00Z`,
    ]);
  }
  await createStory(t, user, ids.P1);
  await createStory(t, user, ids.P1);
  await createStory(t, user, ids.P3);
});

const list = (query: Record<string, unknown> = {}) =>
  t.http().get('/api/projects').query(query).set(user.auth);
const names = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((p) => name(p.id));

describe('GET /api/projects: sort', () => {
  test.each([
    [undefined, ['P3', 'P1', 'P5', 'P2', 'P4']],
    ['-updatedAt', ['P3', 'P1', 'P5', 'P2', 'P4']],
    ['updatedAt', ['P4', 'P2', 'P5', 'P1', 'P3']],
    ['createdAt', ['P1', 'P2', 'P3', 'P4', 'P5']],
    ['-createdAt', ['P5', 'P4', 'P3', 'P2', 'P1']],
    ['title', ['P2', 'P1', 'P3', 'P4', 'P5']],
    ['-title', ['P5', 'P4', 'P3', 'P1', 'P2']],
  ])(
    'when sort is %s, then the projects come in that order (titles case-insensitively)',
    async (sort, order) => {
      const res = await list(sort ? { sort } : {});
      expect(res.status).toBe(200);
      expect(names(res)).toEqual(order);
    },
  );

  test('when sort names another column, then it answers 400', async () => {
    const res = await list({ sort: 'user_id' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['sort']);
  });
});

describe('GET /api/projects: items', () => {
  test('when listing, then every project carries numeric counts of its own children only', async () => {
    const res = await list();
    const byName = Object.fromEntries(res.body.data.map((p: any) => [name(p.id), p]));
    expect(byName.P1.counts).toEqual({ stories: 2, images: 0, drawings: 0 });
    expect(byName.P3.counts).toEqual({ stories: 1, images: 0, drawings: 0 });
    expect(byName.P2.counts).toEqual({ stories: 0, images: 0, drawings: 0 });
    expect(byName.P1).toMatchObject({ title: 'banana', tags: ['fruit', 'kids'], version: 1 });
    expect(Object.keys(byName.P1).sort()).toEqual(
      [
        'id',
        'ownerId',
        'role',
        'title',
        'description',
        'category',
        'status',
        'tags',
        'settings',
        'coverImageId',
        'version',
        'counts',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
  });
});

describe('GET /api/projects: filters and search', () => {
  test.each([
    [{ q: 'fruit' }, ['P1', 'P4']],
    [{ q: 'FRUIT' }, ['P1', 'P4']],
    [{ q: 'APP' }, ['P2']],
    [{ q: '100%' }, ['P3']],
    [{ q: '_' }, ['P3']],
    [{ q: '%' }, ['P3']],
    [{ q: 'nothing like this' }, []],
    [{ status: 'draft' }, ['P1', 'P5']],
    [{ status: 'archived' }, ['P3']],
    [{ category: 'food' }, ['P1', 'P2']],
    [{ category: 'Food' }, []],
    [{ tag: 'kids' }, ['P3', 'P1']],
    [{ tag: 'fruit', status: 'completed' }, ['P2']],
    [{ q: 'fruit', tag: 'kids', category: 'food' }, ['P1']],
  ])('when the query is %j, then only the matching projects of the caller come', async (query, expected) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
    expect(res.body.pagination.total).toBe(expected.length);
  });

  test.each([
    [{ status: 'published' }, 'status'],
    [{ q: '' }, 'q'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ tag: 'x'.repeat(41) }, 'tag'],
    [{ owner: 'me' }, 'owner'],
  ])('when the query is %j, then it answers 400 naming %s', async (query, path) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('GET /api/projects: pagination', () => {
  test('when limit is 2, then the first page has 2 rows and says 3 pages', async () => {
    const res = await list({ limit: 2, sort: 'createdAt' });
    expect(names(res)).toEqual(['P1', 'P2']);
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 2,
      total: 5,
      totalPages: 3,
      nextCursor: expect.any(String),
    });
  });

  test('when the page is the last one, then it holds the remainder', async () => {
    const res = await list({ limit: 2, page: 3, sort: 'createdAt' });
    expect(names(res)).toEqual(['P5']);
    expect(res.body.pagination).toEqual({ page: 3, limit: 2, total: 5, totalPages: 3, nextCursor: null });
  });

  test('when the page is past the end, then data is empty and the total still counts', async () => {
    const res = await list({ limit: 2, page: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [],
      pagination: { page: 4, limit: 2, total: 5, totalPages: 3, nextCursor: null },
    });
  });

  test('when the user has no projects, then total and totalPages are 0', async () => {
    const empty = await createUser(t);
    const res = await t.http().get('/api/projects').set(empty.auth);
    expect(res.body).toEqual({
      data: [],
      pagination: { page: 1, limit: 20, total: 0, totalPages: 0, nextCursor: null },
    });
  });

  test.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 'many' }, 'limit'],
    [{ page: 0 }, 'page'],
    [{ page: -1 }, 'page'],
  ])('when the query is %j, then it answers 400, never a clamp', async (query, path) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  test('when limit is 100, then it is accepted', async () => {
    const res = await list({ limit: 100 });
    expect(res.status).toBe(200);
    expect(res.body.pagination.limit).toBe(100);
  });
});
