/**
 * A premium template's content is only for those who may use it (security review, "Hardening" finding 5):
 * its owner, administrators and users whose plan includes premium templates. Everyone else — anonymous
 * readers too — sees the template with `content: null` and `contentLocked: true`, on the single GET and in
 * the list. Before, `GET /api/templates/:id` answered the content to anyone, and these tests failed.
 */
import { useTestApp } from '../helpers/app';
import { createAdmin, createTemplate, createUser, type Template, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

const content = {
  settings: { style: 'premium' },
  stories: [{ title: 'The secret', content: 'Paid words.', imagePrompts: ['a gem'] }],
};

let author: TestUser;
let admin: TestUser;
let premium: Template;
let plain: Template;

beforeAll(async () => {
  author = await createUser(t);
  admin = await createAdmin(t);
  const made = await createTemplate(t, author, { title: 'Premium pages', isPublic: true, content });
  const promoted = await t.http().put(`/api/templates/${made.id}`).set(admin.auth).send({ isPremium: true });
  expect(promoted.status).toBe(200);
  premium = promoted.body;
  plain = await createTemplate(t, author, { title: 'Free pages', isPublic: true, content });
});

const withPlan = async (plan: 'free' | 'pro' | 'enterprise'): Promise<TestUser> => {
  const user = await createUser(t);
  await t.db.query('UPDATE users SET plan = $2 WHERE id = $1', [user.id, plan]);
  return user;
};

const locked = { content: null, contentLocked: true };
const open = { content, contentLocked: false };

describe('GET /api/templates/:id of a premium template', () => {
  test('when read anonymously, then its content is withheld and contentLocked is true', async () => {
    const res = await t.http().get(`/api/templates/${premium.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: premium.id, title: 'Premium pages', isPremium: true, ...locked });
  });

  test('when read by a free user, then its content is withheld', async () => {
    const res = await t
      .http()
      .get(`/api/templates/${premium.id}`)
      .set((await withPlan('free')).auth);
    expect(res.body).toMatchObject(locked);
  });

  test.each([['pro' as const], ['enterprise' as const]])(
    'when read by a %s user, then the content is there',
    async (plan) => {
      const res = await t
        .http()
        .get(`/api/templates/${premium.id}`)
        .set((await withPlan(plan)).auth);
      expect(res.body).toMatchObject(open);
    },
  );

  test('when read by its owner (on the free plan) or an administrator, then the content is there', async () => {
    expect((await t.http().get(`/api/templates/${premium.id}`).set(author.auth)).body).toMatchObject(open);
    expect((await t.http().get(`/api/templates/${premium.id}`).set(admin.auth)).body).toMatchObject(open);
  });

  test('when a locked reader revalidates, then 304 while locked; after an upgrade the content comes (the locked copy has its own ETag)', async () => {
    const free = await withPlan('free');
    const get = (etag?: string) => {
      const req = t.http().get(`/api/templates/${premium.id}`).set(free.auth);
      return etag ? req.set('If-None-Match', etag) : req;
    };
    const first = await get();
    expect(first.headers.etag).toBe(`W/"${premium.version}-locked"`);
    expect((await get(first.headers.etag)).status).toBe(304);
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [free.id]);
    const upgraded = await get(first.headers.etag);
    expect(upgraded.status).toBe(200);
    expect(upgraded.headers.etag).toBe(`"${premium.version}"`);
    expect(upgraded.body).toMatchObject(open);
  });

  test('when a template is not premium, then anyone reads its content', async () => {
    expect((await t.http().get(`/api/templates/${plain.id}`)).body).toMatchObject(open);
  });
});

describe('GET /api/templates', () => {
  const rowsOf = async (auth?: { Authorization: string }) => {
    const req = t.http().get('/api/templates?limit=100');
    const res = await (auth ? req.set(auth) : req);
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.map((row: any) => [row.id, row]));
    return { premium: byId.get(premium.id), plain: byId.get(plain.id) };
  };

  test('when listed anonymously or by a free user, then the premium row has no content and the plain one has', async () => {
    for (const rows of [await rowsOf(), await rowsOf((await withPlan('free')).auth)]) {
      expect(rows.premium).toMatchObject(locked);
      expect(rows.plain).toMatchObject(open);
    }
  });

  test('when listed by a pro user, the owner or an administrator, then every row has its content', async () => {
    for (const auth of [(await withPlan('pro')).auth, author.auth, admin.auth]) {
      const rows = await rowsOf(auth);
      expect(rows.premium).toMatchObject(open);
      expect(rows.plain).toMatchObject(open);
    }
  });
});
