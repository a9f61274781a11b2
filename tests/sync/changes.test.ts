/**
 * GET /api/sync/changes (docs/sync.md): the full state, then what changed, through the change log the
 * triggers of migration 0013 write. Every test compares what a client builds from the feed with what the
 * GETs answer.
 */
import { encodeCursor } from '../../src/modules/sync/sync.service';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type TestUser,
} from '../helpers/factories';
import { addMember, createMember } from '../helpers/sharing';
import {
  comparable,
  keyOf,
  pullUntilDone,
  stateFromGets,
  type Change,
  type ChangesPage,
  type LocalState,
} from './helpers';

const t = useTestApp();

const feed = (user: TestUser) => (since: string | undefined, limit: number) =>
  t
    .http()
    .get('/api/sync/changes')
    .query(since === undefined ? { limit } : { since, limit })
    .set(user.auth);

const gets = (user: TestUser) => (path: string) => t.http().get(path).set(user.auth);

/** A client of the feed for `user`: its local state and its cursor. */
async function syncedClient(user: TestUser, limit = 500) {
  const state: LocalState = new Map();
  const { cursor } = await pullUntilDone(feed(user), state, undefined, limit);
  const client = {
    state,
    cursor,
    /** Pulls what changed; answers the changes of every page, in order. */
    async pull(pageLimit = limit): Promise<Change[]> {
      const { cursor: next, pages } = await pullUntilDone(feed(user), state, client.cursor, pageLimit);
      client.cursor = next;
      return pages.flatMap((page) => page.changes);
    },
    async expectInStepWithGets() {
      expect(comparable(state)).toEqual(comparable(await stateFromGets(gets(user))));
    },
  };
  return client;
}

const find = (changes: Change[], kind: Change['kind'], id: string) =>
  changes.filter((change) => change.kind === kind && change.id === id);

describe('GET /api/sync/changes', () => {
  it('when called without since, then it answers every resource the caller can see as upserts, paged without repeats', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const other = await createProject(t, user);
    const stories = [await createStory(t, user, project.id), await createStory(t, user, other.id)];
    const image = await createImage(t, user, project.id);
    const drawing = await createDrawing(t, user, project.id, { imageId: image.id });
    // Someone else's work is not in it.
    const stranger = await createUser(t);
    await createStory(t, stranger, (await createProject(t, stranger)).id);

    const state: LocalState = new Map();
    const { pages } = await pullUntilDone(feed(user), state, undefined, 2);
    expect(pages.length).toBeGreaterThan(3);
    const all = pages.flatMap((page) => page.changes);
    expect(all.every((change) => change.op === 'upsert')).toBe(true);
    expect([...state.keys()].sort()).toEqual(
      [
        keyOf('user', user.id),
        keyOf('project', project.id),
        keyOf('project', other.id),
        ...stories.map((story) => keyOf('story', story.id)),
        keyOf('image', image.id),
        keyOf('drawing', drawing.id),
      ].sort(),
    );
    expect(comparable(state)).toEqual(comparable(await stateFromGets(gets(user))));
    const projectChange = find(all, 'project', project.id)[0]!;
    expect(projectChange).toMatchObject({
      projectId: project.id,
      version: 1,
      data: { role: 'owner', ownerId: user.id, counts: { stories: 1, images: 1, drawings: 1 } },
    });
    expect(find(all, 'user', user.id)[0]).toMatchObject({ projectId: null, version: null });
    expect(find(all, 'image', image.id)[0]).toMatchObject({ projectId: project.id, version: null });
    expect(find(all, 'image', image.id)[0]!.data.url).toEqual(expect.any(String));
  });

  it('when writes happen while the full state is being paged, then reading on ends equal to the GETs', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    const stories = [await createStory(t, user, a.id), await createStory(t, user, b.id)];
    const drawing = await createDrawing(t, user, a.id);
    const state: LocalState = new Map();
    const first = (await feed(user)(undefined, 2)).body as ChangesPage;
    for (const change of first.changes) state.set(keyOf(change.kind, change.id), change.data);
    expect(first.hasMore).toBe(true);

    // Between pages: a new story, a move, a delete of something not listed yet, a project renamed.
    await createStory(t, user, b.id);
    await t.http().put(`/api/stories/${stories[0]!.id}`).set(user.auth).send({ projectId: b.id });
    await t.http().delete(`/api/drawings/${drawing.id}`).set(user.auth);
    await t.http().put(`/api/projects/${a.id}`).set(user.auth).send({ title: 'Renamed' });

    await pullUntilDone(feed(user), state, first.cursor, 2);
    expect(comparable(state)).toEqual(comparable(await stateFromGets(gets(user))));
  });

  it('when nothing changed, then the next pull answers no changes and hasMore false', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const client = await syncedClient(user);
    const res = await feed(user)(client.cursor, 10);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ changes: [], cursor: expect.any(String), hasMore: false });
  });

  it('when a story is created, updated, moved and deleted, then each pull answers it and its projects with new counts', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    const client = await syncedClient(user);

    const story = await createStory(t, user, a.id, { content: 'once upon a time' });
    let changes = await client.pull();
    expect(find(changes, 'story', story.id)).toEqual([
      expect.objectContaining({ op: 'upsert', projectId: a.id, version: 1, data: story }),
    ]);
    expect(find(changes, 'project', a.id)[0]!.data.counts.stories).toBe(1);
    // The text counts against the user's storage: the user is in the feed again with the new use.
    expect(find(changes, 'user', user.id)[0]!.data.storageUsedBytes).toBeGreaterThan(0);
    await client.expectInStepWithGets();

    const updated = await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ title: 'Renamed' });
    expect(updated.status).toBe(200);
    changes = await client.pull();
    expect(find(changes, 'story', story.id)).toEqual([
      expect.objectContaining({ op: 'upsert', version: 2, data: updated.body }),
    ]);
    // A title change moves no count: the project is not in the feed again.
    expect(find(changes, 'project', a.id)).toEqual([]);

    const moved = await t.http().put(`/api/stories/${story.id}`).set(user.auth).send({ projectId: b.id });
    expect(moved.status).toBe(200);
    changes = await client.pull();
    expect(find(changes, 'story', story.id)).toEqual([
      expect.objectContaining({ op: 'upsert', projectId: b.id, data: moved.body }),
    ]);
    expect(find(changes, 'project', a.id)[0]!.data.counts.stories).toBe(0);
    expect(find(changes, 'project', b.id)[0]!.data.counts.stories).toBe(1);
    await client.expectInStepWithGets();

    expect((await t.http().delete(`/api/stories/${story.id}`).set(user.auth)).status).toBe(204);
    changes = await client.pull();
    expect(find(changes, 'story', story.id)).toEqual([
      expect.objectContaining({ op: 'delete', projectId: b.id, version: null, data: null }),
    ]);
    expect(find(changes, 'project', b.id)[0]!.data.counts.stories).toBe(0);
    await client.expectInStepWithGets();
  });

  it('when an image is uploaded, changed, moved and deleted, then the feed follows it and the storage use', async () => {
    const user = await createUser(t);
    const a = await createProject(t, user);
    const b = await createProject(t, user);
    const client = await syncedClient(user);

    const image = await createImage(t, user, a.id);
    let changes = await client.pull();
    expect(find(changes, 'image', image.id)).toEqual([
      expect.objectContaining({ op: 'upsert', projectId: a.id, version: null }),
    ]);
    expect(find(changes, 'image', image.id)[0]!.data.url).toEqual(expect.any(String));
    expect(find(changes, 'user', user.id)[0]!.data.storageUsedBytes).toBe(image.sizeBytes);
    expect(find(changes, 'project', a.id)[0]!.data.counts.images).toBe(1);
    await client.expectInStepWithGets();

    const put = await t
      .http()
      .put(`/api/images/${image.id}`)
      .set(user.auth)
      .send({ title: 'Cover', projectId: b.id });
    expect(put.status).toBe(200);
    changes = await client.pull();
    expect(find(changes, 'image', image.id)).toEqual([
      expect.objectContaining({ op: 'upsert', projectId: b.id }),
    ]);
    expect(find(changes, 'image', image.id)[0]!.data.title).toBe('Cover');
    await client.expectInStepWithGets();

    expect((await t.http().delete(`/api/images/${image.id}`).set(user.auth)).status).toBe(204);
    changes = await client.pull();
    expect(find(changes, 'image', image.id)).toEqual([expect.objectContaining({ op: 'delete', data: null })]);
    expect(find(changes, 'user', user.id)[0]!.data.storageUsedBytes).toBe(0);
    await client.expectInStepWithGets();
  });

  it('when a drawing and a project are created, changed and deleted, then the feed follows them', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const client = await syncedClient(user);

    const drawing = await createDrawing(t, user, project.id);
    let changes = await client.pull();
    expect(find(changes, 'drawing', drawing.id)).toEqual([
      expect.objectContaining({ op: 'upsert', version: 1, projectId: project.id }),
    ]);
    const put = await t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).send({ title: 'Sky' });
    expect(put.status).toBe(200);
    changes = await client.pull();
    expect(find(changes, 'drawing', drawing.id)).toEqual([
      expect.objectContaining({ op: 'upsert', version: 2, data: put.body }),
    ]);

    const renamed = await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ title: 'Renamed' });
    expect(renamed.status).toBe(200);
    changes = await client.pull();
    expect(find(changes, 'project', project.id)).toEqual([
      expect.objectContaining({ op: 'upsert', version: 2, data: renamed.body }),
    ]);
    await client.expectInStepWithGets();

    expect((await t.http().delete(`/api/projects/${project.id}`).set(user.auth)).status).toBe(204);
    changes = await client.pull();
    expect(find(changes, 'project', project.id)).toEqual([
      expect.objectContaining({ op: 'delete', projectId: project.id, data: null }),
    ]);
    // The children are implied gone: the client drops them with their project.
    expect(client.state.has(keyOf('drawing', drawing.id))).toBe(false);
    await client.expectInStepWithGets();
  });

  it('when a project is shared, then every member sees its changes, and losing access answers a delete', async () => {
    const owner = await createUser(t);
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [owner.id]);
    const project = await createProject(t, owner);
    const story = await createStory(t, owner, project.id);
    const member = await createMember(t, owner, project.id, 'editor');
    const viewer = await createMember(t, owner, project.id, 'viewer');
    const leaver = await createMember(t, owner, project.id, 'viewer');
    const clients = {
      owner: await syncedClient(owner),
      member: await syncedClient(member),
      viewer: await syncedClient(viewer),
      leaver: await syncedClient(leaver),
    };
    expect(clients.member.state.get(keyOf('project', project.id))).toMatchObject({ role: 'editor' });
    expect(clients.member.state.has(keyOf('story', story.id))).toBe(true);

    // A member writes: everyone sees it.
    const added = await createStory(t, member, project.id);
    for (const client of Object.values(clients)) {
      const changes = await client.pull();
      expect(find(changes, 'story', added.id)).toHaveLength(1);
      expect(find(changes, 'project', project.id)[0]!.data.counts.stories).toBe(2);
    }

    // A role change: that member's project again, with the new role.
    const role = await t
      .http()
      .patch(`/api/projects/${project.id}/members/${viewer.id}`)
      .set(owner.auth)
      .send({ role: 'editor' });
    expect(role.status).toBe(200);
    expect(find(await clients.viewer.pull(), 'project', project.id)[0]!.data.role).toBe('editor');

    // Removed and left: a delete of the project for them, nothing for the others.
    const removed = await t.http().delete(`/api/projects/${project.id}/members/${viewer.id}`).set(owner.auth);
    expect(removed.status).toBe(204);
    const left = await t.http().delete(`/api/projects/${project.id}/members/${leaver.id}`).set(leaver.auth);
    expect(left.status).toBe(204);
    for (const client of [clients.viewer, clients.leaver]) {
      expect(find(await client.pull(), 'project', project.id)).toEqual([
        expect.objectContaining({ op: 'delete', data: null }),
      ]);
      expect(client.state.has(keyOf('story', story.id))).toBe(false);
      await client.expectInStepWithGets();
    }
    expect(find(await clients.member.pull(), 'project', project.id)).toEqual([]);

    // Whatever happens in the project afterwards is not theirs to see.
    await createStory(t, owner, project.id);
    expect(await clients.viewer.pull()).toEqual([]);

    // The project deleted: a delete for the owner and the remaining member.
    expect((await t.http().delete(`/api/projects/${project.id}`).set(owner.auth)).status).toBe(204);
    for (const client of [clients.owner, clients.member]) {
      expect(find(await client.pull(), 'project', project.id)).toEqual([
        expect.objectContaining({ op: 'delete' }),
      ]);
      await client.expectInStepWithGets();
    }
  });

  it('when an invitation is accepted, then the project and all its children appear for the new member', async () => {
    const owner = await createUser(t);
    const project = await createProject(t, owner);
    const story = await createStory(t, owner, project.id);
    const image = await createImage(t, owner, project.id);
    const drawing = await createDrawing(t, owner, project.id);
    const newcomer = await createUser(t);
    const client = await syncedClient(newcomer);
    // Old changes of the project are no concern of theirs: nothing is in the feed before they join.
    expect(await client.pull()).toEqual([]);

    await addMember(t, owner, project.id, newcomer, 'viewer');
    const changes = await client.pull(2);
    for (const [kind, id] of [
      ['project', project.id],
      ['story', story.id],
      ['image', image.id],
      ['drawing', drawing.id],
    ] as const) {
      // At least once, and only as upserts. Once per page, not once in all: a transaction open elsewhere on
      // the cluster (another test's) can hold the newcomer's cursor below the project's earlier writes, which
      // then come in a page before the join's own rows.
      const found = find(changes, kind, id);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((change) => change.op === 'upsert')).toBe(true);
    }
    expect(client.state.get(keyOf('project', project.id))).toMatchObject({
      role: 'viewer',
      ownerId: owner.id,
    });
    await client.expectInStepWithGets();
  });

  it('when a project is transferred, then both keep it, with their new roles, and stay in step', async () => {
    const owner = await createUser(t);
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [owner.id]);
    const project = await createProject(t, owner);
    await createStory(t, owner, project.id, { content: 'words' });
    await createDrawing(t, owner, project.id);
    const heir = await createMember(t, owner, project.id, 'editor');
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [heir.id]);
    const before = { owner: await syncedClient(owner, 3), heir: await syncedClient(heir, 3) };

    const res = await t
      .http()
      .post(`/api/projects/${project.id}/transfer`)
      .set(owner.auth)
      .send({ userId: heir.id });
    expect(res.status).toBe(200);
    for (const client of Object.values(before)) {
      await client.pull(3);
      await client.expectInStepWithGets();
    }
    expect(before.heir.state.get(keyOf('project', project.id))).toMatchObject({
      role: 'owner',
      ownerId: heir.id,
    });
    expect(before.owner.state.get(keyOf('project', project.id))).toMatchObject({ role: 'editor' });
  });

  it('when many writes happen between pulls of one change each, then no page repeats a resource and nothing is skipped', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const client = await syncedClient(user, 1);
    const stories = [];
    for (let i = 0; i < 6; i += 1) stories.push(await createStory(t, user, project.id));
    for (const story of stories.slice(0, 3)) {
      await t
        .http()
        .put(`/api/stories/${story.id}`)
        .set(user.auth)
        .send({ title: `v2 ${story.id}` });
    }
    await t.http().delete(`/api/stories/${stories[4]!.id}`).set(user.auth);
    for (const limit of [1, 2, 3]) {
      const state = new Map(client.state);
      const { pages } = await pullUntilDone(feed(user), state, client.cursor, limit);
      expect(pages.every((page: ChangesPage) => page.changes.length <= limit)).toBe(true);
      expect(comparable(state)).toEqual(comparable(await stateFromGets(gets(user))));
    }
  });

  it('when a project is duplicated, then the copy and all its children come in one pull', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createStory(t, user, project.id);
    await createDrawing(t, user, project.id);
    const client = await syncedClient(user);
    const copy = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth).send({});
    expect(copy.status).toBe(201);
    // One page: each resource at most once in it (smaller pages may each carry the project again).
    const changes = await client.pull();
    expect(find(changes, 'project', copy.body.id)).toHaveLength(1);
    expect(changes.filter((change) => change.kind === 'story' || change.kind === 'drawing')).toHaveLength(2);
    await client.expectInStepWithGets();
  });

  it("when an owner deletes their account, then each member's feed answers a delete of the shared project", async () => {
    const owner = await createUser(t);
    const project = await createProject(t, owner);
    await createStory(t, owner, project.id);
    const member = await createMember(t, owner, project.id, 'viewer');
    const client = await syncedClient(member);
    expect(client.state.has(keyOf('project', project.id))).toBe(true);
    const gone = await t.http().delete('/api/users/me').set(owner.auth).send({ password: owner.password });
    expect(gone.status).toBe(204);
    expect(find(await client.pull(), 'project', project.id)).toEqual([
      expect.objectContaining({ op: 'delete' }),
    ]);
    await client.expectInStepWithGets();
  });

  it('when since is not a cursor this server handed out, then it answers 400 VALIDATION_ERROR', async () => {
    const user = await createUser(t);
    const valid = encodeCursor({ type: 'log', txid: '5', seq: '0' });
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const since of [
      'nope',
      `${valid}=`,
      b64('v1.5'),
      b64('v2.5.0'),
      b64('v1.05.0'),
      b64('v1.5.-1'),
      b64('v1.99999999999999999999.0'),
      b64('v1.9223372036854775808.0'),
      b64('v1.f.5.story.not-a-uuid'),
      b64('v1.f.5.template.-'),
      'x'.repeat(129),
    ]) {
      const res = await feed(user)(since, 10);
      expect({ since, status: res.status, code: res.body.code }).toEqual({
        since,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    for (const limit of [0, 1001]) {
      expect((await feed(user)(undefined, limit)).status).toBe(400);
    }
    expect((await t.http().get('/api/sync/changes')).status).toBe(401);
  });

  it('when a cursor is older than the pruned log, then it answers 410 CURSOR_EXPIRED, and a new full pull works', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const client = await syncedClient(user, 1);
    const halfway = (await feed(user)(undefined, 1)).body.cursor as string;
    await createStory(t, user, project.id);

    // The log ages past SYNC_RETENTION_DAYS (30 by default) and the hourly maintenance prunes it.
    await t.db.query(`UPDATE sync_changes SET changed_at = now() - interval '31 days'`);
    const task = t.ctx.maintenance.find((m) => m.name === 'sync-retention')!;
    expect(await task.run()).toBeGreaterThan(0);
    expect((await t.db.query('SELECT count(*)::int AS n FROM sync_changes')).rows[0]).toEqual({ n: 0 });

    for (const since of [client.cursor, halfway]) {
      const res = await feed(user)(since, 10);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'CURSOR_EXPIRED' });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const fresh = await syncedClient(user);
    await fresh.expectInStepWithGets();
    await createStory(t, user, project.id);
    await fresh.pull();
    await fresh.expectInStepWithGets();
  });

  it('when a cursor is ahead of the database (another database restored in its place), then 410 CURSOR_EXPIRED', async () => {
    const user = await createUser(t);
    const ahead = (type: 'log' | 'full') =>
      type === 'log'
        ? encodeCursor({ type, txid: '9000000000000000000', seq: '0' })
        : encodeCursor({ type, horizon: '9000000000000000000', kind: 'project', afterId: null });
    for (const since of [ahead('log'), ahead('full')]) {
      const res = await feed(user)(since, 10);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'CURSOR_EXPIRED' });
    }
  });

  it('when the log is younger than SYNC_RETENTION_DAYS, then the maintenance keeps it', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const client = await syncedClient(user);
    await createProject(t, user);
    await t.db.query(`UPDATE sync_changes SET changed_at = now() - interval '29 days'`);
    await t.ctx.maintenance.find((m) => m.name === 'sync-retention')!.run();
    expect((await client.pull()).filter((change) => change.kind === 'project')).toHaveLength(1);
  });
});
