/**
 * Keyset pagination of GET /api/projects (`cursor`, docs/projects.md): walking a list by `nextCursor` visits
 * every project once, in the same order as `page`, also across ties of the sort key; `page` and `cursor`
 * exclude each other; a cursor this server did not make is a 400 VALIDATION_ERROR.
 */
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { expectProblem } from '../images/helpers';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
let ids: string[] = [];

beforeAll(async () => {
  user = await createUser(t);
  const other = await createUser(t);
  await createProject(t, other, { title: 'not mine' });
  // 7 projects; 5 of them share one updated_at and one created_at, and three share a title (ignoring
  // case): the keys tie, and only the id orders them.
  const titles = ['Same', 'same', 'SAME', 'Apple', 'Zebra', 'Moon', 'Kite'];
  for (const [i, title] of titles.entries()) {
    const project = await createProject(t, user, { title });
    ids.push(project.id);
    const when = i < 5 ? '2024-03-01T10:00:00.123456Z' : `2024-03-0${i}T10:00:00Z`;
    await t.db.query('UPDATE projects SET created_at = $2, updated_at = $2 WHERE id = $1', [
      project.id,
      when,
    ]);
  }
  ids = ids.sort();
});

const list = (query: Record<string, unknown>) => t.http().get('/api/projects').query(query).set(user.auth);
const idsOf = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((p) => p.id);

/** Every page by `nextCursor`, starting from page 1 of `page` mode. */
async function walk(query: Record<string, unknown>, limit: number) {
  const pages: string[][] = [];
  let res = await list({ ...query, limit });
  expect(res.status).toBe(200);
  pages.push(idsOf(res));
  while (res.body.pagination.nextCursor) {
    expect(res.body.pagination.total).toBe(7);
    res = await list({ ...query, limit, cursor: res.body.pagination.nextCursor });
    expect(res.status).toBe(200);
    pages.push(idsOf(res));
  }
  return pages;
}

describe('GET /api/projects?cursor', () => {
  test.each(['-updatedAt', 'updatedAt', 'createdAt', '-createdAt', 'title', '-title'])(
    'when walking sort=%s by nextCursor across tied keys, then every project comes once, in page order',
    async (sort) => {
      const all = idsOf(await list({ sort, limit: 100 }));
      expect([...all].sort()).toEqual(ids);
      for (const limit of [1, 2, 3]) {
        const pages = await walk({ sort }, limit);
        expect(pages.flat()).toEqual(all);
        expect(pages.every((p) => p.length > 0 && p.length <= limit)).toBe(true);
        // The last page says so: no cursor after it.
        expect(pages).toHaveLength(Math.ceil(7 / limit));
      }
    },
  );

  test('when following a cursor, then the page number and total are those of page mode', async () => {
    const first = await list({ limit: 2, sort: 'title' });
    const second = await list({ limit: 2, sort: 'title', cursor: first.body.pagination.nextCursor });
    expect(second.body.pagination).toEqual({
      page: 2,
      limit: 2,
      total: 7,
      totalPages: 4,
      nextCursor: expect.any(String),
    });
    const paged = await list({ limit: 2, sort: 'title', page: 2 });
    expect(idsOf(second)).toEqual(idsOf(paged));
  });

  test('when a project before the cursor is deleted meanwhile, then the next page neither skips nor repeats', async () => {
    const owner = await createUser(t);
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await createProject(t, owner, { title: `P${i}` }));
    const get = (query: Record<string, unknown>) =>
      t.http().get('/api/projects').query(query).set(owner.auth);
    const first = await get({ limit: 2, sort: 'title' });
    expect(first.body.data.map((p: { title: string }) => p.title)).toEqual(['P0', 'P1']);
    await t.http().delete(`/api/projects/${made[0].id}`).set(owner.auth).expect(204);
    const next = await get({ limit: 2, sort: 'title', cursor: first.body.pagination.nextCursor });
    expect(next.body.data.map((p: { title: string }) => p.title)).toEqual(['P2', 'P3']);
    expect(next.body.pagination.nextCursor).toBeNull();
    expect(next.body.pagination.total).toBe(3);
  });

  test('when filters are given with the cursor, then the walk stays within them', async () => {
    let res = await list({ q: 'same', limit: 1 });
    const seen = idsOf(res);
    while (res.body.pagination.nextCursor) {
      expect(res.body.pagination.total).toBe(3);
      res = await list({ q: 'same', limit: 1, cursor: res.body.pagination.nextCursor });
      seen.push(...idsOf(res));
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  test('when page and cursor come together, then it answers 400 VALIDATION_ERROR', async () => {
    const first = await list({ limit: 2 });
    const res = await list({ limit: 2, page: 2, cursor: first.body.pagination.nextCursor });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.detail).toMatch(/page.*cursor/);
  });

  test('when the cursor was made for another sort, then it answers 400 naming the sort', async () => {
    const first = await list({ limit: 2, sort: 'title' });
    const res = await list({ limit: 2, sort: '-updatedAt', cursor: first.body.pagination.nextCursor });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'cursor', message: expect.stringContaining('sort=title') }]);
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const id = '00000000-0000-4000-8000-000000000000';
  test.each([
    ['characters outside base64url', 'abc+/='],
    ['longer than any cursor', 'a'.repeat(1201)],
    ['an empty string', ''],
    ['base64 of no JSON', Buffer.from('not json').toString('base64url')],
    ['JSON that is not an object', encode([1, 2])],
    ['JSON null', encode(null)],
    ['a missing field', encode({ s: '-updatedAt', k: '2024-03-01 10:00:00+00', i: id })],
    ['a field of the wrong type', encode({ s: '-updatedAt', k: 5, i: id, o: 2 })],
    ['an id that is not a uuid', encode({ s: '-updatedAt', k: '2024-03-01 10:00:00+00', i: 'x', o: 2 })],
    ['a negative offset', encode({ s: '-updatedAt', k: '2024-03-01 10:00:00+00', i: id, o: -1 })],
    ['a fractional offset', encode({ s: '-updatedAt', k: '2024-03-01 10:00:00+00', i: id, o: 1.5 })],
    ['a key that is not a timestamp', encode({ s: '-updatedAt', k: "x'; DROP TABLE projects", i: id, o: 2 })],
    ['an unknown sort', encode({ s: 'price', k: 'x', i: id, o: 2 })],
    ['a day that does not exist', encode({ s: '-updatedAt', k: '2024-02-30 10:00:00+00', i: id, o: 2 })],
    ['a month that does not exist', encode({ s: '-updatedAt', k: '2024-13-01 10:00:00+00', i: id, o: 2 })],
  ])('when the cursor is tampered with (%s), then it answers 400 VALIDATION_ERROR', async (_what, cursor) => {
    const res = await list({ limit: 2, cursor });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['cursor']);
  });

  test('when a well-formed cursor is edited, then it only moves the caller within their own list', async () => {
    const res = await list({
      limit: 20,
      cursor: encode({ s: '-updatedAt', k: '2999-01-01 00:00:00+00', i: id, o: 0 }),
    });
    expect(res.status).toBe(200);
    expect([...idsOf(res)].sort()).toEqual(ids);
  });
});
