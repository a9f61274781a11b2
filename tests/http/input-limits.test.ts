import { toAppError } from '../../src/http/error-handler';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/http/schemas';
import { pathHoldingNul } from '../../src/http/validate';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp();

const PROBLEM = /^application\/problem\+json/;

/** `{"a":{"a":…1…}}` nested `levels` deep (one level per object). */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

async function projectCount(user: TestUser): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM projects WHERE user_id = $1',
    [user.id],
  );
  return rows[0].n;
}

describe('the character U+0000, which PostgreSQL stores in neither text nor jsonb', () => {
  test('when a body field holds it, then 400 VALIDATION_ERROR names the field and nothing is written', async () => {
    const user = await createUser(t);
    const res = await t.http().post('/api/projects').set(user.auth).send({ title: 'Dino\u0000saurs' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'title', message: 'must not contain the character U+0000' }]);
    expect(await projectCount(user)).toBe(0);
  });

  test('when a key or a value deep in free JSON holds it, then 400 names its path', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const inValue = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ title: 'Same', settings: { pages: [{ caption: 'ok' }, { caption: 'bad\u0000' }] } });
    expect(inValue.status).toBe(400);
    expect(inValue.body.errors).toEqual([
      { path: 'settings.pages.1.caption', message: 'must not contain the character U+0000' },
    ]);
    const inKey = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ title: 'Same', settings: { 'k\u0000': 1 } });
    expect(inKey.status).toBe(400);
    expect(inKey.body.errors).toEqual([
      { path: 'settings.k\u0000', message: 'must not contain the character U+0000' },
    ]);
    const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(after.body.version).toBe(project.version);
  });

  test('when a query parameter holds it, then 400 names the parameter', async () => {
    const user = await createUser(t);
    const res = await t.http().get('/api/projects?q=a%00b').set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'q', message: 'must not contain the character U+0000' }]);
  });

  test('when text with it reaches the database anyway, then its refusal is a 400, not a 500', async () => {
    const error = await t.db.query('SELECT $1::text AS v', ['a\u0000b']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    const mapped = toAppError(error);
    expect(mapped.status).toBe(400);
    expect(mapped.code).toBe('VALIDATION_ERROR');
  });

  test('pathHoldingNul finds the first string or key holding it, and nothing elsewhere', () => {
    expect(pathHoldingNul('a\u0000')).toBe('');
    expect(pathHoldingNul({ a: ['x', { b: 'y\u0000' }] })).toBe('a.1.b');
    expect(pathHoldingNul({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(pathHoldingNul({ a: 'x', b: [1, null, true, new Date(0)], c: '\\u0000 as text' })).toBeUndefined();
  });
});

describe('nesting of free JSON', () => {
  test(`when settings nest ${MAX_JSON_DEPTH} levels, then they are stored; one more, then 400 saying the limit`, async () => {
    const user = await createUser(t);
    // settings itself is the first level: nested(n) is n levels.
    const ok = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({ title: 'Deep enough', settings: nested(MAX_JSON_DEPTH) });
    expect(ok.status).toBe(201);
    const tooDeep = await t
      .http()
      .post('/api/projects')
      .set(user.auth)
      .send({ title: 'Too deep', settings: nested(MAX_JSON_DEPTH + 1) });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors).toEqual([
      { path: 'settings', message: `must be nested at most ${MAX_JSON_DEPTH} levels deep` },
    ]);
    expect(await projectCount(user)).toBe(1);
  });

  test('when drawing data nests deeper than a call stack, then 400 names the limit, not a stack overflow', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const res = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send(`{"projectId":"${project.id}","width":10,"height":10,"data":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'data', message: `must be nested at most ${MAX_JSON_DEPTH} levels deep` },
    ]);
  });

  test('nestsDeeperThan counts containers only', () => {
    expect(nestsDeeperThan(1, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: [1, 2, { b: 'x' }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, 2, { b: {} }] }, 3)).toBe(true);
    expect(nestsDeeperThan(nested(10_000), 64)).toBe(true);
  });
});

describe('a path parameter that is not valid percent-encoding', () => {
  test('when a path carries a broken escape, then 400 VALIDATION_ERROR as problem+json', async () => {
    const user = await createUser(t);
    const res = await t.http().get('/api/projects/%E0%A4%A').set(user.auth);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.detail).toBe('A path parameter is not valid percent-encoded UTF-8');
  });
});
