import crypto from 'node:crypto';
import { useTestApp } from '../helpers/app';
import { createAdmin, createTemplate, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let owner: TestUser;
let rater: TestUser;
beforeAll(async () => {
  owner = await createUser(t, { displayName: 'Owner' });
  rater = await createUser(t, { displayName: 'Rita' });
});

const rate = (user: TestUser, templateId: string, body: Record<string, unknown>) =>
  t.http().put(`/api/templates/${templateId}/ratings`).set(user.auth).send(body);

/** The template's aggregates as the API shows them, and as the ratings table holds them. */
async function aggregates(templateId: string) {
  const api = (await t.http().get(`/api/templates/${templateId}`).set(owner.auth)).body;
  const { rows } = await t.db.query<{ average: number | null; count: number }>(
    'SELECT avg(rating)::float8 AS average, count(*)::int AS count FROM template_ratings WHERE template_id = $1',
    [templateId],
  );
  return { api: { average: api.ratingAverage, count: api.ratingCount }, table: rows[0] };
}

function expectConsistent(agg: Awaited<ReturnType<typeof aggregates>>) {
  expect(agg.api.count).toBe(agg.table.count);
  if (agg.table.average === null) expect(agg.api.average).toBeNull();
  else expect(agg.api.average).toBeCloseTo(agg.table.average, 12);
}

describe('PUT /api/templates/:id/ratings', () => {
  test('when a user rates a public template, then 200 with their rating and the aggregates follow', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const res = await rate(rater, template.id, { rating: 4, review: 'Lovely pages' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      userId: rater.id,
      displayName: 'Rita',
      rating: 4,
      review: 'Lovely pages',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const other = await createUser(t);
    await rate(other, template.id, { rating: 1 }).expect(200);
    const agg = await aggregates(template.id);
    expect(agg.api).toEqual({ average: 2.5, count: 2 });
    expectConsistent(agg);
  });

  test('when the same user rates again, then their one rating is replaced (review too) and the count stays', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const first = await rate(rater, template.id, { rating: 2, review: 'meh' });
    const second = await rate(rater, template.id, { rating: 5 });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ rating: 5, review: null, createdAt: first.body.createdAt });
    expect((await aggregates(template.id)).api).toEqual({ average: 5, count: 1 });
  });

  test('when the owner rates their own template, then 403 and nothing is stored', async () => {
    for (const isPublic of [true, false]) {
      const template = await createTemplate(t, owner, { isPublic });
      const res = await rate(owner, template.id, { rating: 5 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect((await aggregates(template.id)).table.count).toBe(0);
    }
  });

  test("when someone rates another user's private template, then 404 (an admin too) and nothing is stored", async () => {
    const template = await createTemplate(t, owner);
    const admin = await createAdmin(t);
    for (const who of [rater, admin]) {
      const res = await rate(who, template.id, { rating: 5 });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect((await aggregates(template.id)).table.count).toBe(0);
  });

  test.each([
    ['no rating', {}, 'rating'],
    ['rating 0', { rating: 0 }, 'rating'],
    ['rating 6', { rating: 6 }, 'rating'],
    ['rating 3.5', { rating: 3.5 }, 'rating'],
    ['rating "4" as a string', { rating: '4' }, 'rating'],
    ['a 2,001-character review', { rating: 3, review: 'x'.repeat(2001) }, 'review'],
    ['an unknown field', { rating: 3, userId: crypto.randomUUID() }, 'userId'],
  ])('when the body has %s, then it answers 400 and stores nothing', async (_n, body, path) => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const res = await rate(rater, template.id, body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await aggregates(template.id)).table.count).toBe(0);
  });

  test('when a review is exactly 2,000 characters, then it is kept', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const res = await rate(rater, template.id, { rating: 3, review: 'x'.repeat(2000) });
    expect(res.status).toBe(200);
    expect(res.body.review).toHaveLength(2000);
  });

  test('when there is no token, then 401; when no template has the id, then 404', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    expect((await t.http().put(`/api/templates/${template.id}/ratings`).send({ rating: 3 })).status).toBe(
      401,
    );
    expect((await rate(rater, crypto.randomUUID(), { rating: 3 })).status).toBe(404);
  });
});

describe('DELETE /api/templates/:id/ratings', () => {
  test('when the caller has a rating, then 204 and the aggregates drop back; a second delete is 404', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const other = await createUser(t);
    await rate(rater, template.id, { rating: 2 }).expect(200);
    await rate(other, template.id, { rating: 5 }).expect(200);
    const res = await t.http().delete(`/api/templates/${template.id}/ratings`).set(rater.auth);
    expect(res.status).toBe(204);
    expect((await aggregates(template.id)).api).toEqual({ average: 5, count: 1 });
    const again = await t.http().delete(`/api/templates/${template.id}/ratings`).set(rater.auth);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NOT_FOUND');
    await t.http().delete(`/api/templates/${template.id}/ratings`).set(other.auth).expect(204);
    expect((await aggregates(template.id)).api).toEqual({ average: null, count: 0 });
  });

  test('when the template has since become private, then its rater may still remove their rating', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    await rate(rater, template.id, { rating: 4 }).expect(200);
    await t.http().put(`/api/templates/${template.id}`).set(owner.auth).send({ isPublic: false }).expect(200);
    expect((await t.http().delete(`/api/templates/${template.id}/ratings`).set(rater.auth)).status).toBe(204);
    expect((await aggregates(template.id)).api).toEqual({ average: null, count: 0 });
  });

  test('when no template has the id, then 404; when there is no token, then 401', async () => {
    expect(
      (await t.http().delete(`/api/templates/${crypto.randomUUID()}/ratings`).set(rater.auth)).status,
    ).toBe(404);
    const template = await createTemplate(t, owner, { isPublic: true });
    expect((await t.http().delete(`/api/templates/${template.id}/ratings`)).status).toBe(401);
  });
});

describe('GET /api/templates/:id/ratings', () => {
  test('when a public template is asked for without a token, then its ratings come, most recently changed first', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const anonymous = await createUser(t);
    await rate(rater, template.id, { rating: 5, review: 'Great' }).expect(200);
    await rate(anonymous, template.id, { rating: 3 }).expect(200);
    const res = await t.http().get(`/api/templates/${template.id}/ratings`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({ userId: anonymous.id, displayName: null, rating: 3, review: null }),
      expect.objectContaining({ userId: rater.id, displayName: 'Rita', rating: 5, review: 'Great' }),
    ]);
    expect(res.body.pagination).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1 });
    const page2 = await t.http().get(`/api/templates/${template.id}/ratings?limit=1&page=2`);
    expect(page2.body.data.map((r: { userId: string }) => r.userId)).toEqual([rater.id]);
    const past = await t.http().get(`/api/templates/${template.id}/ratings?page=5`);
    expect(past.body).toEqual({ data: [], pagination: { page: 5, limit: 20, total: 2, totalPages: 1 } });
  });

  test('when the template is private, then only its owner sees its ratings; others and anonymous get 404', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    await rate(rater, template.id, { rating: 4 }).expect(200);
    await t.http().put(`/api/templates/${template.id}`).set(owner.auth).send({ isPublic: false }).expect(200);
    const mine = await t.http().get(`/api/templates/${template.id}/ratings`).set(owner.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toHaveLength(1);
    for (const headers of [{}, rater.auth]) {
      expect((await t.http().get(`/api/templates/${template.id}/ratings`).set(headers)).status).toBe(404);
    }
  });

  test('when the query has an unknown parameter or a bad limit, then 400', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    expect((await t.http().get(`/api/templates/${template.id}/ratings?sort=rating`)).status).toBe(400);
    expect((await t.http().get(`/api/templates/${template.id}/ratings?limit=101`)).status).toBe(400);
  });
});

describe('aggregates under concurrency and cascades', () => {
  let raters: TestUser[];
  beforeAll(async () => {
    raters = await Promise.all(Array.from({ length: 30 }, () => createUser(t)));
  });

  test('when 30 users rate at once, then ratingCount is 30 and ratingAverage the exact mean', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    // 2, 3, 4, 5, 2, …: a mean of 103 / 30, not a round number.
    const ratings = raters.map((_, i) => (i % 4) + 2);
    const responses = await Promise.all(raters.map((r, i) => rate(r, template.id, { rating: ratings[i] })));
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
    const agg = await aggregates(template.id);
    const mean = ratings.reduce((a, b) => a + b, 0) / ratings.length;
    expect(agg.api.count).toBe(30);
    expect(mean).toBeCloseTo(103 / 30, 12);
    expect(agg.api.average).toBeCloseTo(mean, 12);
    expectConsistent(agg);
  });

  test('when updates, deletes and re-ratings of the same users run at once, then the aggregates equal the ratings table', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    await Promise.all(raters.map((r, i) => rate(r, template.id, { rating: (i % 5) + 1 }).expect(200)));
    const path = `/api/templates/${template.id}/ratings`;
    const actions = raters.flatMap((r, i) => {
      switch (i % 3) {
        case 0: // delete
          return [t.http().delete(path).set(r.auth)];
        case 1: // two competing updates
          return [rate(r, template.id, { rating: 5 }), rate(r, template.id, { rating: 1 })];
        default: // delete and re-rate racing each other
          return [t.http().delete(path).set(r.auth), rate(r, template.id, { rating: 3 })];
      }
    });
    const responses = await Promise.all(actions);
    for (const res of responses) expect([200, 204, 404]).toContain(res.status);
    const agg = await aggregates(template.id);
    expectConsistent(agg);
    // Users i % 3 == 0 have no rating; i % 3 == 1 exactly one; i % 3 == 2 zero or one.
    expect(agg.table.count).toBeGreaterThanOrEqual(10);
    expect(agg.table.count).toBeLessThanOrEqual(20);
  });

  test('when a rater deletes their account, then their rating goes and the aggregates follow', async () => {
    const template = await createTemplate(t, owner, { isPublic: true });
    const leaving = await createUser(t);
    await rate(rater, template.id, { rating: 2 }).expect(200);
    await rate(leaving, template.id, { rating: 5 }).expect(200);
    await t.http().delete('/api/users/me').set(leaving.auth).send({ password: leaving.password }).expect(204);
    const agg = await aggregates(template.id);
    expect(agg.api).toEqual({ average: 2, count: 1 });
    expectConsistent(agg);
  });
});
