import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
beforeAll(async () => {
  user = await createUser(t);
});

let keySeq = 0;
const newKey = () => `key-${Date.now()}-${++keySeq}`;
const postProject = (who: TestUser, key: string | undefined, body: Record<string, unknown>) => {
  const req = t.http().post('/api/projects').set(who.auth);
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(body);
};
const projectsTitled = async (title: string) =>
  (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM projects WHERE title = $1', [title]))
    .rows[0].n;
const keyRows = async (key: string) =>
  (await t.db.query('SELECT id FROM idempotency_keys WHERE key = $1', [key])).rows.length;

describe('Idempotency-Key on POST /api/projects', () => {
  test('when a create is repeated with the same key and body, then the first answer comes back and nothing new is made', async () => {
    const key = newKey();
    const first = await postProject(user, key, { title: 'Once only', tags: ['a'] });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await postProject(user, key, { title: 'Once only', tags: ['a'] });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers.etag).toBe('"1"');
    expect(again.body).toEqual(first.body);
    expect(await projectsTitled('Once only')).toBe(1);
    const events = await t.db.query(`SELECT count(*)::int AS n FROM analytics_events WHERE project_id = $1`, [
      first.body.id,
    ]);
    expect(events.rows[0]).toEqual({ n: 1 });
  });

  test('when the same key comes with another body, then it answers 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const key = newKey();
    await postProject(user, key, { title: 'Body A' });
    const res = await postProject(user, key, { title: 'Body B' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await projectsTitled('Body B')).toBe(0);
  });

  test('when another user sends the same key, then it is their own key and their own project', async () => {
    const key = newKey();
    const other = await createUser(t);
    const mine = await postProject(user, key, { title: 'Shared key' });
    const theirs = await postProject(other, key, { title: 'Shared key' });
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await projectsTitled('Shared key')).toBe(2);
  });

  test('when two requests with one key run at once, then one project is created', async () => {
    const key = newKey();
    const results = await Promise.all([
      postProject(user, key, { title: 'Concurrent' }),
      postProject(user, key, { title: 'Concurrent' }),
    ]);
    expect(await projectsTitled('Concurrent')).toBe(1);
    const fresh = results.filter((r) => r.status === 201 && !r.headers['idempotent-replayed']);
    expect(fresh).toHaveLength(1);
    for (const other of results.filter((r) => r !== fresh[0])) {
      // Either it came after the first finished and got its answer, or while it ran and got 409.
      if (other.status === 201) expect(other.body).toEqual(fresh[0].body);
      else expect(other.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
  });

  test('when the key is not 1..255 visible ASCII characters, then it answers 400 and creates nothing', async () => {
    const res = await postProject(user, 'k'.repeat(256), { title: 'Bad key' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await projectsTitled('Bad key')).toBe(0);
  });

  test('when the key has expired, then the request runs again as new', async () => {
    const key = newKey();
    const first = await postProject(user, key, { title: 'Expired key' });
    await t.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [
      key,
    ]);
    const again = await postProject(user, key, { title: 'Expired key' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.id).not.toBe(first.body.id);
    expect(await projectsTitled('Expired key')).toBe(2);
  });

  test('when the clean-up runs, then expired keys are deleted and live ones kept', async () => {
    const expired = newKey();
    const live = newKey();
    await postProject(user, expired, { title: 'Purge me' });
    await postProject(user, live, { title: 'Keep me' });
    await t.db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE key = $1`, [
      expired,
    ]);
    const task = t.app.locals.maintenance.find((m) => m.name === 'idempotency-keys')!;
    expect(await task.run()).toBeGreaterThanOrEqual(1);
    expect(await keyRows(expired)).toBe(0);
    expect(await keyRows(live)).toBe(1);
    const replay = await postProject(user, live, { title: 'Keep me' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});

describe('Idempotency-Key on the other POSTs of projects and stories', () => {
  test('when a story create is repeated, then one story exists and the replay repeats it', async () => {
    const project = await createProject(t, user);
    const key = newKey();
    const send = () =>
      t
        .http()
        .post('/api/stories')
        .set(user.auth)
        .set('Idempotency-Key', key)
        .send({ projectId: project.id, title: 'Told once' });
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const { rows } = await t.db.query('SELECT id FROM stories WHERE project_id = $1', [project.id]);
    expect(rows).toEqual([{ id: first.body.id }]);
  });

  test('when one key is used on two different paths, then each path keeps its own answer', async () => {
    const project = await createProject(t, user);
    const key = newKey();
    const created = await postProject(user, key, { title: 'Path A' });
    const story = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .set('Idempotency-Key', key)
      .send({ projectId: project.id, title: 'Path B' });
    expect(created.status).toBe(201);
    expect(story.status).toBe(201);
    expect(story.headers['idempotent-replayed']).toBeUndefined();
  });

  test('when a request fails, then its key is not kept and a corrected retry with it runs', async () => {
    const project = await createProject(t, user);
    const key = newKey();
    const failed = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .set('Idempotency-Key', key)
      .send({ projectId: crypto.randomUUID(), title: 'Retry me' });
    expect(failed.status).toBe(404);
    expect(await keyRows(key)).toBe(0);
    const retried = await t
      .http()
      .post('/api/stories')
      .set(user.auth)
      .set('Idempotency-Key', key)
      .send({ projectId: project.id, title: 'Retry me' });
    expect(retried.status).toBe(201);
  });

  test('when a duplicate is repeated, then one copy exists', async () => {
    const project = await createProject(t, user, { title: 'Copy me once' });
    const key = newKey();
    const send = () =>
      t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth).set('Idempotency-Key', key);
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await projectsTitled('Copy me once (copy)')).toBe(1);
  });

  test('when a restore is repeated, then it makes one new version', async () => {
    const project = await createProject(t, user, { title: 'v1' });
    await t.http().put(`/api/projects/${project.id}`).set(user.auth).send({ title: 'v2' });
    const key = newKey();
    const send = () =>
      t
        .http()
        .post(`/api/projects/${project.id}/versions/1/restore`)
        .set(user.auth)
        .set('Idempotency-Key', key);
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const current = await t.http().get(`/api/projects/${project.id}`).set(user.auth);
    expect(current.body).toMatchObject({ title: 'v1', version: 3 });
  });
});
