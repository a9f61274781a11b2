import { toAppError } from '../../src/http/error-handler';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/http/schemas';
import { pathHoldingNul, pathOfReservedKey } from '../../src/http/validate';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';

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

describe('the JSON keys __proto__, constructor and prototype', () => {
  const MESSAGE = 'is a reserved key (__proto__, constructor and prototype are refused anywhere in a body)';

  /** A raw JSON body: JSON.stringify would make `__proto__` of an object literal disappear. */
  const postRaw = (user: TestUser, path: string, body: string) =>
    t.http().post(path).set(user.auth).set('Content-Type', 'application/json').send(body);

  test.each([
    ['at the top level', '{"title":"Proto","__proto__":{"isAdmin":true}}', '__proto__'],
    ['as constructor at the top level', '{"title":"Proto","constructor":{"prototype":{}}}', 'constructor'],
    [
      'in free JSON',
      '{"title":"Proto","settings":{"theme":{"__proto__":{"x":1}}}}',
      'settings.theme.__proto__',
    ],
    [
      'in an array',
      '{"title":"Proto","settings":{"pages":[{"ok":1},{"prototype":2}]}}',
      'settings.pages.1.prototype',
    ],
  ])(
    'when a body holds one %s, then 400 VALIDATION_ERROR names its path and nothing is written',
    async (_where, body, path) => {
      const user = await createUser(t);
      const res = await postRaw(user, '/api/projects', body);
      if (path === undefined) {
        // Only keys are refused: the words themselves are fine as values.
        expect(res.status).toBe(201);
        return;
      }
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors).toEqual([{ path, message: MESSAGE }]);
      expect(await projectCount(user)).toBe(0);
    },
  );

  test('when the words are values, not keys, then the body is taken', async () => {
    const user = await createUser(t);
    const body = '{"title":"__proto__","settings":{"note":"constructor","list":["prototype"]}}';
    const res = await postRaw(user, '/api/projects', body);
    expect(res.status).toBe(201);
    expect(res.body.settings).toEqual({ note: 'constructor', list: ['prototype'] });
  });

  test('when an update or a batch holds one, then 400 too: every JSON body passes the same check', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const update = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send('{"title":"Same","settings":{"__proto__":{"polluted":true}}}');
    expect(update.status).toBe(400);
    expect(update.body.errors).toEqual([{ path: 'settings.__proto__', message: MESSAGE }]);
    const events = await postRaw(
      user,
      '/api/analytics/events',
      '{"events":[{"type":"a.b"},{"type":"a.c","properties":{"constructor":1}}]}',
    );
    expect(events.status).toBe(400);
    expect(events.body.errors).toEqual([{ path: 'events.1.properties.constructor', message: MESSAGE }]);
    const after = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(after.body.version).toBe(project.version);
  });

  test('when a multipart form carries one, in a JSON field or as a field name, then 400 and no image is stored', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const upload = () => t.http().post('/api/images').set(user.auth).field('projectId', project.id);
    const png = await makePng(8, 8);
    const inMetadata = await upload()
      .field('metadata', '{"source":{"__proto__":{"polluted":true}}}')
      .attach('file', png, 'page.png');
    expect(inMetadata.status).toBe(400);
    expect(inMetadata.body.errors).toEqual([{ path: 'metadata.source.__proto__', message: MESSAGE }]);
    const asFieldName = await upload()
      .field('__proto__', '{"polluted":true}')
      .attach('file', png, 'page.png');
    expect(asFieldName.status).toBe(400);
    expect(asFieldName.body.errors).toEqual([{ path: '__proto__', message: MESSAGE }]);
    const list = await t.http().get(`/api/images?projectId=${project.id}`).set(user.auth);
    expect(list.body.pagination.total).toBe(0);
  });

  test('pathOfReservedKey finds the first reserved own key at any depth, and nothing elsewhere', () => {
    expect(pathOfReservedKey(JSON.parse('{"a":[1,{"b":{"__proto__":null}}]}'))).toBe('a.1.b.__proto__');
    expect(pathOfReservedKey([{ prototype: 1 }])).toBe('0.prototype');
    expect(
      pathOfReservedKey({ a: '__proto__', b: ['constructor'], c: { proto: 1, Constructor: 2 } }),
    ).toBeUndefined();
    expect(pathOfReservedKey('constructor')).toBeUndefined();
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
