import { insertEvents } from '../../src/modules/analytics/analytics.queries';
import { setRoleByEmail } from '../../src/modules/users/users.service';
import { useTestApp } from '../helpers/app';
import { createAdmin, createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ env: { ANALYTICS_RETENTION_DAYS: '30' } });

const DAY = 24 * 3600 * 1000;
/** `YYYY-MM-DD` of the UTC day `n` days before today. */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);
const at = (date: string, time = '12:00:00') => `${date}T${time}Z`;

const send = (user: TestUser, events: object[]) =>
  t.http().post('/api/analytics/events').set(user.auth).send({ events }).expect(202);
/**
 * Client events older than the API takes (7 days), written straight into the table: summaries and the
 * retention clean-up still have to handle them (events sent before the bound existed, or queued long).
 */
const seed = (user: TestUser, events: { type: string; occurredAt: string }[]) =>
  insertEvents(
    t.db,
    events.map((event) => ({ ...event, userId: user.id, source: 'client' as const })),
  );
const summary = (user: TestUser, query = '') => t.http().get(`/api/analytics/summary${query}`).set(user.auth);
const adminSummary = (user: TestUser, query = '') =>
  t.http().get(`/api/admin/analytics/summary${query}`).set(user.auth);

describe('GET /api/analytics/summary', () => {
  test("when the server acted for a user, then its own events (register, login, project created) are in the user's summary", async () => {
    const user = await createUser(t);
    await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
    await createProject(t, user);
    const res = await summary(user);
    expect(res.status).toBe(200);
    expect(res.body.byType).toEqual({ 'project.created': 1, 'user.login': 1, 'user.registered': 1 });
    expect(res.body.byDay).toEqual([{ date: daysAgo(0), count: 3 }]);
  });

  test('when a range is given, then counts by type and by UTC day cover only the caller and only [from, to)', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const [d1, d2, d3] = [daysAgo(5), daysAgo(4), daysAgo(3)];
    await send(user, [
      { type: 'page.view', occurredAt: at(d1, '00:00:00') },
      { type: 'page.view', occurredAt: at(d1, '23:59:59') },
      { type: 'editor.opened', occurredAt: at(d2) },
      { type: 'page.view', occurredAt: at(d3, '00:00:00') },
      { type: 'page.view', occurredAt: at(daysAgo(6), '23:59:59') },
    ]);
    await send(other, [{ type: 'page.view', occurredAt: at(d1) }]);

    const res = await summary(user, `?from=${d1}&to=${d3}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: `${d1}T00:00:00.000Z`,
      to: `${d3}T00:00:00.000Z`,
      byType: { 'editor.opened': 1, 'page.view': 2 },
      byDay: [
        { date: d1, count: 2 },
        { date: d2, count: 1 },
      ],
    });

    const times = await summary(user, `?from=${at(d1, '12:00:00')}&to=${at(d3, '00:00:01')}`);
    expect(times.body.byType).toEqual({ 'editor.opened': 1, 'page.view': 2 });
    expect(times.body.from).toBe(`${d1}T12:00:00.000Z`);
  });

  test('when no range is given, then it covers the 30 UTC days up to the start of tomorrow', async () => {
    const user = await createUser(t);
    const expectedTo = () => new Date(Date.parse(daysAgo(-1))).toISOString();
    const before = expectedTo();
    const res = await summary(user);
    expect([before, expectedTo()]).toContain(res.body.to);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(30 * DAY);

    const onlyTo = await summary(user, `?to=${daysAgo(10)}`);
    expect(onlyTo.body).toMatchObject({
      from: `${daysAgo(40)}T00:00:00.000Z`,
      to: `${daysAgo(10)}T00:00:00.000Z`,
      byType: {},
      byDay: [],
    });
  });

  test.each([
    ['from after to', `?from=${daysAgo(1)}&to=${daysAgo(2)}`, 'query'],
    ['from equal to to', `?from=${daysAgo(1)}&to=${daysAgo(1)}`, 'query'],
    ['a malformed from', '?from=last-week', 'from'],
    ['an impossible date', '?from=2024-02-30', 'from'],
    ['a date-time without a time zone', '?to=2024-05-01T10:00:00', 'to'],
    ['an unknown parameter', '?userId=6f1c7a52-3a0e-4f7e-9d7e-2b8b1f0f5c11', 'userId'],
  ])('when the query has %s, then 400 naming the field', async (_what, query, field) => {
    const user = await createUser(t);
    for (const res of [await summary(user, query), await adminSummary(await createAdmin(t), query)]) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    }
  });
});

describe('GET /api/admin/analytics/summary', () => {
  test('when an admin asks, then events of every user by type and day, active users per day and total users', async () => {
    const admin = await createAdmin(t);
    const [a, b, c] = [await createUser(t), await createUser(t), await createUser(t)];
    const [d1, d2] = [daysAgo(20), daysAgo(19)];
    await seed(a, [
      { type: 'page.view', occurredAt: at(d1) },
      { type: 'page.view', occurredAt: at(d1) },
      { type: 'export.clicked', occurredAt: at(d2) },
    ]);
    await seed(b, [{ type: 'page.view', occurredAt: at(d1) }]);
    await seed(c, [{ type: 'page.view', occurredAt: at(daysAgo(18)) }]);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');

    const res = await adminSummary(admin, `?from=${d1}&to=${daysAgo(18)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: `${d1}T00:00:00.000Z`,
      to: `${daysAgo(18)}T00:00:00.000Z`,
      byType: { 'export.clicked': 1, 'page.view': 3 },
      byDay: [
        { date: d1, count: 3 },
        { date: d2, count: 1 },
      ],
      activeUsersByDay: [
        { date: d1, count: 2 },
        { date: d2, count: 1 },
      ],
      activeUsers: 2,
      totalUsers: rows[0].n,
    });
  });

  test('when a non-admin asks, then 403 FORBIDDEN, even with an invalid query', async () => {
    const user = await createUser(t);
    for (const query of ['', '?from=nonsense']) {
      const res = await adminSummary(user, query);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });

  test('when an admin is promoted and demoted by email, then the same access token gains and loses access at once', async () => {
    const user = await createUser(t);
    await adminSummary(user).expect(403);
    const promoted = await setRoleByEmail(t.db, t.config, user.email.toUpperCase(), 'admin');
    expect(promoted).toMatchObject({ id: user.id, role: 'admin' });
    await adminSummary(user).expect(200);
    await setRoleByEmail(t.db, t.config, user.email, 'user');
    await adminSummary(user).expect(403);
    expect(await setRoleByEmail(t.db, t.config, 'nobody@example.test', 'admin')).toBeNull();
  });
});

describe('retention', () => {
  test('when the clean-up runs, then events older than ANALYTICS_RETENTION_DAYS go and newer ones stay', async () => {
    const user = await createUser(t);
    await seed(user, [
      { type: 'old.event', occurredAt: at(daysAgo(45)) },
      { type: 'old.event', occurredAt: at(daysAgo(31)) },
      { type: 'kept.event', occurredAt: at(daysAgo(29)) },
    ]);
    const task = t.app.locals.maintenance.find((m) => m.name === 'analytics-retention');
    expect(task).toBeDefined();
    expect(await task!.run()).toBeGreaterThanOrEqual(2);
    const { rows } = await t.db.query<{ type: string }>(
      `SELECT type FROM analytics_events WHERE user_id = $1 AND source = 'client'`,
      [user.id],
    );
    expect(rows).toEqual([{ type: 'kept.event' }]);
    expect(await task!.run()).toBe(0);
  });
});
