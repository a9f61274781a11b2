import fs from 'node:fs';
import path from 'node:path';
import { useTestApp } from '../helpers/app';
import { createProject, createUser, type TestUser } from '../helpers/factories';
import { fileKey } from '../../src/storage/file-store';
import { waitFor } from '../helpers/spawn-server';
import { archiveJobHelpers, type Job } from './job-helpers';
import { seedAccount, snapshotProjects } from './round-trip';
import { sha256, unzip, zipScratch } from './zips';

/**
 * The archive and import routes (docs/archive.md) as jobs on the real queue, with a worker in this process
 * started only after the tests that need jobs to stay queued. The engine's own refusals are tested in
 * import-refusals.test.ts; here, what the routes and jobs add: 202 and Location, progress, the signed
 * download, the caps, cancel and remove, retention, the upload's life, a retried import.
 */
const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
const t = useTestApp({ env: { EXPORT_RETENTION_H: '2', IMPORT_MAX_BYTES: String(IMPORT_MAX_BYTES) } });

let scratch: string;
beforeAll(() => {
  scratch = zipScratch();
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const startArchive = (user: TestUser) => t.http().post('/api/users/me/archives').set(user.auth);
const upload = (user: TestUser, bytes: Buffer, name = 'archive.zip') =>
  t.http().post('/api/users/me/imports').set(user.auth).attach('file', bytes, name);

const { getJob, settled, storedUnder } = archiveJobHelpers(t);

const ownedProjects = async (user: TestUser) =>
  (
    (await t.http().get('/api/projects?role=owner&sort=createdAt&limit=100').set(user.auth).expect(200)).body
      .data as Array<{ id: string; title: string }>
  ).map((p) => p.id);

describe('archive and import jobs, queued (no worker yet)', () => {
  test('when an archive is started, then it is 202 queued with its Location, and listed', async () => {
    const user = await createUser(t);
    const res = await startArchive(user);
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/users/me/archives/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'queued', progress: 0, url: null, error: null, counts: null });
    const list = await t.http().get('/api/users/me/archives').set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.data.map((j: Job) => j.id)).toEqual([res.body.id]);
    expect(list.body.pagination).toMatchObject({ total: 1, page: 1 });
  });

  test('when a user already has an archive queued, then the next is 429 with Retry-After and nothing is queued', async () => {
    const user = await createUser(t);
    expect((await startArchive(user)).status).toBe(202);
    const refused = await startArchive(user);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('10');
    const list = await t.http().get('/api/users/me/archives').set(user.auth);
    expect(list.body.pagination.total).toBe(1);
  });

  test('when a user already has an import queued, then the next upload is 429 and its file is not kept', async () => {
    const user = await createUser(t);
    const first = await upload(user, Buffer.from('not yet looked at'));
    expect(first.status).toBe(202);
    expect(first.headers.location).toBe(`/api/users/me/imports/${first.body.id}`);
    expect(first.body).toMatchObject({ status: 'queued', projectsImported: 0, sizeBytes: 17, error: null });
    const refused = await upload(user, Buffer.from('a second one'));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(await storedUnder(`imports/${user.id}/`)).toHaveLength(1);
  });

  test('when a queued import is canceled, then its upload is deleted and the job stays canceled; a second DELETE removes it', async () => {
    const user = await createUser(t);
    const job = (await upload(user, Buffer.from('zip?'))).body as Job;
    expect(await storedUnder(`imports/${user.id}/`)).toHaveLength(1);
    expect((await t.http().delete(`/api/users/me/imports/${job.id}`).set(user.auth)).status).toBe(204);
    expect(await getJob(user, 'imports', job.id)).toMatchObject({ status: 'canceled', error: 'Canceled' });
    expect(await storedUnder(`imports/${user.id}/`)).toEqual([]);
    expect((await t.http().delete(`/api/users/me/imports/${job.id}`).set(user.auth)).status).toBe(204);
    expect((await t.http().get(`/api/users/me/imports/${job.id}`).set(user.auth)).status).toBe(404);
  });

  test('when a queued archive is canceled, then it never runs, and a new one may start', async () => {
    const user = await createUser(t);
    const job = (await startArchive(user)).body as Job;
    expect((await t.http().delete(`/api/users/me/archives/${job.id}`).set(user.auth)).status).toBe(204);
    expect(await getJob(user, 'archives', job.id)).toMatchObject({ status: 'canceled', url: null });
    expect((await startArchive(user)).status).toBe(202);
  });

  test("when someone else's job is read, canceled or removed, then it is 404 and nothing changes", async () => {
    const owner = await createUser(t);
    const stranger = await createUser(t);
    const archive = (await startArchive(owner)).body as Job;
    const imported = (await upload(owner, Buffer.from('mine'))).body as Job;
    for (const [kind, id] of [
      ['archives', archive.id],
      ['imports', imported.id],
    ] as const) {
      expect((await t.http().get(`/api/users/me/${kind}/${id}`).set(stranger.auth)).status).toBe(404);
      const del = await t.http().delete(`/api/users/me/${kind}/${id}`).set(stranger.auth);
      expect(del.status).toBe(404);
      expect(del.headers['content-type']).toMatch(/problem\+json/);
      expect((await getJob(owner, kind, id)).status).toBe('queued');
    }
    expect((await t.http().get('/api/users/me/imports').set(stranger.auth)).body.data).toEqual([]);
  });

  test('when the upload is not a proper form, then it is a 4xx problem and nothing is stored', async () => {
    const user = await createUser(t);
    const noFile = await t.http().post('/api/users/me/imports').set(user.auth).field('note', 'x');
    expect(noFile.status).toBe(400);
    const empty = await t.http().post('/api/users/me/imports').set(user.auth).type('form').send('');
    expect(empty.status).toBe(415);
    const json = await t.http().post('/api/users/me/imports').set(user.auth).send({ file: 'UEsDBA==' });
    expect(json.status).toBe(415);
    const extraField = await t
      .http()
      .post('/api/users/me/imports')
      .set(user.auth)
      .field('title', 'x')
      .attach('file', Buffer.from('PK'), 'a.zip');
    expect(extraField.status).toBe(400);
    const tooBig = await upload(user, Buffer.alloc(IMPORT_MAX_BYTES + 1));
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toMatch(/problem\+json/);
    const anonymous = await t.http().post('/api/users/me/imports').attach('file', Buffer.from('PK'), 'a.zip');
    expect(anonymous.status).toBe(401);
    expect(await storedUnder(`imports/${user.id}/`)).toEqual([]);
    expect((await t.http().get('/api/users/me/imports').set(user.auth)).body.data).toEqual([]);
  });
});

describe('archive and import jobs, worked', () => {
  beforeAll(async () => {
    await t.ctx.jobs.start({ work: true });
  });

  test('when an account is archived through the API, its projects deleted and the ZIP uploaded, then everything is back under new ids', async () => {
    const seeded = await seedAccount(t);
    const { owner } = seeded;
    const before = await snapshotProjects(t, owner, seeded.projectIds);

    const started = (await startArchive(owner)).body as Job;
    const done = await settled(owner, 'archives', started.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: 1,
      error: null,
      counts: { projects: 2, versions: 4, stories: 2, images: 2, drawings: 2, templates: 1, ratings: 1 },
    });
    expect(new Date(done.expiresAt).getTime() - new Date(done.finishedAt).getTime()).toBe(2 * 3600 * 1000);
    const download = await t.http().get(done.url!).responseType('blob');
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
    const zip = download.body as Buffer;
    expect(zip.length).toBe(done.sizeBytes);
    expect(sha256(zip)).toBe(done.sha256);
    const zipPath = path.join(scratch, 'via-api.zip');
    fs.writeFileSync(zipPath, zip);
    expect((await unzip(zipPath)).map(([name]) => name).at(-1)).toBe('manifest.json');

    for (const id of seeded.projectIds) {
      await t.http().delete(`/api/projects/${id}`).set(owner.auth).expect(204);
    }
    const imported = await upload(owner, zip);
    expect(imported.status).toBe(202);
    const ended = await settled(owner, 'imports', imported.body.id);
    expect(ended).toMatchObject({ status: 'succeeded', progress: 1, projectsImported: 2, error: null });
    // The upload is not kept once the import has ended.
    expect(await storedUnder(`imports/${owner.id}/`)).toEqual([]);

    const newIds = await ownedProjects(owner);
    expect(newIds).toHaveLength(2);
    const after = await snapshotProjects(t, owner, newIds);
    expect(after.normal).toEqual(before.normal);
  });

  test('when the upload is not an archive, then the import fails with NOT_A_ZIP, nothing is imported and the upload is gone', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const job = (await upload(user, Buffer.from('hello, this is text'))).body as Job;
    const ended = await settled(user, 'imports', job.id);
    expect(ended).toMatchObject({ status: 'failed', projectsImported: 0 });
    expect(ended.error).toMatch(/^NOT_A_ZIP: /);
    expect(await ownedProjects(user)).toHaveLength(1);
    expect(await storedUnder(`imports/${user.id}/`)).toEqual([]);
  });

  test('when an import runs again after a worker died, then the projects it had imported are not imported twice', async () => {
    const seeded = await seedAccount(t);
    const { owner } = seeded;
    const archive = await settled(owner, 'archives', ((await startArchive(owner)).body as Job).id);
    const zip = (await t.http().get(archive.url!).responseType('blob')).body as Buffer;
    for (const id of seeded.projectIds)
      await t.http().delete(`/api/projects/${id}`).set(owner.auth).expect(204);

    // What a first attempt leaves when its worker dies after committing the first project: that project
    // and the job's record of it, committed together. Here only the record, so that a second import of
    // that project would show as a third project.
    const key = fileKey('imports', owner.id, 'application/zip');
    await t.ctx.store.put(key, { buffer: zip }, { contentType: 'application/zip' });
    const { rows } = await t.db.query<{ id: string }>(
      `INSERT INTO import_jobs (user_id, upload_key, upload_bytes, upload_sha256, done_project_ids,
                                projects_imported, attempts, status)
       VALUES ($1, $2, $3, $4, $5::jsonb, 1, 1, 'running') RETURNING id`,
      [owner.id, key, zip.length, sha256(zip), JSON.stringify([seeded.projectIds[0]])],
    );
    const id = rows[0]!.id;
    await t.ctx.jobs.send('import', { importId: id }, { id });
    t.ctx.jobs.wake('import');
    const ended = await settled(owner, 'imports', id);
    expect(ended).toMatchObject({ status: 'succeeded', projectsImported: 2 });
    // Only the second project was written by this attempt.
    const titles = (
      (await t.http().get('/api/projects?role=owner&limit=100').set(owner.auth).expect(200)).body
        .data as Array<{
        title: string;
      }>
    ).map((p) => p.title);
    expect(titles).toHaveLength(1);
    expect(titles).not.toContain('Ocean animals');
    expect(await storedUnder(`imports/${owner.id}/`)).toEqual([]);
  });

  test('when a finished archive is deleted, then its ZIP goes with it; when one expires, the maintenance run removes it', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const first = await settled(user, 'archives', ((await startArchive(user)).body as Job).id);
    expect(first.status).toBe('succeeded');
    expect(await storedUnder(`archives/${user.id}/`)).toHaveLength(1);
    expect((await t.http().delete(`/api/users/me/archives/${first.id}`).set(user.auth)).status).toBe(204);
    expect(await storedUnder(`archives/${user.id}/`)).toEqual([]);
    expect((await t.http().get(`/api/users/me/archives/${first.id}`).set(user.auth)).status).toBe(404);

    const second = await settled(user, 'archives', ((await startArchive(user)).body as Job).id);
    await t.db.query(`UPDATE archive_jobs SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      second.id,
    ]);
    expect((await getJob(user, 'archives', second.id)).url).toBeNull();
    await t.ctx.jobs.send('maintenance', {});
    t.ctx.jobs.wake('maintenance');
    await waitFor('the expired archive to go', async () => {
      const res = await t.http().get(`/api/users/me/archives/${second.id}`).set(user.auth);
      return res.status === 404;
    });
    expect(await storedUnder(`archives/${user.id}/`)).toEqual([]);
  });

  test('when the account is deleted, then its archives and uploaded imports go with their rows', async () => {
    const user = await createUser(t);
    await createProject(t, user);
    const job = await settled(user, 'archives', ((await startArchive(user)).body as Job).id);
    expect(job.status).toBe('succeeded');
    expect(await storedUnder(`archives/${user.id}/`)).toHaveLength(1);
    // An upload whose import job is still queued (stored, not yet read by a worker): its row, made here.
    const key = fileKey('imports', user.id, 'application/zip');
    await t.ctx.store.put(key, { buffer: Buffer.from('queued') }, { contentType: 'application/zip' });
    await t.db.query(
      `INSERT INTO import_jobs (user_id, upload_key, upload_bytes, upload_sha256) VALUES ($1, $2, 6, 'x')`,
      [user.id, key],
    );
    expect(await storedUnder(`imports/${user.id}/`)).toHaveLength(1);
    const deleted = await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password });
    expect(deleted.status).toBe(204);
    for (const table of ['archive_jobs', 'import_jobs']) {
      const { rows } = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
        [user.id],
      );
      expect(rows[0]!.n).toBe(0);
    }
    expect(await storedUnder(`archives/${user.id}/`)).toEqual([]);
    expect(await storedUnder(`imports/${user.id}/`)).toEqual([]);
  });
});
