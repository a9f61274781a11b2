import { useTestApp } from '../helpers/app';
import { createUser, storeApiKey, type TestUser } from '../helpers/factories';

const t = useTestApp({ captureLogs: true });

const SECRET = 'sk-live-Zq8vN2pL4xR7tY1wE5uI9oP3';

/** Every text-like and bytea column of every table, and which of them hold `needle` (or its base64/hex). */
async function columnsContaining(needle: string): Promise<{ scanned: number; found: string[] }> {
  const { rows: columns } = await t.db.query<{ table: string; column: string; type: string }>(
    `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS type
       FROM information_schema.columns c
       JOIN information_schema.tables tb
         ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema()
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
             OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_jsonb')))`,
  );
  const needles = [needle, Buffer.from(needle).toString('base64'), Buffer.from(needle).toString('hex')];
  const found: string[] = [];
  for (const { table, column, type } of columns) {
    const ident = `"${table.replace(/"/g, '""')}"."${column.replace(/"/g, '""')}"`;
    const from = `FROM "${table.replace(/"/g, '""')}"`;
    for (const n of needles) {
      const { rows } =
        type === 'bytea'
          ? await t.db.query<{ hit: boolean }>(
              `SELECT EXISTS (SELECT 1 ${from} WHERE position($1::bytea IN ${ident}) > 0) AS hit`,
              [Buffer.from(n)],
            )
          : await t.db.query<{ hit: boolean }>(
              `SELECT EXISTS (SELECT 1 ${from} WHERE strpos(${ident}::text, $1) > 0) AS hit`,
              [n],
            );
      if (rows[0].hit) found.push(`${table}.${column}`);
    }
  }
  return { scanned: columns.length, found: [...new Set(found)] };
}

const maskedKeys = ['createdAt', 'label', 'last4', 'lastUsedAt', 'provider', 'updatedAt'];

describe('anonymous access', () => {
  test.each([
    ['get', '/api/api-keys'],
    ['put', '/api/api-keys/openai'],
    ['get', '/api/api-keys/openai'],
    ['delete', '/api/api-keys/openai'],
  ] as const)('when %s %s has no token, then 401 UNAUTHENTICATED', async (method, path) => {
    const request = t.http()[method](path);
    const res = await (method === 'put' ? request.send({ key: SECRET }) : request);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('storing, reading and deleting a key', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t);
  });

  test('when a key is stored for a new provider, then 201 with Location and the masked form only', async () => {
    const res = await t
      .http()
      .put('/api/api-keys/openai')
      .set(user.auth)
      .send({ key: SECRET, label: 'Work' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/api-keys/openai');
    expect(Object.keys(res.body).sort()).toEqual(maskedKeys);
    expect(res.body).toMatchObject({
      provider: 'openai',
      label: 'Work',
      last4: SECRET.slice(-4),
      lastUsedAt: null,
    });
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  test('when the key is replaced, then 200, the new last4, and a label left out becomes null', async () => {
    const res = await t.http().put('/api/api-keys/openai').set(user.auth).send({ key: 'sk-second-key-9876' });
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toMatchObject({ provider: 'openai', label: null, last4: '9876' });
    await storeApiKey(t, user, 'openai', SECRET, 'Work');
  });

  test('when the keys are listed, then each shows last4 and never the key', async () => {
    await storeApiKey(t, user, 'anthropic', 'sk-ant-0000-1111');
    const res = await t.http().get('/api/api-keys').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1 });
    expect(res.body.data.map((k: { provider: string }) => k.provider)).toEqual(['anthropic', 'openai']);
    for (const item of res.body.data) expect(Object.keys(item).sort()).toEqual(maskedKeys);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });

  test('when the owner reads one key, then the plaintext comes back with no-store and lastUsedAt is set', async () => {
    const res = await t.http().get('/api/api-keys/openai').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(Object.keys(res.body).sort()).toEqual([...maskedKeys, 'key'].sort());
    expect(res.body).toMatchObject({
      provider: 'openai',
      label: 'Work',
      key: SECRET,
      last4: SECRET.slice(-4),
    });
    expect(res.body.lastUsedAt).toEqual(expect.any(String));
    const list = await t.http().get('/api/api-keys').set(user.auth);
    const openai = list.body.data.find((k: { provider: string }) => k.provider === 'openai');
    expect(openai.lastUsedAt).toBe(res.body.lastUsedAt);
  });

  test('when a key is deleted, then 204, and reading or deleting it again answers 404', async () => {
    await storeApiKey(t, user, 'gone-soon', 'sk-delete-me-1234');
    const res = await t.http().delete('/api/api-keys/gone-soon').set(user.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await t.http().get('/api/api-keys/gone-soon').set(user.auth)).status).toBe(404);
    const again = await t.http().delete('/api/api-keys/gone-soon').set(user.auth);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NOT_FOUND');
  });
});

describe("another user's keys (BOLA)", () => {
  test("when a user reads or deletes another user's provider, then 404 and the owner's key is untouched", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    await storeApiKey(t, owner, 'openai', SECRET);
    const read = await t.http().get('/api/api-keys/openai').set(other.auth);
    expect(read.status).toBe(404);
    expect(JSON.stringify(read.body)).not.toContain(SECRET);
    expect((await t.http().delete('/api/api-keys/openai').set(other.auth)).status).toBe(404);
    const list = await t.http().get('/api/api-keys').set(other.auth);
    expect(list.body).toEqual({ data: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } });

    const own = await t
      .http()
      .put('/api/api-keys/openai')
      .set(other.auth)
      .send({ key: 'sk-other-user-5555' });
    expect(own.status).toBe(201);
    const ownerRead = await t.http().get('/api/api-keys/openai').set(owner.auth);
    expect(ownerRead.body.key).toBe(SECRET);
  });
});

describe('validation', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t);
  });

  test.each([
    ['an upper-case provider', 'OpenAI', { key: SECRET }, 'provider'],
    ['a one-character provider', 'a', { key: SECRET }, 'provider'],
    ['a 33-character provider', 'x'.repeat(33), { key: SECRET }, 'provider'],
    ['a provider with _', 'open_ai', { key: SECRET }, 'provider'],
    ['a 7-character key', 'openai', { key: 'short-7' }, 'key'],
    ['a 513-character key', 'openai', { key: 'k'.repeat(513) }, 'key'],
    ['no key', 'openai', {}, 'key'],
    ['an empty label', 'openai', { key: SECRET, label: '' }, 'label'],
    ['last4 (mass assignment)', 'openai', { key: SECRET, last4: 'abcd' }, 'last4'],
    [
      'userId (mass assignment)',
      'openai',
      { key: SECRET, userId: '6f1c7a52-3a0e-4f7e-9d7e-2b8b1f0f5c11' },
      'userId',
    ],
    [
      'lastUsedAt (mass assignment)',
      'openai',
      { key: SECRET, lastUsedAt: '2020-01-01T00:00:00Z' },
      'lastUsedAt',
    ],
  ])(
    'when PUT has %s, then 400 naming the field without echoing the key',
    async (_what, provider, body, field) => {
      const res = await t.http().put(`/api/api-keys/${provider}`).set(user.auth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(SECRET);
      if (typeof (body as { key?: string }).key === 'string')
        expect(text).not.toContain((body as { key: string }).key);
      const stored = await t.db.query('SELECT 1 FROM api_keys WHERE user_id = $1', [user.id]);
      expect(stored.rows).toHaveLength(0);
    },
  );

  test.each([
    ['get', '/api/api-keys/Bad_Provider'],
    ['delete', '/api/api-keys/Bad_Provider'],
    ['get', '/api/api-keys?page=0'],
    ['get', '/api/api-keys?limit=101'],
    ['get', '/api/api-keys?sort=provider'],
  ] as const)('when %s %s, then 400 VALIDATION_ERROR', async (method, path) => {
    const res = await t.http()[method](path).set(user.auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('ciphertexts that do not decrypt', () => {
  test('when a stored ciphertext is tampered with, then 409 KEY_UNREADABLE with no details and lastUsedAt unchanged', async () => {
    const user = await createUser(t);
    await storeApiKey(t, user, 'openai', SECRET);
    await t.db.query(
      `UPDATE api_keys SET ciphertext = overlay(ciphertext PLACING decode(lpad(to_hex(get_byte(ciphertext, 0) # 1), 2, '0'), 'hex') FROM 1 FOR 1)
        WHERE user_id = $1`,
      [user.id],
    );
    const res = await t.http().get('/api/api-keys/openai').set(user.auth);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);
    expect(res.body.code).toBe('KEY_UNREADABLE');
    expect(res.body.detail).not.toMatch(/aes|gcm|auth|cipher|decipher|stack|keyId|test1/i);
    const { rows } = await t.db.query<{ lastUsedAt: Date | null }>(
      'SELECT last_used_at AS "lastUsedAt" FROM api_keys WHERE user_id = $1',
      [user.id],
    );
    expect(rows[0].lastUsedAt).toBeNull();
    expect(t.logs.some((line) => line.includes('stored API key does not decrypt'))).toBe(true);
  });

  test("when a ciphertext is copied into another user's row, then that user gets 409 and the owner still reads it", async () => {
    const owner = await createUser(t);
    const thief = await createUser(t);
    await storeApiKey(t, owner, 'openai', SECRET);
    await storeApiKey(t, thief, 'openai', 'sk-thief-own-key-000');
    await t.db.query(
      `UPDATE api_keys AS dst
          SET key_id = src.key_id, nonce = src.nonce, ciphertext = src.ciphertext, auth_tag = src.auth_tag
         FROM api_keys AS src
        WHERE src.user_id = $1 AND src.provider = 'openai' AND dst.user_id = $2 AND dst.provider = 'openai'`,
      [owner.id, thief.id],
    );
    const stolen = await t.http().get('/api/api-keys/openai').set(thief.auth);
    expect(stolen.status).toBe(409);
    expect(stolen.body.code).toBe('KEY_UNREADABLE');
    expect(JSON.stringify(stolen.body)).not.toContain(SECRET);
    const own = await t.http().get('/api/api-keys/openai').set(owner.auth);
    expect(own.status).toBe(200);
    expect(own.body.key).toBe(SECRET);
  });
});

describe('plaintext never stored or logged', () => {
  test('when keys were stored, read and refused, then no column of any table and no log line holds the plaintext', async () => {
    const user = await createUser(t);
    await storeApiKey(t, user, 'scan-me', SECRET, 'Scanned');
    await t.http().get('/api/api-keys/scan-me').set(user.auth).expect(200);
    await t.http().put('/api/api-keys/scan-me').set(user.auth).send({ key: SECRET, extra: true }).expect(400);
    await t
      .http()
      .put('/api/api-keys/scan-me')
      .set(user.auth)
      .set('Content-Type', 'application/json')
      .send(`{"key":"${SECRET}"`)
      .expect(400);

    const scan = await columnsContaining(SECRET);
    expect(scan.scanned).toBeGreaterThan(10);
    expect(scan.found).toEqual([]);
    // The scan does find what is there: the user's email sits in users.email.
    expect((await columnsContaining(user.email)).found).toContain('users.email');

    expect(t.logs.length).toBeGreaterThan(0);
    const logText = t.logs.join('\n');
    for (const form of [
      SECRET,
      Buffer.from(SECRET).toString('base64'),
      Buffer.from(SECRET).toString('hex'),
    ]) {
      expect(logText).not.toContain(form);
    }
  });
});
