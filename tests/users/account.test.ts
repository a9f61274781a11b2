import { collectUserFileKeys, deleteUserFiles } from '../../src/modules/account/account.service';
import { useTestApp } from '../helpers/app';
import {
  bearer,
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  storeApiKey,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';

const t = useTestApp();

const login = (email: string, password: string) => t.http().post('/api/auth/login').send({ email, password });
const refresh = (refreshToken: string) => t.http().post('/api/auth/refresh').send({ refreshToken });

const USER_KEYS = [
  'createdAt',
  'displayName',
  'email',
  'emailVerified',
  'id',
  'plan',
  'role',
  'settings',
  'storageLimitBytes',
  'storageUsedBytes',
  'subscriptionStatus',
  'updatedAt',
];

/** `table.column` of every uuid/text-like column of every table that holds `value`. */
async function columnsHolding(value: string): Promise<string[]> {
  const { rows: columns } = await t.db.query<{ table: string; column: string }>(
    `SELECT c.table_name AS "table", c.column_name AS "column"
       FROM information_schema.columns c
       JOIN information_schema.tables tb
         ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema()
        AND c.data_type IN ('uuid', 'text', 'character varying', 'jsonb', 'json')`,
  );
  const found: string[] = [];
  for (const { table, column } of columns) {
    const { rows } = await t.db.query<{ hit: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "${table}" WHERE strpos("${column}"::text, $1) > 0) AS hit`,
      [value],
    );
    if (rows[0].hit) found.push(`${table}.${column}`);
  }
  return found;
}

describe('anonymous access', () => {
  test.each([
    ['patch', '/api/users/me', { displayName: 'X' }],
    ['post', '/api/users/me/password', { currentPassword: 'whatever1', newPassword: 'whatever2' }],
    ['delete', '/api/users/me', { password: 'whatever1' }],
  ] as const)('when %s %s has no token, then 401 UNAUTHENTICATED', async (method, path, body) => {
    const res = await t.http()[method](path).send(body);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('PATCH /api/users/me', () => {
  test('when displayName and settings are sent, then 200 with the User and /auth/me shows them', async () => {
    const user = await createUser(t, { displayName: 'Before' });
    const res = await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ displayName: '  Ada  ', settings: { theme: 'dark', pageSize: 'a4' } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
    expect(res.body).toMatchObject({
      id: user.id,
      displayName: 'Ada',
      settings: { theme: 'dark', pageSize: 'a4' },
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.user.updatedAt));
    const me = await t.http().get('/api/auth/me').set(user.auth);
    expect(me.body).toMatchObject({ displayName: 'Ada', settings: { theme: 'dark', pageSize: 'a4' } });
  });

  test('when settings are sent again, then they are replaced whole and displayName is kept', async () => {
    const user = await createUser(t, { displayName: 'Kept' });
    await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ settings: { a: 1, b: 2 } })
      .expect(200);
    const res = await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ settings: { c: 3 } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ c: 3 });
    expect(res.body.displayName).toBe('Kept');
  });

  test('when displayName is null, then it is cleared', async () => {
    const user = await createUser(t, { displayName: 'Gone' });
    const res = await t.http().patch('/api/users/me').set(user.auth).send({ displayName: null });
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBeNull();
  });

  test('when settings are exactly 16 KB of JSON, then they are accepted; one byte more is a 400', async () => {
    const user = await createUser(t);
    const sized = (bytes: number) => ({ s: 'x'.repeat(bytes - '{"s":""}'.length) });
    expect(Buffer.byteLength(JSON.stringify(sized(16 * 1024)))).toBe(16 * 1024);
    await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ settings: sized(16 * 1024) })
      .expect(200);
    const res = await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ settings: sized(16 * 1024 + 1) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'settings', message: expect.stringContaining('16384 bytes') }]);
  });

  test.each([
    ['an empty body', {}, 'body'],
    ['an empty displayName', { displayName: '   ' }, 'displayName'],
    ['a 101-character displayName', { displayName: 'x'.repeat(101) }, 'displayName'],
    ['settings as an array', { settings: [1, 2] }, 'settings'],
    ['settings as null', { settings: null }, 'settings'],
  ])('when the body has %s, then 400 naming the field', async (_what, body, field) => {
    const user = await createUser(t);
    const res = await t.http().patch('/api/users/me').set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  test.each([
    ['role', 'admin'],
    ['plan', 'enterprise'],
    ['email', 'someone-else@example.test'],
    ['emailVerified', true],
    ['storageUsedBytes', 0],
    ['storageLimitBytes', 1e12],
    ['subscriptionStatus', 'active'],
    ['id', '6f1c7a52-3a0e-4f7e-9d7e-2b8b1f0f5c11'],
    ['passwordHash', 'x'],
  ])('when the body sets %s (mass assignment), then 400 and nothing changes', async (field, value) => {
    const user = await createUser(t, { displayName: 'Same' });
    const res = await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ displayName: 'Changed', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    const { rows } = await t.db.query(
      'SELECT role, plan, email, display_name AS "displayName" FROM users WHERE id = $1',
      [user.id],
    );
    expect(rows[0]).toEqual({ role: 'user', plan: 'free', email: user.email, displayName: 'Same' });
  });
});

describe('POST /api/users/me/password', () => {
  test('when the current password is right, then 204, the new one works and every other session is revoked', async () => {
    const user = await createUser(t);
    const other = await login(user.email, user.password);
    const res = await t
      .http()
      .post('/api/users/me/password')
      .set(user.auth)
      .send({ currentPassword: user.password, newPassword: 'a brand new password' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'a brand new password')).status).toBe(200);
    expect((await refresh(other.body.refreshToken)).status).toBe(401);
    // The session that changed the password stays signed in.
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  test('when the current password is wrong, then 403 INVALID_PASSWORD and nothing changes', async () => {
    const user = await createUser(t);
    const other = await login(user.email, user.password);
    const res = await t
      .http()
      .post('/api/users/me/password')
      .set(user.auth)
      .send({ currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('INVALID_PASSWORD');
    expect((await login(user.email, user.password)).status).toBe(200);
    expect((await refresh(other.body.refreshToken)).status).toBe(200);
  });

  test.each([
    ['a 7-character new password', { newPassword: 'short77' }, 'newPassword'],
    ['a 73-byte new password', { newPassword: 'é'.repeat(36) + 'a' }, 'newPassword'],
    ['no current password', { currentPassword: undefined }, 'currentPassword'],
    ['an unknown field', { sessionId: 'keep' }, 'sessionId'],
  ])(
    'when the body has %s, then 400 naming %s and the password is unchanged',
    async (_what, patch, field) => {
      const user = await createUser(t);
      const body = { currentPassword: user.password, newPassword: 'a brand new password', ...patch };
      const res = await t.http().post('/api/users/me/password').set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect((await login(user.email, user.password)).status).toBe(200);
    },
  );
});

describe('DELETE /api/users/me', () => {
  /** A user with something in every table this module and its neighbours write. */
  async function userWithData(): Promise<TestUser & { projectId: string }> {
    const user = await createUser(t, { displayName: 'Doomed' });
    await login(user.email, user.password);
    await storeApiKey(t, user, 'openai', 'sk-doomed-user-key-1');
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    await t
      .http()
      .post('/api/analytics/events')
      .set(user.auth)
      .set('Idempotency-Key', 'delete-me-batch')
      .send({ events: [{ type: 'editor.opened', projectId: project.id }] })
      .expect(202);
    await t
      .http()
      .patch('/api/users/me')
      .set(user.auth)
      .send({ settings: { theme: 'dark' } })
      .expect(200);
    return { ...user, projectId: project.id };
  }

  test('when the password is right, then 204 and no row anywhere holds the user', async () => {
    const bystander = await createUser(t);
    await storeApiKey(t, bystander, 'openai', 'sk-bystander-key-22');
    const user = await userWithData();
    expect(await columnsHolding(user.id)).toEqual(
      expect.arrayContaining([
        'users.id',
        'sessions.user_id',
        'api_keys.user_id',
        'analytics_events.user_id',
      ]),
    );

    const res = await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    expect(await columnsHolding(user.id)).toEqual([]);
    expect(await columnsHolding(user.projectId)).toEqual([]);
    expect(await columnsHolding(user.email)).toEqual([]);
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await login(user.email, user.password)).status).toBe(401);
    // Someone else's rows are untouched.
    expect((await t.http().get('/api/api-keys/openai').set(bystander.auth)).body.key).toBe(
      'sk-bystander-key-22',
    );
  });

  test('when the password is wrong, then 403 INVALID_PASSWORD and nothing is deleted', async () => {
    const user = await createUser(t);
    const res = await t.http().delete('/api/users/me').set(user.auth).send({ password: 'not my password' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('INVALID_PASSWORD');
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);
  });

  test.each([
    ['no body', undefined],
    ['no password', {}],
    ['an extra field', { password: 'correct horse battery', force: true }],
  ])('when DELETE has %s, then 400 and nothing is deleted', async (_what, body) => {
    const user = await createUser(t);
    const res = await t.http().delete('/api/users/me').set(user.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);
  });

  test('when deleting fails half-way through the rows, then everything is rolled back and the account still works', async () => {
    const user = await userWithData();
    // A real failure inside the cascade: the user's row is already deleted when api_keys refuses.
    await t.db.exec(`
      CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      CREATE TRIGGER api_keys_refuse_delete BEFORE DELETE ON api_keys
        FOR EACH ROW WHEN (OLD.provider = 'fail-on-delete') EXECUTE FUNCTION refuse_delete();`);
    await storeApiKey(t, user, 'fail-on-delete', 'sk-cannot-delete-me');
    const before = await columnsHolding(user.id);

    const res = await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/injected|trigger|api_keys/);

    expect(await columnsHolding(user.id)).toEqual(before);
    expect((await t.http().get('/api/auth/me').set(user.auth)).status).toBe(200);
    expect((await t.http().get(`/api/projects/${user.projectId}`).set(user.auth)).status).toBe(200);
    expect((await refresh(user.refreshToken)).status).toBe(200);
  });

  test('when an access token outlives its deleted account, then the routes answer 401', async () => {
    const user = await createUser(t);
    const second = await login(user.email, user.password);
    await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password }).expect(204);
    const auth = bearer(second.body.accessToken);
    expect((await t.http().patch('/api/users/me').set(auth).send({ displayName: 'Ghost' })).status).toBe(401);
    expect(
      (
        await t
          .http()
          .post('/api/users/me/password')
          .set(auth)
          .send({ currentPassword: user.password, newPassword: 'whatever long' })
      ).status,
    ).toBe(401);
    expect((await t.http().delete('/api/users/me').set(auth).send({ password: user.password })).status).toBe(
      401,
    );
  });
});

describe('stored files of a deleted account', () => {
  test('when the files are deleted after the rows, then each goes, and one that cannot be deleted is counted, not thrown', async () => {
    const user = await createUser(t);
    const keys = [`images/${user.id}/a.png`, `images/${user.id}/a-thumb.webp`];
    await t.ctx.store.put(keys[0], { buffer: Buffer.from('png bytes') }, { contentType: 'image/png' });
    await t.ctx.store.put(keys[1], { buffer: Buffer.from('webp bytes') }, { contentType: 'image/webp' });

    const left = await deleteUserFiles(t.ctx, [...keys, 'Not A Valid Key']);

    expect(left).toBe(1);
    expect(await t.ctx.store.exists(keys[0])).toBe(false);
    expect(await t.ctx.store.exists(keys[1])).toBe(false);
  });

  test('when the user has images and drawings, then their stored files are gone after deletion', async () => {
    const bystander = await createUser(t);
    await createImage(t, bystander, (await createProject(t, bystander)).id);
    const user = await createUser(t);
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id);
    await createDrawing(t, user, project.id, { imageId: image.id }, await makePng(8, 8));
    const listed = async (prefix: string) => {
      const keys: string[] = [];
      for await (const file of t.ctx.store.list(prefix)) keys.push(file.key);
      return keys;
    };
    // Original, thumbnail and drawing PNG: every key of the user's rows is in the store.
    const keys = await collectUserFileKeys(t.db, user.id);
    expect(keys).toHaveLength(3);
    expect(
      [...(await listed(`images/${user.id}/`)), ...(await listed(`drawings/${user.id}/`))].sort(),
    ).toEqual([...keys].sort());

    await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password }).expect(204);

    for (const key of keys) expect(await t.ctx.store.exists(key)).toBe(false);
    expect(await listed(`images/${bystander.id}/`)).toHaveLength(2);
  });
});
