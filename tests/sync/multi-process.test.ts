/**
 * The proof of the sync feed (docs/sync.md, "Why the horizon is correct"): two server processes on one
 * PostgreSQL database, clients writing through both at once (creates, updates, deletes, moves between
 * projects, a member writing in a shared project, and transactions held open so that they commit out of
 * order), while readers pull the feed in small pages and apply it, and each user also holds a change stream
 * (GET /api/sync/stream, docs/sync-stream.md) opened from the start on one process and applied as it comes.
 * When the writers stop and the readers have pulled until `hasMore` is false, each reader's copy equals what
 * the GETs answer, and no page held a resource twice; once a marker written after the writers reaches the
 * streams, each stream's copy equals the GETs too, its event ids never went back, and none of its pages held a
 * resource twice.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { uniqueEmail } from '../helpers/factories';
import { makePng } from '../helpers/images';
import {
  createOpsDatabase,
  describeIf,
  killAll,
  postgresAddress,
  postgresReachable,
  sleep,
  spawnServer,
  type OpsDatabase,
  type SpawnedServer,
} from '../helpers/spawn-server';
import {
  applyChange,
  assertNoDuplicates,
  pullPage,
  pullUntilDone,
  stateFromGets,
  versions,
  type Change,
  type LocalState,
} from './helpers';
import { openSse, type SseBlock, type SseStream } from './sse-client';

const OPS_PER_WRITER = 40;

interface Client {
  id: string;
  auth: Record<string, string>;
}

async function call(server: SpawnedServer, client: Client, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...client.auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  // Races between the writers answer 404 (gone) or 400 (an image of another project): never a 5xx.
  if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return { status: res.status, body: parsed };
}

async function upload(server: SpawnedServer, client: Client, projectId: string, png: Buffer) {
  const form = new FormData();
  form.set('projectId', projectId);
  form.set('file', new Blob([png], { type: 'image/png' }), 'page.png');
  const res = await fetch(`${server.url}/api/images`, {
    method: 'POST',
    headers: client.auth,
    body: form,
    signal: AbortSignal.timeout(20_000),
  });
  if (res.status >= 500) throw new Error(`upload answered ${res.status}`);
  return { status: res.status, body: (await res.json()) as { id: string } };
}

/**
 * An event id (a cursor) as a sortable tuple: '' (the first page of a stream opened without `since`) before
 * the full-state pass (by kind, then id), before the log (by transaction, then sequence).
 */
function cursorOrder(id: string): [number, bigint, number, string] {
  if (id === '') return [0, 0n, 0, ''];
  const [, first, second, third, fourth] = Buffer.from(id, 'base64url').toString('latin1').split('.');
  if (first === 'f') return [1, BigInt(second!), CHANGE_KIND_ORDER.indexOf(third!), fourth!];
  return [2, BigInt(first!), 0, second!.padStart(20, '0')];
}
const CHANGE_KIND_ORDER = ['user', 'project', 'story', 'image', 'drawing'];

function compareCursors(a: string, b: string): number {
  const [x, y] = [cursorOrder(a), cursorOrder(b)];
  for (let i = 0; i < x.length; i += 1) {
    if (x[i]! < y[i]!) return -1;
    if (x[i]! > y[i]!) return 1;
  }
  return 0;
}

/**
 * Checks a stream's change events: their ids never go back, and no page holds a resource twice. A page's
 * events carry the cursor it started from and its last one the page's cursor, so an event whose id differs
 * from the one before ends a page (a page that sent nothing but moved the cursor only splits the next one
 * in two: the check gets weaker there, never wrong). Answers how many pages were told apart.
 */
function checkStreamEvents(events: Array<{ id: string | undefined; change: Change }>): number {
  let previous = '';
  let page: Change[] = [];
  let pages = 0;
  for (const { id, change } of events) {
    expect(typeof id).toBe('string');
    if (compareCursors(id!, previous) < 0) throw new Error(`the stream's id went back: ${previous} → ${id}`);
    page.push(change);
    if (id !== previous) {
      assertNoDuplicates({ changes: page, cursor: id!, hasMore: false });
      page = [];
      pages += 1;
    }
    previous = id!;
  }
  expect(page).toEqual([]);
  return pages;
}

const pick = <T>(list: T[]): T | undefined => list[crypto.randomInt(list.length || 1)];

describeIf(postgresReachable(), `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port}`)(
  'the sync feed and stream across two server processes',
  () => {
    let database: OpsDatabase;
    let servers: SpawnedServer[];
    const openStreams: SseStream[] = [];

    beforeAll(async () => {
      database = await createOpsDatabase();
      const env = {
        DATABASE_URL: database.url,
        STORAGE_DRIVER: 'local',
        API_RATE_LIMIT: '1000000',
        AUTH_RATE_LIMIT: '1000000',
      };
      // One after the other: each migrates only what is not applied yet.
      servers = [await spawnServer(env)];
      servers.push(await spawnServer({ ...env, DATA_DIR: servers[0]!.dataDir }));
    }, 60_000);

    afterAll(async () => {
      for (const stream of openStreams.splice(0)) stream.close();
      await killAll();
      await database?.drop();
    });

    async function register(server: SpawnedServer): Promise<Client> {
      const res = await call(server, { id: '', auth: {} }, 'POST', '/api/auth/register', {
        email: uniqueEmail('sync'),
        password: 'correct horse battery',
      });
      if (res.status !== 201) throw new Error(`register: ${res.status}`);
      return { id: res.body.user.id, auth: { Authorization: `Bearer ${res.body.accessToken}` } };
    }

    test('when clients write through both processes while readers pull small pages and streams are held, then the readers and the streams end equal to the GETs', async () => {
      const [a, b] = servers as [SpawnedServer, SpawnedServer];
      const owner = await register(a);
      const member = await register(b);
      await database.query(`UPDATE users SET plan = 'pro' WHERE id = ANY($1::uuid[])`, [
        [owner.id, member.id],
      ]);
      const projects: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        projects.push((await call(a, owner, 'POST', '/api/projects', { title: `P${i}` })).body.id);
      }
      const shared = projects[0]!;
      await database.query(
        `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'editor')`,
        [shared, member.id],
      );
      const png = await makePng(8, 8);

      // A stream per user, from the start (no `since`: the full state, then live), each on the process
      // that did not create the projects; the member's writers also go through the other one.
      const streams: Record<'owner' | 'member', SseStream> = {
        owner: await openSse(`${b.url}/api/sync/stream`, owner.auth),
        member: await openSse(`${a.url}/api/sync/stream`, member.auth),
      };
      openStreams.push(streams.owner, streams.member);
      expect([streams.owner.status, streams.member.status]).toEqual([200, 200]);

      let writing = true;
      const pagesSeen = { owner: 0, member: 0 };

      /** A reader: pulls pages of 5..20 from either process, applying them, until the writers stop. */
      async function reader(user: Client, name: 'owner' | 'member') {
        const state: LocalState = new Map();
        let cursor: string | undefined;
        const fetchPage = (server: SpawnedServer) => async (since: string | undefined, limit: number) => {
          const query = new URLSearchParams({ limit: String(limit), ...(since ? { since } : {}) });
          return call(server, user, 'GET', `/api/sync/changes?${query.toString()}`);
        };
        let turn = 0;
        while (writing) {
          const server = servers[turn++ % 2]!;
          const limit = 5 + crypto.randomInt(16);
          // One page at a time (not until done): the writers keep adding.
          cursor = (await pullPage(fetchPage(server), state, cursor, limit)).cursor;
          pagesSeen[name] += 1;
          await sleep(crypto.randomInt(20));
        }
        // The writers have stopped: read to the end, through both processes.
        cursor = (await pullUntilDone(fetchPage(b), state, cursor, 7)).cursor;
        const end = await pullUntilDone(fetchPage(a), state, cursor, 13);
        // Once at the end, it stays there: nothing more comes.
        expect(end.pages[end.pages.length - 1]!.changes).toEqual([]);
        return state;
      }

      /** A writer through one process: a random mix of writes on the user's (or the shared) projects. */
      async function writer(server: SpawnedServer, user: Client, writable: string[]) {
        const stories: string[] = [];
        const drawings: string[] = [];
        const images: string[] = [];
        for (let i = 0; i < OPS_PER_WRITER; i += 1) {
          const op = crypto.randomInt(10);
          const project = pick(writable)!;
          if (op <= 2 || stories.length === 0) {
            const res = await call(server, user, 'POST', '/api/stories', {
              projectId: project,
              title: `s${i}`,
            });
            if (res.status === 201) stories.push(res.body.id);
          } else if (op === 3) {
            await call(server, user, 'PUT', `/api/stories/${pick(stories)}`, { content: `words ${i}` });
          } else if (op === 4) {
            await call(server, user, 'PUT', `/api/stories/${pick(stories)}`, { projectId: project });
          } else if (op === 5) {
            const id = stories.splice(crypto.randomInt(stories.length), 1)[0];
            await call(server, user, 'DELETE', `/api/stories/${id}`);
          } else if (op === 6) {
            const res = await call(server, user, 'POST', '/api/drawings', {
              projectId: project,
              data: { strokes: [i] },
              width: 10,
              height: 10,
            });
            if (res.status === 201) drawings.push(res.body.id);
            else if (drawings.length > 0) {
              await call(server, user, 'DELETE', `/api/drawings/${drawings.pop()}`);
            }
          } else if (op === 7 && drawings.length > 0) {
            await call(server, user, 'PUT', `/api/drawings/${pick(drawings)}`, {
              projectId: project,
              title: `d${i}`,
            });
          } else if (op === 8) {
            const res = await upload(server, user, project, png);
            if (res.status === 201) images.push(res.body.id);
            if (images.length > 2) await call(server, user, 'DELETE', `/api/images/${images.shift()}`);
          } else {
            await call(server, user, 'PUT', `/api/projects/${project}`, { description: `d${i}` });
          }
        }
      }

      /** Transactions held open while later ones commit: their rows land below rows already committed. */
      async function slowTransactions() {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          for (let i = 0; i < 8; i += 1) {
            await client.query('BEGIN');
            await client.query(`UPDATE projects SET description = $2 WHERE id = $1`, [
              pick(projects),
              `slow ${i}`,
            ]);
            await sleep(150 + crypto.randomInt(150));
            await client.query(
              `INSERT INTO stories (user_id, project_id, title) SELECT user_id, id, $2 FROM projects WHERE id = $1`,
              [pick(projects), `slow ${i}`],
            );
            await client.query('COMMIT');
          }
        } finally {
          await client.end();
        }
      }

      const readers = [reader(owner, 'owner'), reader(member, 'member')];
      await Promise.all([
        writer(a, owner, projects),
        writer(b, owner, projects),
        writer(a, member, [shared]),
        writer(b, member, [shared]),
        slowTransactions(),
      ]);
      writing = false;
      const [ownerState, memberState] = await Promise.all(readers);

      expect(pagesSeen.owner).toBeGreaterThan(5);
      expect(pagesSeen.member).toBeGreaterThan(5);
      for (const [user, state] of [
        [owner, ownerState],
        [member, memberState],
      ] as const) {
        const fromGets = await stateFromGets((path) => call(pick(servers)!, user, 'GET', path));
        expect(versions(state!)).toEqual(versions(fromGets));
        expect(state!.size).toBeGreaterThan(3);
      }

      // A marker committed after every write: once a stream has sent it, it has sent everything before it.
      // It is held back behind a transaction that takes an id and writes nothing to the log, so no NOTIFY
      // marks its end: the streams get the marker only through the horizon check (docs/sync-stream.md).
      const marker = `marker ${crypto.randomUUID()}`;
      const isMarker = (block: SseBlock) =>
        block.event === 'change' &&
        (JSON.parse(block.data ?? 'null') as Change).id === shared &&
        (JSON.parse(block.data ?? 'null') as Change).data?.description === marker;
      const blocker = new pg.Client({ connectionString: database.url });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_current_xact_id()');
        expect((await call(a, owner, 'PUT', `/api/projects/${shared}`, { description: marker })).status).toBe(
          200,
        );
        await sleep(1500);
        expect(streams.owner.blocks.some(isMarker) || streams.member.blocks.some(isMarker)).toBe(false);
        await blocker.query('COMMIT');
      } finally {
        await blocker.end();
      }
      for (const [user, stream] of [
        [owner, streams.owner],
        [member, streams.member],
      ] as const) {
        await stream.next(isMarker, 15_000);
        const events = stream.changes() as Array<{ id: string | undefined; change: Change }>;
        expect(checkStreamEvents(events)).toBeGreaterThan(3);
        const state: LocalState = new Map();
        for (const { change } of events) applyChange(state, change);
        const fromGets = await stateFromGets((path) => call(pick(servers)!, user, 'GET', path));
        expect(versions(state)).toEqual(versions(fromGets));
      }
    }, 180_000);
  },
);
