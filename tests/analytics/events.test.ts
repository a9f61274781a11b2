import fs from 'node:fs';
import path from 'node:path';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp();

const DAY = 24 * 3600 * 1000;
/** `YYYY-MM-DD` of the UTC day `n` days before today. */
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

const post = (user: TestUser, body: object) =>
  t.http().post('/api/analytics/events').set(user.auth).send(body);

const clientEvents = async (userId: string) =>
  (
    await t.db.query<{ type: string; projectId: string | null; properties: unknown; occurredAt: Date }>(
      `SELECT type, project_id AS "projectId", properties, occurred_at AS "occurredAt"
         FROM analytics_events WHERE user_id = $1 AND source = 'client' ORDER BY id`,
      [userId],
    )
  ).rows;

describe('anonymous access', () => {
  test.each([
    ['post', '/api/analytics/events'],
    ['get', '/api/analytics/summary'],
    ['get', '/api/admin/analytics/summary'],
  ] as const)('when %s %s has no token, then 401 UNAUTHENTICATED', async (method, path) => {
    const request = t.http()[method](path);
    const res = await (method === 'post' ? request.send({ events: [{ type: 'page.view' }] }) : request);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('POST /api/analytics/events', () => {
  test('when a valid batch is sent, then 202 with the count, and the events are stored as client events', async () => {
    const user = await createUser(t);
    const res = await post(user, {
      events: [
        { type: 'editor.opened', properties: { tool: 'brush', size: 3 } },
        { type: 'page_view', occurredAt: `${daysAgo(2)}T10:00:00+02:00` },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 2 });
    const rows = await clientEvents(user.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      type: 'editor.opened',
      projectId: null,
      properties: { tool: 'brush', size: 3 },
    });
    expect(new Date(rows[1].occurredAt).toISOString()).toBe(`${daysAgo(2)}T08:00:00.000Z`);
    expect(rows[1].properties).toEqual({});
  });

  test("when an event names one of the caller's projects, then it is stored with it", async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await post(user, { events: [{ type: 'project.opened', projectId: project.id }] }).expect(202);
    expect((await clientEvents(user.id))[0].projectId).toBe(project.id);
  });

  test("when one event names another user's project, then 404 and nothing of the batch is stored", async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const project = await createProject(t, owner);
    const res = await post(other, {
      events: [{ type: 'page.view' }, { type: 'project.opened', projectId: project.id }],
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(await clientEvents(other.id)).toEqual([]);
  });

  test('when a batch has 100 events, then all are accepted; 101 or none are refused', async () => {
    const user = await createUser(t);
    const events = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ type: 'bulk.event', properties: { i } }));
    expect((await post(user, { events: events(100) })).body).toEqual({ accepted: 100 });
    for (const n of [101, 0]) {
      const res = await post(user, { events: events(n) });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['events']);
    }
    expect(await clientEvents(user.id)).toHaveLength(100);
  });

  test('when properties are exactly 8 KB of JSON, then the event is accepted', async () => {
    const user = await createUser(t);
    const properties = { s: 'x'.repeat(8 * 1024 - '{"s":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(properties))).toBe(8 * 1024);
    await post(user, { events: [{ type: 'big.event', properties }] }).expect(202);
  });

  const tooBig = { s: 'x'.repeat(8 * 1024 - '{"s":""}'.length + 1) };
  test.each([
    ['an upper-case type', { type: 'Page.view' }, 'events.3.type'],
    ['a one-character type', { type: 'p' }, 'events.3.type'],
    ['a 65-character type', { type: 'p'.repeat(65) }, 'events.3.type'],
    ['a type starting with a digit', { type: '1page' }, 'events.3.type'],
    ['a type with a dash', { type: 'page-view' }, 'events.3.type'],
    ['no type', { properties: {} }, 'events.3.type'],
    ['properties over 8 KB', { type: 'ok.type', properties: tooBig }, 'events.3.properties'],
    ['properties as an array', { type: 'ok.type', properties: [1] }, 'events.3.properties'],
    ['a projectId that is not a UUID', { type: 'ok.type', projectId: '42' }, 'events.3.projectId'],
    ['a malformed occurredAt', { type: 'ok.type', occurredAt: 'yesterday' }, 'events.3.occurredAt'],
    [
      'an occurredAt without a time zone',
      { type: 'ok.type', occurredAt: '2024-05-01T10:00:00' },
      'events.3.occurredAt',
    ],
    ['an occurredAt two days ahead', { type: 'ok.type', occurredAt: 'FUTURE' }, 'events.3.occurredAt'],
    ['an occurredAt 10 minutes ahead', { type: 'ok.type', occurredAt: +10 * 60 }, 'events.3.occurredAt'],
    ['an occurredAt 8 days ago', { type: 'ok.type', occurredAt: -8 * 24 * 3600 }, 'events.3.occurredAt'],
    ['an occurredAt in 2020', { type: 'ok.type', occurredAt: '2020-01-01T00:00:00Z' }, 'events.3.occurredAt'],
    ["the server's own plan.changed", { type: 'plan.changed' }, 'events.3.type'],
    [
      "the server's own export.created, backdated",
      { type: 'export.created', occurredAt: '2020-06-01T00:00:00Z' },
      ['events.3.type', 'events.3.occurredAt'],
    ],
    [
      'a userId (mass assignment)',
      { type: 'ok.type', userId: '6f1c7a52-3a0e-4f7e-9d7e-2b8b1f0f5c11' },
      'events.3.userId',
    ],
    ['a source (mass assignment)', { type: 'ok.type', source: 'server' }, 'events.3.source'],
  ])(
    'when the 4th event has %s, then the whole batch is refused with 400 naming its index',
    async (_what, bad, path) => {
      const user = await createUser(t);
      // 'FUTURE' and numbers (seconds from now) are made into times when the test runs.
      const when = (bad as { occurredAt?: unknown }).occurredAt;
      const event =
        when === 'FUTURE'
          ? { ...bad, occurredAt: new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString() }
          : typeof when === 'number'
            ? { ...bad, occurredAt: new Date(Date.now() + when * 1000).toISOString() }
            : bad;
      const res = await post(user, {
        events: [{ type: 'a.b' }, { type: 'a.c' }, { type: 'a.d' }, event, { type: 'a.e' }],
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([path].flat());
      expect(await clientEvents(user.id)).toEqual([]);
    },
  );

  test.each([
    ['no events field', {}],
    ['events that is not an array', { events: { type: 'a.b' } }],
    ['an unknown top-level field', { events: [{ type: 'a.b' }], userId: 'x' }],
  ])('when the body has %s, then 400', async (_what, body) => {
    const user = await createUser(t);
    expect((await post(user, body)).status).toBe(400);
    expect(await clientEvents(user.id)).toEqual([]);
  });

  /** What the server records itself, written out here rather than taken from the code under test. */
  const SERVER_TYPES = [
    'user.registered',
    'user.login',
    'user.password_reset',
    'project.created',
    'story.created',
    'image.created',
    'drawing.created',
    'template.used',
    'export.created',
    'plan.changed',
  ];

  test('when a client sends any type the server records itself, then 400 naming the event and the reason', async () => {
    const user = await createUser(t);
    const res = await post(user, {
      events: [{ type: 'page.view' }, ...SERVER_TYPES.map((type) => ({ type }))],
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.errors).toEqual(
      SERVER_TYPES.map((_type, i) => ({
        path: `events.${i + 1}.type`,
        message: 'is an event type the server records itself; clients may not send it',
      })),
    );
    expect(await clientEvents(user.id)).toEqual([]);
  });

  test('when every type the server records is looked for in the code, then each is one the clients may not send', () => {
    // The server's own events as recorded by `recordEvent(…, { type: '…' })` anywhere in src/.
    const recorded = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts')) {
          const text = fs.readFileSync(file, 'utf8');
          for (const call of text.split('recordEvent(').slice(1)) {
            const type = /type: '([a-z0-9_.]+)'/.exec(call.slice(0, 400))?.[1];
            if (type) recorded.add(type);
          }
        }
      }
    };
    walk(path.join(__dirname, '../../src'));
    expect([...recorded].sort()).toEqual([...SERVER_TYPES].sort());
  });

  test('when occurredAt is 6 days ago or 4 minutes ahead, then it is accepted as sent', async () => {
    const user = await createUser(t);
    const past = new Date(Date.now() - 6 * DAY);
    const ahead = new Date(Date.now() + 4 * 60 * 1000);
    await post(user, {
      events: [
        { type: 'offline.queued', occurredAt: past.toISOString() },
        { type: 'clock.fast', occurredAt: ahead.toISOString() },
      ],
    }).expect(202);
    const rows = await clientEvents(user.id);
    expect(rows.map((row) => new Date(row.occurredAt).getTime())).toEqual([past.getTime(), ahead.getTime()]);
  });

  test('when the OpenAPI document is read, then the reserved types and the time bounds are described', async () => {
    const doc = (await t.http().get('/api/openapi.json')).body;
    const description: string = doc.paths['/api/analytics/events'].post.description;
    for (const type of SERVER_TYPES) expect(description).toContain(`\`${type}\``);
    expect(description).toMatch(/7 days in the past and 5 minutes in the future/);
  });

  test('when a batch is replayed with the same Idempotency-Key, then the first answer comes back and nothing is stored twice', async () => {
    const user = await createUser(t);
    const send = () =>
      t
        .http()
        .post('/api/analytics/events')
        .set(user.auth)
        .set('Idempotency-Key', 'offline-batch-1')
        .send({ events: [{ type: 'page.view' }, { type: 'page.view' }] });
    expect((await send()).status).toBe(202);
    const replay = await send();
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ accepted: 2 });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await clientEvents(user.id)).toHaveLength(2);
  });
});
