import crypto from 'node:crypto';
import { memoryTokenStorage, type ReplayOutcome } from '../../client/src/index';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { listKeys } from '../storage/stores';
import { clientOf, pathOf, useLiveServer } from './live-server';

const t = useTestApp({ validateResponses: true });
const live = useLiveServer(t);

function signedInClient(user: TestUser) {
  const conflicts: ReplayOutcome[] = [];
  const made = clientOf(live.baseUrl, memoryTokenStorage(user), {
    queue: { isOnline: () => true, onConflict: (outcome) => conflicts.push(outcome) },
  });
  return { ...made, conflicts };
}

async function projectTitles(user: TestUser): Promise<string[]> {
  const res = await t.http().get('/api/projects?limit=100').set(user.auth);
  expect(res.status).toBe(200);
  return res.body.data.map((p: { title: string }) => p.title).sort();
}

describe('the offline queue', () => {
  test('when writes are made offline, then they are kept with their keys and replayed in order once online', async () => {
    const user = await createUser(t);
    const toEdit = await createProject(t, user, { title: 'Before' });
    const toDelete = await createProject(t, user, { title: 'Doomed' });
    const { client, network } = signedInClient(user);

    network.state.offline = true;
    const created = await client.queue.send({
      method: 'POST',
      path: '/api/projects',
      body: { title: 'Made offline' },
    });
    expect(created.queued).toBe(true);
    await client.queue.enqueue({
      method: 'PUT',
      path: `/api/projects/${toEdit.id}`,
      body: { title: 'Edited offline' },
      ifMatch: toEdit.version,
    });
    await client.queue.enqueue({ method: 'DELETE', path: `/api/projects/${toDelete.id}` });
    const pending = await client.queue.pending();
    expect(pending.map((e) => [e.method, e.ifMatch])).toEqual([
      ['POST', undefined],
      ['PUT', '"1"'],
      ['DELETE', undefined],
    ]);

    network.state.offline = false;
    const outcomes = await client.queue.flush();

    expect(outcomes.map((o) => [o.kind, o.kind === 'sent' ? o.status : undefined])).toEqual([
      ['sent', 201],
      ['sent', 200],
      ['sent', 204],
    ]);
    const replays = network.seen.filter((r) => r.path.startsWith('/api/projects')).slice(-3);
    expect(replays.map((r) => r.headers.get('idempotency-key'))).toEqual(
      pending.map((e) => e.idempotencyKey),
    );
    expect(replays[1].headers.get('if-match')).toBe('"1"');
    expect(await client.queue.pending()).toEqual([]);
    expect(await projectTitles(user)).toEqual(['Edited offline', 'Made offline']);
  });

  test('when the answer to a replayed POST was lost, then the next flush gets the stored answer and creates nothing new', async () => {
    const user = await createUser(t);
    const { client, network } = signedInClient(user);
    const entry = await client.queue.enqueue({
      method: 'POST',
      path: '/api/projects',
      body: { title: 'Only once' },
    });

    // The request reaches the server, which creates the project; the answer is lost on the way back.
    network.state.dropResponses = 1;
    const first = await client.queue.flush();
    expect(first.map((o) => o.kind)).toEqual(['deferred']);
    expect(await client.queue.pending()).toEqual([
      expect.objectContaining({ id: entry.id, idempotencyKey: entry.idempotencyKey, attempts: 1 }),
    ]);

    const second = await client.queue.flush();
    expect(second).toEqual([expect.objectContaining({ kind: 'sent', status: 201 })]);
    const sent = second[0] as Extract<ReplayOutcome, { kind: 'sent' }>;
    expect(sent.headers.get('idempotent-replayed')).toBe('true');
    expect(await projectTitles(user)).toEqual(['Only once']);
  });

  test('when a queued PUT is based on a version changed meanwhile, then flush reports a 412 conflict and overwrites nothing', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Original' });
    const { client, conflicts, network } = signedInClient(user);

    network.state.offline = true;
    await client.queue.send({
      method: 'PUT',
      path: `/api/projects/${project.id}`,
      body: { title: 'Offline edit' },
      ifMatch: `"${project.version}"`,
    });
    // Meanwhile, another device saves a newer version.
    await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .set('If-Match', `"${project.version}"`)
      .send({ title: 'Other device' })
      .expect(200);

    network.state.offline = false;
    const outcomes = await client.queue.flush();

    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'conflict',
        status: 412,
        problem: expect.objectContaining({ code: 'VERSION_CONFLICT' }),
      }),
    ]);
    expect(conflicts).toEqual(outcomes);
    expect(await client.queue.pending()).toEqual([]);
    const now = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(now.body).toMatchObject({ title: 'Other device', version: 2 });
  });

  test('when a replay is refused for good, then it is reported as rejected, dropped, and the rest still go', async () => {
    const user = await createUser(t);
    const { client, network } = signedInClient(user);
    network.state.offline = true;
    await client.queue.send({ method: 'DELETE', path: `/api/projects/${crypto.randomUUID()}` });
    await client.queue.send({ method: 'POST', path: '/api/projects', body: { title: 'After the miss' } });

    network.state.offline = false;
    const outcomes = await client.queue.flush();

    expect(outcomes.map((o) => [o.kind, o.kind === 'deferred' ? undefined : o.status])).toEqual([
      ['rejected', 404],
      ['sent', 201],
    ]);
    expect(await client.queue.pending()).toEqual([]);
  });

  test('when an uploaded image is edited and then deleted offline, then the replays apply in order and its files are gone', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const { client, network } = signedInClient(user);
    const png = await makePng(160, 120, { noise: true });
    const uploaded = await client.upload<{ id: string; url: string }>('/api/images', {
      file: new Blob([png], { type: 'image/png' }),
      filename: 'page.png',
      fields: { projectId: project.id, title: 'Draft page' },
    });
    expect(uploaded.status).toBe(201);
    const image = uploaded.data!;
    expect(await listKeys(t.ctx.store, `images/${user.id}/`)).toHaveLength(2);

    network.state.offline = true;
    const edited = await client.queue.send({
      method: 'PUT',
      path: `/api/images/${image.id}`,
      body: { title: 'Final page', metadata: { edited: 'offline' } },
    });
    expect(edited.queued).toBe(true);
    await client.queue.send({ method: 'DELETE', path: `/api/images/${image.id}` });
    // Nothing reached the server yet.
    const before = await t.http().get(`/api/images/${image.id}`).set(user.auth);
    expect(before.body.title).toBe('Draft page');

    network.state.offline = false;
    const outcomes = await client.queue.flush();

    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'sent',
        status: 200,
        body: expect.objectContaining({ title: 'Final page', metadata: { edited: 'offline' } }),
      }),
      expect.objectContaining({ kind: 'sent', status: 204 }),
    ]);
    expect(await client.queue.pending()).toEqual([]);
    expect((await t.http().get(`/api/images/${image.id}`).set(user.auth)).status).toBe(404);
    expect(await listKeys(t.ctx.store, `images/${user.id}/`)).toEqual([]);
    expect((await fetch(`${live.baseUrl}${pathOf(image.url)}`)).status).toBe(404);
    const me = await t.http().get('/api/auth/me').set(user.auth);
    expect(me.body.storageUsedBytes).toBe(0);
  });

  test('when the server cannot be reached during a flush, then the entry stays first in line and the flush stops', async () => {
    const user = await createUser(t);
    const { client, network } = signedInClient(user);
    await client.queue.enqueue({ method: 'POST', path: '/api/projects', body: { title: 'First' } });
    await client.queue.enqueue({ method: 'POST', path: '/api/projects', body: { title: 'Second' } });

    network.state.offline = true;
    expect((await client.queue.flush()).map((o) => o.kind)).toEqual(['deferred']);
    expect((await client.queue.pending()).map((e) => [e.body, e.attempts])).toEqual([
      [{ title: 'First' }, 1],
      [{ title: 'Second' }, 0],
    ]);

    network.state.offline = false;
    expect((await client.queue.flush()).map((o) => o.kind)).toEqual(['sent', 'sent']);
    expect(await projectTitles(user)).toEqual(['First', 'Second']);
  });
});
