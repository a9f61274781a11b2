import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiError,
  createColorBookClient,
  createSync,
  memoryTokenStorage,
  type Change,
  type SyncConflict,
} from '../../client/src/index';

/**
 * The engine's protocol side (paging, 410, reconnection timing, `retry:`, backoff, stop) against a scripted
 * HTTP server that speaks the sync contract: the real server's behaviour is tested in sync.test.ts; what
 * only a misbehaving network shows (a stream dropped, a 503 in a row) is scripted here.
 */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

const requests: { method: string; path: string; query: Record<string, string>; auth?: string; at: number }[] =
  [];
let handlers: Record<string, Handler[]> = {};
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const key = `${req.method} ${url.pathname}`;
    requests.push({
      method: req.method!,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      auth: req.headers.authorization,
      at: Date.now(),
    });
    const next = handlers[key]?.shift();
    if (!next) {
      res.writeHead(599).end();
      return;
    }
    next(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  handlers = {};
  requests.length = 0;
});

const json =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, {
      'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json',
    });
    res.end(JSON.stringify(body));
  };
const page = (changes: Change[], cursor: string, hasMore = false) => json(200, { changes, cursor, hasMore });
/** A stream that writes `text` and then ends (or stays open when `keepOpen`). */
const stream =
  (text: string, keepOpen = false): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(text);
    if (!keepOpen) res.end();
  };

const project = (id: string, title: string, version = 1): Change => ({
  kind: 'project',
  id,
  projectId: id,
  op: 'upsert',
  version,
  data: { id, title, version } as never,
  changedAt: '2026-12-07T04:00:00.000Z',
});
const story = (id: string, projectId: string): Change => ({
  kind: 'story',
  id,
  projectId,
  op: 'upsert',
  version: 1,
  data: { id, projectId } as never,
  changedAt: '2026-12-07T04:00:00.000Z',
});
const gone = (kind: Change['kind'], id: string, projectId: string | null): Change => ({
  kind,
  id,
  projectId,
  op: 'delete',
  version: null,
  data: null,
  changedAt: '2026-12-07T04:00:00.000Z',
});
const event = (id: string, change: Change) => `id: ${id}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`;

function client() {
  return createColorBookClient({
    baseUrl,
    storage: memoryTokenStorage({ accessToken: 'access-1', refreshToken: 'refresh-1' }),
    queue: { isOnline: () => true },
  });
}

const ids = (records: { id: string }[]) => records.map((r) => r.id);

describe('sync.pull() (scripted server)', () => {
  test('when the feed has several pages, then it reads them from the stored cursor until hasMore is false, with the bearer token', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'One'), story('s1', 'p1')], 'c1', true),
      page([project('p2', 'Two')], 'c2'),
      page([gone('project', 'p1', 'p1')], 'c3'),
    ];
    const sync = createSync(client(), { pageSize: 2 });
    const seen: string[] = [];
    sync.onChange((change, source) => seen.push(`${source}:${change.op}:${change.id}`));

    expect(await sync.pull()).toEqual({ applied: 3, pages: 2, fullSync: true });
    expect(await sync.pull()).toEqual({ applied: 1, pages: 1, fullSync: false });

    expect(requests.map((r) => r.query)).toEqual([
      { limit: '2' },
      { since: 'c1', limit: '2' },
      { since: 'c2', limit: '2' },
    ]);
    expect(requests.every((r) => r.auth === 'Bearer access-1')).toBe(true);
    expect(seen).toEqual(['pull:upsert:p1', 'pull:upsert:s1', 'pull:upsert:p2', 'pull:delete:p1']);
    expect(ids(await sync.store.list('project'))).toEqual(['p2']);
    expect(ids(await sync.store.list('story'))).toEqual([]);
    expect(await sync.store.getCursor()).toBe('c3');
  });

  test('when the stored cursor has expired (410 CURSOR_EXPIRED), then the store is emptied and filled again from no cursor', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'One'), project('p2', 'Two')], 'c1'),
      json(410, { status: 410, code: 'CURSOR_EXPIRED', detail: 'too old' }),
      page([project('p2', 'Two, now')], 'f1', true),
      page([story('s9', 'p2')], 'c9'),
    ];
    let resets = 0;
    const sync = createSync(client(), { onReset: () => (resets += 1) });
    await sync.pull();
    expect(resets).toBe(1); // no cursor yet: a full sync into an emptied store

    expect(await sync.pull()).toEqual({ applied: 2, pages: 2, fullSync: true });
    expect(resets).toBe(2);

    expect(requests.map((r) => r.query.since ?? null)).toEqual([null, 'c1', null, 'f1']);
    // p1 was deleted while the cursor was too old to say so: it is gone with the reset.
    expect(ids(await sync.store.list('project'))).toEqual(['p2']);
    expect((await sync.store.get('project', 'p2'))!.data.title).toBe('Two, now');
    expect(await sync.store.getCursor()).toBe('c9');
  });

  test('when a page is refused, then pull throws its ApiError and the pages before it stay with their cursor', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'One')], 'c1', true),
      json(503, { status: 503, code: 'SERVICE_UNAVAILABLE' }),
      page([project('p2', 'Two')], 'c2'),
    ];
    const sync = createSync(client());

    const error = await sync.pull().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(await sync.store.getCursor()).toBe('c1');

    await sync.pull();
    expect(requests.at(-1)!.query.since).toBe('c1');
    expect(ids(await sync.store.list('project'))).toEqual(['p1', 'p2']);
  });

  test('when a change listener throws, then the error is reported and the pull still stores every page', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'One')], 'c1', true),
      page([project('p2', 'Two')], 'c2'),
    ];
    const reported: unknown[] = [];
    const sync = createSync(client(), { onListenerError: (error) => reported.push(error) });
    const after: string[] = [];
    sync.onChange(() => {
      throw new Error('app bug');
    });
    sync.onChange((change) => after.push(change.id));

    expect(await sync.pull()).toEqual({ applied: 2, pages: 2, fullSync: true });
    expect(reported.map((e) => (e as Error).message)).toEqual(['app bug', 'app bug']);
    expect(after).toEqual(['p1', 'p2']);
    expect(await sync.store.getCursor()).toBe('c2');
  });

  test('when pull is called again while it runs, then both share one pass', async () => {
    handlers['GET /api/sync/changes'] = [page([project('p1', 'One')], 'c1')];
    const sync = createSync(client());
    const [a, b] = await Promise.all([sync.pull(), sync.pull()]);
    expect(a).toBe(b);
    expect(requests).toHaveLength(1);
  });
});

describe('sync.live() (scripted server)', () => {
  test("when the stream drops and fails, then it reconnects from the last event id after the server's retry, doubled per failure in a row", async () => {
    handlers['GET /api/sync/changes'] = [page([project('p1', 'One')], 'c1')];
    handlers['GET /api/sync/stream'] = [
      stream(`retry: 100\n: heartbeat\n\n${event('c2', project('p1', 'One, live', 2))}`),
      json(503, { status: 503, code: 'SERVICE_UNAVAILABLE' }),
      json(503, { status: 503, code: 'SERVICE_UNAVAILABLE' }),
      stream(event('c3', story('s1', 'p1')), true),
    ];
    const retries: (number | null)[] = [];
    const sync = createSync(client(), {
      random: () => 1, // no jitter: the delays are exact
      onStreamError: (_error, retryInMs) => retries.push(retryInMs),
    });
    const live: string[] = [];
    const arrived = new Promise<void>((resolve) =>
      sync.onChange((change, source) => {
        if (source === 'live') live.push(`${change.id}:${(change.data as { title?: string })?.title ?? ''}`);
        if (change.id === 's1') resolve();
      }),
    );

    const running = sync.live();
    await arrived;
    await sync.stop();
    await running;

    const streams = requests.filter((r) => r.path === '/api/sync/stream');
    expect(streams.map((r) => r.query.since)).toEqual(['c1', 'c2', 'c2', 'c2']);
    expect(streams.every((r) => r.auth === 'Bearer access-1')).toBe(true);
    // The feed once, for the catch-up; the reconnections resume on the stream itself.
    expect(requests.filter((r) => r.path === '/api/sync/changes')).toHaveLength(1);
    // After a stream that worked: the server's retry (100 ms); then 100, 200 after failures in a row.
    const gaps = streams.slice(1).map((r, i) => r.at - streams[i].at);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
    expect(retries).toEqual([100, 200]);
    expect(live).toEqual(['p1:One, live', 's1:']);
    expect(await sync.store.getCursor()).toBe('c3');
    expect((await sync.store.get('story', 's1'))!.projectId).toBe('p1');
    expect(sync.isLive).toBe(false);
  });

  test('when the delay is jittered, then it stays between half and all of the backoff, capped at the maximum', async () => {
    handlers['GET /api/sync/changes'] = [page([], 'c1')];
    handlers['GET /api/sync/stream'] = [json(503, {}), json(503, {}), json(503, {})];
    const retries: (number | null)[] = [];
    let calls = 0;
    const sync = createSync(client(), {
      reconnectDelayMs: 40,
      maxReconnectDelayMs: 60,
      random: () => [0, 0.5, 1][calls++ % 3],
      onStreamError: (_error, retryInMs) => {
        retries.push(retryInMs);
        if (retries.length === 3) void sync.stop();
      },
    });
    await sync.live();
    // 40 × 0.5, 80 → capped 60 × 0.75, 60 × 1.
    expect(retries).toEqual([20, 45, 60]);
  });

  test('when the session is gone (401 and the refresh refused), then live stops for good and says so', async () => {
    handlers['GET /api/sync/changes'] = [page([], 'c1')];
    handlers['GET /api/sync/stream'] = [json(401, { status: 401, code: 'UNAUTHORIZED' })];
    handlers['POST /api/auth/refresh'] = [json(401, { status: 401, code: 'INVALID_REFRESH_TOKEN' })];
    const errors: [unknown, number | null][] = [];
    const sync = createSync(client(), { onStreamError: (error, retry) => errors.push([error, retry]) });

    await sync.live();

    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBeInstanceOf(ApiError);
    expect((errors[0][0] as ApiError).status).toBe(401);
    expect(errors[0][1]).toBeNull();
    expect(requests.filter((r) => r.path === '/api/sync/stream')).toHaveLength(1);
  });

  test('when the refresh cannot reach the server (offline), then a 401 is retried later, not final', async () => {
    handlers['GET /api/sync/changes'] = [page([], 'c1')];
    handlers['GET /api/sync/stream'] = [json(401, { status: 401 }), stream(': open\n\n', true)];
    handlers['POST /api/auth/refresh'] = [(req) => req.socket.destroy()];
    const errors: (number | null)[] = [];
    const sync = createSync(client(), {
      reconnectDelayMs: 10,
      onStreamError: (_e, retry) => errors.push(retry),
    });
    const running = sync.live();
    while (requests.filter((r) => r.path === '/api/sync/stream').length < 2)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await sync.stop();
    await running;
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toBeNull();
  });

  test('when stop() is called while the stream is open, then the connection closes and live() resolves', async () => {
    handlers['GET /api/sync/changes'] = [page([], 'c1')];
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    handlers['GET /api/sync/stream'] = [
      (req, res) => {
        req.socket.on('close', () => closed());
        stream(': open\n\n', true)(req, res, new URL('http://x'));
      },
    ];
    const sync = createSync(client());
    const running = sync.live();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sync.isLive).toBe(true);
    await sync.stop();
    await running;
    await connectionClosed;
    expect(sync.isLive).toBe(false);
  });

  test('when the stream says the cursor expired, then the next round starts the store over', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'Old')], 'c1'),
      json(410, { status: 410, code: 'CURSOR_EXPIRED' }),
      page([project('p2', 'New')], 'c5'),
    ];
    handlers['GET /api/sync/stream'] = [
      json(410, { status: 410, code: 'CURSOR_EXPIRED' }),
      stream(': open\n\n', true),
    ];
    let resets = 0;
    const sync = createSync(client(), { reconnectDelayMs: 10, onReset: () => (resets += 1) });
    const running = sync.live();
    while (requests.filter((r) => r.path === '/api/sync/stream').length < 2)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await sync.stop();
    await running;
    expect(requests.filter((r) => r.path === '/api/sync/changes').map((r) => r.query.since ?? null)).toEqual([
      null,
      'c1',
      null,
    ]);
    expect(ids(await sync.store.list('project'))).toEqual(['p2']);
    expect(requests.at(-1)!.query.since).toBe('c5');
    // The first sync, then the 410 (the stream's, then the feed's: one reset).
    expect(resets).toBe(2);
  });
});

describe('sync.flush() (scripted server)', () => {
  test('when a queued edit gets 412, then the store takes the server state and onConflict gets the local edit with it', async () => {
    handlers['GET /api/sync/changes'] = [
      page([project('p1', 'Base', 1)], 'c1'),
      page([project('p1', 'Other device', 2)], 'c2'),
    ];
    handlers['PUT /api/projects/p1'] = [
      json(412, { status: 412, code: 'VERSION_CONFLICT', currentVersion: 2 }),
    ];
    const conflicts: SyncConflict[] = [];
    const cb = client();
    const sync = createSync(cb, { onConflict: (c) => conflicts.push(c) });
    await sync.pull();
    await cb.queue.enqueue({ method: 'PUT', path: '/api/projects/p1', body: { title: 'Mine' }, ifMatch: 1 });

    const outcomes = await sync.flush();

    expect(outcomes.map((o) => o.kind)).toEqual(['conflict']);
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: 'project',
        id: 'p1',
        local: { title: 'Mine' },
        server: { id: 'p1', title: 'Other device', version: 2 },
        serverVersion: 2,
      }),
    ]);
    expect(conflicts[0].error.code).toBe('VERSION_CONFLICT');
    expect((await sync.store.get('project', 'p1'))!.data.title).toBe('Other device');
    expect(await cb.queue.pending()).toEqual([]);
  });
});
