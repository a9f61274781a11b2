import { useTestApp } from '../helpers/app';
import { usingPostgres } from '../helpers/db';
import {
  bearer,
  createProject,
  createStory,
  createUser,
  type Project,
  type TestUser,
} from '../helpers/factories';
import { waitFor } from '../helpers/spawn-server';
import { holdUntil } from './helpers';
import { listen, openSse, type SseBlock, type SseStream } from './sse-client';

/**
 * GET /api/sync/stream and POST /api/sync/tickets over real HTTP (the stream needs a socket): replay, live
 * delivery, heartbeat, the per-user limit, tickets, session revocation.
 */
const t = useTestApp({ env: { SYNC_HEARTBEAT_S: '1', SYNC_SESSION_CHECK_S: '1' } });
let server: { url: string; close(): Promise<void> };
const open: SseStream[] = [];

beforeAll(async () => {
  server = await listen(t.handler);
});
afterEach(async () => {
  for (const stream of open.splice(0)) stream.close();
  // Let the server see the closes (and free the places) before the next test.
  await new Promise((resolve) => setTimeout(resolve, 50));
});
afterAll(async () => {
  await server.close();
});

async function stream(query = '', headers: Record<string, string> = {}): Promise<SseStream> {
  const opened = await openSse(`${server.url}/api/sync/stream${query}`, headers);
  open.push(opened);
  return opened;
}

const isOpen = (s: SseStream) => s.next((block) => block.comment === 'open');
const changeOf = (id: string) => (block: { event?: string; data?: string }) =>
  block.event === 'change' && (JSON.parse(block.data ?? 'null') as { id?: string } | null)?.id === id;

describe('GET /api/sync/stream', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t);
  });

  test('when a client opens the stream without since, then it is an uncompressed, unbuffered event stream that replays the full state', async () => {
    const project = await createProject(t, user);
    const s = await stream('', { ...user.auth, 'Accept-Encoding': 'gzip, br' });
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toMatch(/no-cache/);
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    expect(s.headers.get('content-encoding')).toBeNull();
    const event = await s.next(changeOf(project.id));
    expect(event.id).toEqual(expect.any(String));
    expect(JSON.parse(event.data!)).toMatchObject({ kind: 'project', id: project.id, op: 'upsert' });
    await s.next(changeOf(user.id));
  });

  test('when a client reconnects with since or Last-Event-ID, then only what changed after that cursor is replayed', async () => {
    const first = await createProject(t, user);
    const s1 = await stream('', user.auth);
    await s1.next(changeOf(first.id));
    // Every event carries a cursor; the last one read is where a client resumes.
    await isOpen(s1);
    // The cursor a client resumes from: the last event's. The full state's events carry the horizon taken when
    // the stream opened, which a write transaction open elsewhere on the cluster (another test file's) can hold
    // below `first`'s own log row; the stream then sends `first` again from the log once the horizon passes
    // (docs/sync.md). Resume only from a cursor the feed says is past `first`, as a client that has applied
    // everything up to it would.
    const cursor = await waitFor(
      'a cursor past the first project',
      async () => {
        const last = s1.blocks.filter((b) => b.event === 'change').at(-1)!.id!;
        const after = await t.http().get('/api/sync/changes').query({ since: last }).set(user.auth);
        expect(after.status).toBe(200);
        const ids = (after.body.changes as Array<{ id: string }>).map((c) => c.id);
        // hasMore: the feed's horizon is still held below something of this user's (not yet readable).
        return ids.includes(first.id) || after.body.hasMore ? null : last;
      },
      10_000,
      100,
    );
    s1.close();
    const second = await createProject(t, user);

    for (const [query, headers] of [
      [`?since=${encodeURIComponent(cursor)}`, user.auth],
      ['', { ...user.auth, 'Last-Event-ID': cursor }],
    ] as const) {
      const s = await stream(query, headers);
      expect(s.status).toBe(200);
      await s.next(changeOf(second.id));
      expect(s.changes().map(({ change }) => change.id)).not.toContain(first.id);
      s.close();
    }
  });

  (usingPostgres() ? test : test.skip)(
    'when the horizon was held below a write as the stream opened, then the write comes again from the log, and only a cursor past it skips it',
    async () => {
      // A user of its own: the describe's user may still hold places (5 a user) for streams whose close the
      // server has not seen yet, and a refused stream answers 429, not events.
      const reader = await createUser(t);
      // Another client's write transaction, open while `held` commits and until the stream has sent its full
      // state (whose cursor is the horizon it took when it opened).
      let release!: () => void;
      const hold = holdUntil(t.db, new Promise<void>((resolve) => (release = resolve)));
      await hold.started;
      let held: Project;
      let s1: SseStream;
      let fromState: SseBlock;
      try {
        held = await createProject(t, reader, { title: 'Written under a held horizon' });
        s1 = await stream('', reader.auth);
        expect(s1.status).toBe(200);
        fromState = await s1.next(changeOf(held.id));
      } finally {
        release();
        await hold.ended;
      }
      // The horizon passes the project's log row: the stream sends it again, with a later cursor.
      const fromLog = await s1.next((block) => changeOf(held.id)(block) && block.id !== fromState.id, 5_000);
      s1.close();
      expect(JSON.parse(fromLog.data!)).toMatchObject({ kind: 'project', id: held.id, op: 'upsert' });

      // Resuming from the full state's cursor brings the project again (nothing is lost; it may come twice);
      // from the log event's cursor it does not.
      const early = await stream(`?since=${encodeURIComponent(fromState.id!)}`, reader.auth);
      expect(early.status).toBe(200);
      await early.next(changeOf(held.id));
      early.close();
      const marker = await createProject(t, reader);
      const late = await stream(`?since=${encodeURIComponent(fromLog.id!)}`, reader.auth);
      expect(late.status).toBe(200);
      await late.next(changeOf(marker.id));
      expect(late.changes().map(({ change }) => change.id)).not.toContain(held.id);
    },
    15_000,
  );

  test('when a resource is written while a stream is open, then the change arrives within 1 s of the commit', async () => {
    const project = await createProject(t, user);
    const s = await stream('', user.auth);
    await s.next(changeOf(project.id));
    const started = Date.now();
    const story = await createStory(t, user, project.id);
    const committed = Date.now();
    const event = await s.next(changeOf(story.id), 2000);
    expect(Date.now() - committed).toBeLessThan(1000);
    expect(JSON.parse(event.data!)).toMatchObject({ kind: 'story', id: story.id, projectId: project.id });
    expect(committed - started).toBeLessThan(5000);
  });

  test('when a stream is idle, then a heartbeat comment comes every SYNC_HEARTBEAT_S', async () => {
    const s = await stream('', user.auth);
    await isOpen(s);
    await s.next((block) => block.comment === 'heartbeat', 2500);
  });

  test('when a user opens a 6th stream, then it is refused with 429 RATE_LIMITED before it starts; closing one frees a place', async () => {
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => stream('', user.auth)));
    for (const s of five) expect(s.status).toBe(200);
    const sixth = await stream('', user.auth);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(sixth.problem).toMatchObject({ code: 'RATE_LIMITED' });
    expect(sixth.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another user is not affected.
    const other = await createUser(t);
    expect((await stream('', other.auth)).status).toBe(200);

    five[0].close();
    await five[0].ended;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await stream('', user.auth)).status).toBe(200);
  });

  test('when the cursor is malformed (since or Last-Event-ID), then 400 VALIDATION_ERROR, not a stream', async () => {
    const bySince = await stream('?since=not-a-cursor', user.auth);
    expect(bySince.status).toBe(400);
    expect(bySince.problem).toMatchObject({ code: 'VALIDATION_ERROR' });
    const byHeader = await stream('', { ...user.auth, 'Last-Event-ID': 'x'.repeat(600) });
    expect(byHeader.status).toBe(400);
    expect(byHeader.problem).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  test('when neither a token nor a ticket comes, or the token is bad, then 401 UNAUTHENTICATED', async () => {
    const none = await stream('');
    expect(none.status).toBe(401);
    expect(none.problem).toMatchObject({ code: 'UNAUTHENTICATED' });
    const bad = await stream('', bearer('nope'));
    expect(bad.status).toBe(401);
  });

  test('when the session is revoked (logout-all), then its open stream ends within the check interval', async () => {
    const member = await createUser(t);
    const s = await stream('', member.auth);
    await isOpen(s);
    const res = await t.http().post('/api/auth/logout-all').set(member.auth).send({});
    expect(res.status).toBe(204);
    const started = Date.now();
    await s.ended;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('POST /api/sync/tickets', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(t);
  });

  const ticket = async (): Promise<{ ticket: string; expiresAt: string }> => {
    const res = await t.http().post('/api/sync/tickets').set(user.auth).send();
    expect(res.status).toBe(201);
    return res.body;
  };

  test('when a client opens the stream with a ticket and no Authorization, then it streams as the ticket holder; the ticket works once', async () => {
    const { ticket: value, expiresAt } = await ticket();
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(50_000);
    expect(lifetime).toBeLessThanOrEqual(61_000);
    const s = await stream(`?ticket=${value}`);
    expect(s.status).toBe(200);
    await s.next(changeOf(user.id));
    const again = await stream(`?ticket=${value}`);
    expect(again.status).toBe(401);
    expect(again.problem).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('when a ticket is unknown or expired, then 401 UNAUTHENTICATED', async () => {
    expect((await stream('?ticket=unknown-ticket')).status).toBe(401);
    const { ticket: value } = await ticket();
    await t.db.query(
      `UPDATE sync_tickets SET created_at = now() - interval '2 minutes', expires_at = now() - interval '1 minute'`,
    );
    const expired = await stream(`?ticket=${value}`);
    expect(expired.status).toBe(401);
    expect(expired.problem).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('when the session of a ticket is revoked before it is used, then 401; only the hash is stored', async () => {
    const member = await createUser(t);
    const res = await t.http().post('/api/sync/tickets').set(member.auth).send();
    const { rows } = await t.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM sync_tickets WHERE user_id = $1',
      [member.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toBe(res.body.ticket);
    await t.http().post('/api/auth/logout-all').set(member.auth).send({});
    expect((await stream(`?ticket=${res.body.ticket}`)).status).toBe(401);
  });

  test('when no token comes, then 401', async () => {
    const res = await t.http().post('/api/sync/tickets').send();
    expect(res.status).toBe(401);
  });
});

describe('HEAD /api/sync/stream', () => {
  test('when a client asks with HEAD, then it gets the stream headers and the answer ends at once', async () => {
    const user = await createUser(t);
    const res = await fetch(`${server.url}/api/sync/stream`, {
      method: 'HEAD',
      headers: user.auth,
      signal: AbortSignal.timeout(3000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // Its place is free again: five streams still open.
    for (let i = 0; i < 5; i++) expect((await stream('', user.auth)).status).toBe(200);
  });
});

describe('GET /api/sync/stream while the server drains', () => {
  test('when a stream is asked for after the drain began, then 503 SERVICE_UNAVAILABLE with Retry-After (it would hold the drain open)', async () => {
    const user = await createUser(t);
    t.ctx.lifecycle.draining = true;
    try {
      const s = await stream('', user.auth);
      expect(s.status).toBe(503);
      expect(s.problem).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(s.headers.get('retry-after')).toBe('1');
    } finally {
      t.ctx.lifecycle.draining = false;
    }
  });
});

const onPostgres = usingPostgres() ? test : test.skip;

describe('the LISTEN connection (PostgreSQL)', () => {
  onPostgres(
    'when the LISTEN connection is cut (PostgreSQL restarted, a proxy dropped it), then it is opened again and writes reach the stream',
    async () => {
      const user = await createUser(t);
      const project = await createProject(t, user);
      const s = await stream('', user.auth);
      await s.next(changeOf(project.id));
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE application_name = 'colorbook-sync-listen' AND datname = current_database()`,
      );
      expect(rows[0].n).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const again = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE application_name = 'colorbook-sync-listen' AND datname = current_database()`,
      );
      expect(again.rows[0].n).toBe(1);
      const story = await createStory(t, user, project.id);
      const committed = Date.now();
      await s.next(changeOf(story.id), 3000);
      expect(Date.now() - committed).toBeLessThan(1000);
    },
  );
});
