import type { Page } from 'playwright-core';
import {
  MemorySyncStore,
  createSync,
  memoryTokenStorage,
  type Change,
  type SyncConflict,
} from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { addMember, createProject, createStory, createUser, type TestUser } from '../helpers/factories';
import { describeWithChromium, useChromium, watchProblems } from '../docs/chromium';
import { clientModulesScript } from './browser-modules';
import { clientOf, expiredAccessToken, useLiveServer } from './live-server';

jest.setTimeout(90_000);

/** The client's sync engine against the real feed and stream (GET /api/sync/changes, /api/sync/stream). */
const t = useTestApp({ env: { SYNC_HEARTBEAT_S: '1' }, validateResponses: true });
const live = useLiveServer(t);
const chromium = useChromium();

function syncOf(user: TestUser, onConflict?: (conflict: SyncConflict) => void) {
  const made = clientOf(live.baseUrl, memoryTokenStorage(user), { queue: { isOnline: () => true } });
  const store = new MemorySyncStore();
  const sync = createSync(made.client, { store, pageSize: 2, onConflict, reconnectDelayMs: 50 });
  return { ...made, store, sync };
}

const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
const get = async (user: TestUser, path: string) => {
  const res = await t.http().get(path).set(user.auth);
  expect(res.status).toBe(200);
  return res.body;
};

/** Every change the engine emits, as it comes, and a wait for one of them (from the given source). */
function recordChanges(sync: ReturnType<typeof syncOf>['sync']) {
  const seen: { change: Change; source: 'pull' | 'live' }[] = [];
  sync.onChange((change, source) => seen.push({ change, source }));
  return async (match: (change: Change) => boolean, source: 'pull' | 'live' = 'live'): Promise<Change> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = seen.find((s) => s.source === source && match(s.change));
      if (found) return found.change;
      if (Date.now() > deadline) throw new Error(`no such ${source} change in ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
}

describe('sync.pull() against the live server', () => {
  test('when a user syncs from scratch, then after edits, then the store holds exactly what the GETs answer', async () => {
    const user = await createUser(t);
    const owner = await createUser(t);
    const mine = await createProject(t, user, { title: 'Mine' });
    const doomed = await createProject(t, user, { title: 'Doomed' });
    const shared = await createProject(t, owner, { title: 'Shared' });
    await addMember(t, shared, user, 'editor');
    const story = await createStory(t, user, mine.id);
    const doomedStory = await createStory(t, user, doomed.id);
    const sharedStory = await createStory(t, owner, shared.id);
    const { sync, store } = syncOf(user);

    const first = await sync.pull();

    expect(first.fullSync).toBe(true);
    expect(first.pages).toBeGreaterThan(1); // pages of 2
    expect(ids(await store.list('project'))).toEqual([mine.id, doomed.id, shared.id].sort());
    expect(ids(await store.list('story'))).toEqual([story.id, doomedStory.id, sharedStory.id].sort());
    expect((await store.list('user')).map((r) => r.id)).toEqual([user.id]);
    // `data` is the resource as its own GET answers it.
    expect((await store.get('project', shared.id))!.data).toEqual(
      await get(user, `/api/projects/${shared.id}`),
    );
    expect((await store.get('story', story.id))!.data).toEqual(await get(user, `/api/stories/${story.id}`));

    // Meanwhile: a rename, a project deleted with its story, access to the shared one lost.
    await t
      .http()
      .put(`/api/projects/${mine.id}`)
      .set(user.auth)
      .set('If-Match', `"${mine.version}"`)
      .send({ title: 'Mine, renamed' })
      .expect(200);
    await t.http().delete(`/api/projects/${doomed.id}`).set(user.auth).expect(204);
    await t.http().delete(`/api/projects/${shared.id}/members/${user.id}`).set(owner.auth).expect(204);

    const second = await sync.pull();

    expect(second.fullSync).toBe(false);
    expect(ids(await store.list('project'))).toEqual([mine.id]);
    expect(ids(await store.list('story'))).toEqual([story.id]);
    expect((await store.get('project', mine.id))!.data).toEqual(await get(user, `/api/projects/${mine.id}`));
    expect((await store.get('project', mine.id))!.data.title).toBe('Mine, renamed');
  });

  test('when the stored cursor is older than the pruned log (410 CURSOR_EXPIRED), then the store starts over and loses what was deleted meanwhile', async () => {
    const user = await createUser(t);
    const kept = await createProject(t, user);
    const gone = await createProject(t, user);
    const { sync, store, network } = syncOf(user);
    await sync.pull();
    await t.http().delete(`/api/projects/${gone.id}`).set(user.auth).expect(204);
    // The log ages past SYNC_RETENTION_DAYS and the hourly maintenance prunes it: the delete is forgotten.
    await t.db.query(`UPDATE sync_changes SET changed_at = now() - interval '31 days'`);
    await t.ctx.maintenance.find((m) => m.name === 'sync-retention')!.run();
    const before = network.count('GET', '/api/sync/changes');

    const result = await sync.pull();

    expect(result.fullSync).toBe(true);
    expect(network.count('GET', '/api/sync/changes') - before).toBe(1 + result.pages);
    expect(ids(await store.list('project'))).toEqual([kept.id]);
  });

  test('when the session is gone, then pull throws the ApiError and keeps the store', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const tokens = memoryTokenStorage(user);
    const made = clientOf(live.baseUrl, tokens);
    const store = new MemorySyncStore();
    const sync = createSync(made.client, { store });
    await sync.pull();
    const cursor = await store.getCursor();
    // Signed out everywhere, and this tab's access token has expired meanwhile: the refresh is refused.
    await t.http().post('/api/auth/logout-all').set(user.auth).expect(204);
    await tokens.set({
      accessToken: expiredAccessToken(t, user.accessToken),
      refreshToken: user.refreshToken,
    });

    await expect(sync.pull()).rejects.toMatchObject({ name: 'ApiError', status: 401 });
    expect(made.signOuts).toEqual(['refresh_failed']);
    expect(await store.getCursor()).toBe(cursor);
    expect(await store.list('project')).toHaveLength(1);
  });
});

describe('sync.live() against the live server', () => {
  test('when a story is written while the stream is open, then it is stored and emitted within moments, and stop() ends the stream', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { sync, store } = syncOf(user);
    const changeSeen = recordChanges(sync);
    const running = sync.live();
    await changeSeen((c) => c.id === project.id, 'pull');
    // live() pages the catch-up (2 a page here) before it opens the stream: a story written before its last
    // page would arrive by the pull. Joining that pull waits for it to end.
    await sync.pull();

    const story = await createStory(t, user, project.id, { title: 'Live one' });
    const seen = await changeSeen((c) => c.id === story.id);
    expect(seen).toMatchObject({ kind: 'story', op: 'upsert', projectId: project.id });
    expect((await store.get('story', story.id))!.data).toEqual(await get(user, `/api/stories/${story.id}`));
    // The project's counts changed with it: it comes again.
    await changeSeen((c) => c.id === project.id && c.op === 'upsert');

    await t.http().delete(`/api/projects/${project.id}`).set(user.auth).expect(204);
    await changeSeen((c) => c.id === project.id && c.op === 'delete');
    expect(await store.list('story')).toEqual([]);

    await sync.stop();
    await running;
    expect(sync.isLive).toBe(false);
  });

  test('when live stops and starts again, then it resumes from the stored cursor and misses nothing', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { sync, store } = syncOf(user);
    const changeSeen = recordChanges(sync);
    const first = sync.live();
    await changeSeen((c) => c.id === project.id, 'pull');
    await sync.stop();
    await first;

    const story = await createStory(t, user, project.id);
    const second = sync.live();
    await changeSeen((c) => c.id === story.id, 'pull');
    await sync.pull(); // the catch-up has ended: what follows comes by the stream
    const later = await createStory(t, user, project.id);
    await changeSeen((c) => c.id === later.id);
    await sync.stop();
    await second;
    expect(ids(await store.list('story'))).toEqual([story.id, later.id].sort());
  });
});

describe('sync.flush(): offline edits and conflicts against the live server', () => {
  test('when a queued edit meets a newer version (412), then the server state wins in the store and onConflict gets the local edit', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Original' });
    const conflicts: SyncConflict[] = [];
    const { sync, store, client, network } = syncOf(user, (conflict) => conflicts.push(conflict));
    await sync.pull();

    network.state.offline = true;
    await client.queue.send({
      method: 'PUT',
      path: `/api/projects/${project.id}`,
      body: { title: 'Offline edit' },
      ifMatch: project.version,
    });
    await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .set('If-Match', `"${project.version}"`)
      .send({ title: 'Other device' })
      .expect(200);
    network.state.offline = false;

    const outcomes = await sync.flush();

    expect(outcomes.map((o) => o.kind)).toEqual(['conflict']);
    const server = await get(user, `/api/projects/${project.id}`);
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: 'project',
        id: project.id,
        local: { title: 'Offline edit' },
        server,
        serverVersion: server.version,
      }),
    ]);
    expect((await store.get('project', project.id))!.data).toEqual(server);
    expect(server.title).toBe('Other device');
  });

  test('when queued writes go through, then the store has them after the flush and nothing is reported', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const conflicts: SyncConflict[] = [];
    const { sync, store, client } = syncOf(user, (conflict) => conflicts.push(conflict));
    await sync.pull();
    await client.queue.enqueue({
      method: 'POST',
      path: '/api/stories',
      body: { projectId: project.id, title: 'Queued' },
    });

    const outcomes = await sync.flush();

    expect(outcomes.map((o) => o.kind)).toEqual(['sent']);
    expect((await store.list('story')).map((r) => r.data.title)).toEqual(['Queued']);
    expect(conflicts).toEqual([]);
  });
});

/** Waits until the page's `window.seen` holds `entry` (polled: the page's CSP forbids waitForFunction's eval). */
async function seenInPage(page: Page, entry: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!((await page.evaluate('window.seen')) as string[]).includes(entry)) {
    if (Date.now() > deadline) throw new Error(`${entry} not seen: ${await page.evaluate('window.seen')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithChromium('the sync engine in Chromium (IndexedDbSyncStore, fetch streaming)', () => {
  test('when the page pulls into IndexedDB and follows the stream, then a story written elsewhere lands in IndexedDB', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'In the browser' });
    const page = await chromium.browser.newPage();
    const problems = watchProblems(page);
    try {
      await page.goto(`${live.baseUrl}/health`);
      await page.evaluate(`(async () => {
        ${clientModulesScript(['errors', 'sse', 'sync-store', 'sync'])}
        window.clientRequire = clientRequire;
        const { IndexedDbSyncStore } = clientRequire('./sync-store.js');
        const { createSync } = clientRequire('./sync.js');
        const token = ${JSON.stringify(user.accessToken)};
        const client = {
          baseUrl: '',
          fetch: (request) => {
            request.headers.set('Authorization', 'Bearer ' + token);
            return fetch(request);
          },
          queue: { flush: async () => [] },
        };
        const store = await IndexedDbSyncStore.open('sync-${user.id}');
        window.sync = createSync(client, { store });
        window.seen = [];
        window.sync.onChange((change, source) => window.seen.push(source + ':' + change.kind + ':' + change.id));
        window.running = window.sync.live();
      })()`);
      await seenInPage(page, `pull:project:${project.id}`);
      const story = await createStory(t, user, project.id, { title: 'From Node' });
      await seenInPage(page, `live:story:${story.id}`);
      const stored = await page.evaluate(`(async () => {
        await window.sync.stop();
        await window.running;
        const { IndexedDbSyncStore } = window.clientRequire('./sync-store.js');
        const reopened = await IndexedDbSyncStore.open('sync-${user.id}');
        return {
          story: (await reopened.get('story', ${JSON.stringify(story.id)})).data.title,
          project: (await reopened.get('project', ${JSON.stringify(project.id)})).data.title,
          cursor: typeof (await reopened.getCursor()),
        };
      })()`);
      expect(stored).toEqual({ story: 'From Node', project: 'In the browser', cursor: 'string' });
      // Expected noise only: stop() aborts the open stream, and Chromium asks for /favicon.ico (404).
      const unexpected = problems.filter(
        (p) =>
          !/\/api\/sync\/stream\?since=\S+ net::ERR_ABORTED$/.test(p) &&
          p !== 'console: Failed to load resource: the server responded with a status of 404 (Not Found)',
      );
      expect(unexpected).toEqual([]);
      expect(problems.filter((p) => p.includes('/api/sync/stream'))).toHaveLength(1);
    } finally {
      await page.close();
    }
  });
});
