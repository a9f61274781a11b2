import { useTestApp } from '../helpers/app';
import { createUser, type TestUser } from '../helpers/factories';
import { fileKey } from '../../src/storage/file-store';
import { waitFor } from '../helpers/spawn-server';
import { archiveJobHelpers } from './job-helpers';
import { seedAccount } from './round-trip';
import { sha256 } from './zips';

/**
 * How archive and import jobs end when they cannot succeed, through the routes and the real queue: an import
 * that does not fit the storage limit, and the dead-letter handlers that end a job whose every attempt was
 * used (a worker that died each time). The engine's own refusals are in import-refusals.test.ts; a store
 * that stays unreachable is in tests/jobs/archive-retries.test.ts (it waits out the queue's backoff).
 */
const t = useTestApp({ worker: true });

const { getJob, settled, storedUnder } = archiveJobHelpers(t);

const ownedProjectCount = async (user: TestUser) =>
  (await t.http().get('/api/projects?role=owner&limit=1').set(user.auth).expect(200)).body.pagination
    .total as number;

test('when an uploaded archive does not fit the storage limit, then the import fails with STORAGE_QUOTA_EXCEEDED, keeps nothing and drops the upload', async () => {
  const seeded = await seedAccount(t);
  const { owner } = seeded;
  const archive = await settled(
    owner,
    'archives',
    (await t.http().post('/api/users/me/archives').set(owner.auth).expect(202)).body.id,
  );
  expect(archive.status).toBe('succeeded');
  const zip = (await t.http().get(archive.url).responseType('blob')).body as Buffer;
  for (const id of seeded.projectIds)
    await t.http().delete(`/api/projects/${id}`).set(owner.auth).expect(204);

  // No room left for any project's files and text.
  const limit = t.config.plans.free.storageLimitBytes;
  await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [owner.id, limit - 10]);
  const filesBefore = await storedUnder(`images/${owner.id}/`);

  const started = await t.http().post('/api/users/me/imports').set(owner.auth).attach('file', zip, 'a.zip');
  expect(started.status).toBe(202);
  const ended = await settled(owner, 'imports', started.body.id);
  expect(ended).toMatchObject({ status: 'failed', projectsImported: 0 });
  expect(ended.error).toMatch(/^STORAGE_QUOTA_EXCEEDED: .*does not fit in your storage/);
  expect(await ownedProjectCount(owner)).toBe(0);
  expect(await storedUnder(`images/${owner.id}/`)).toEqual(filesBefore);
  expect(await storedUnder(`imports/${owner.id}/`)).toEqual([]);
  const { rows } = await t.db.query<{ storage_used_bytes: number }>(
    'SELECT storage_used_bytes FROM users WHERE id = $1',
    [owner.id],
  );
  expect(Number(rows[0].storage_used_bytes)).toBe(limit - 10);
});

describe('the dead-letter handlers', () => {
  test('when an archive job used its every attempt (its worker died each time), then the dead letter ends it failed and says so', async () => {
    const user = await createUser(t);
    const { rows } = await t.db.query<{ id: string }>(
      `INSERT INTO archive_jobs (user_id, status, attempts, started_at) VALUES ($1, 'running', 3, now()) RETURNING id`,
      [user.id],
    );
    const id = rows[0].id;
    await t.ctx.jobs.send('archive-dead', { archiveId: id });
    t.ctx.jobs.wake('archive-dead');
    const ended = await settled(user, 'archives', id);
    expect(ended).toMatchObject({ status: 'failed', url: null });
    expect(ended.error).toBe(
      'The archive failed 3 times and was given up. Its worker stopped before it finished.',
    );
    // Like any finished job, it expires (EXPORT_RETENTION_H) and a new archive may start.
    expect(ended.expiresAt).not.toBeNull();
    expect((await t.http().post('/api/users/me/archives').set(user.auth)).status).toBe(202);
  });

  test('when an import job used its every attempt, then the dead letter ends it failed with the last error and deletes its upload', async () => {
    const user = await createUser(t);
    const bytes = Buffer.from('an upload the worker never finished');
    const key = fileKey('imports', user.id, 'application/zip');
    await t.ctx.store.put(key, { buffer: bytes }, { contentType: 'application/zip' });
    const { rows } = await t.db.query<{ id: string }>(
      `INSERT INTO import_jobs (user_id, upload_key, upload_bytes, upload_sha256, attempts, status, error)
       VALUES ($1, $2, $3, $4, 3, 'running', 'The import failed: connection reset') RETURNING id`,
      [user.id, key, bytes.length, sha256(bytes)],
    );
    const id = rows[0].id;
    await t.ctx.jobs.send('import-dead', { importId: id });
    t.ctx.jobs.wake('import-dead');
    const ended = await settled(user, 'imports', id);
    expect(ended).toMatchObject({ status: 'failed', projectsImported: 0 });
    expect(ended.error).toBe(
      'The import failed 3 times and was given up. The last attempt: The import failed: connection reset',
    );
    expect(await storedUnder(`imports/${user.id}/`)).toEqual([]);
  });

  test('when a dead letter arrives for a job that has already ended, then it changes nothing', async () => {
    const user = await createUser(t);
    const { rows } = await t.db.query<{ id: string }>(
      `INSERT INTO archive_jobs (user_id, status, attempts, finished_at, error)
       VALUES ($1, 'canceled', 1, now(), 'Canceled') RETURNING id`,
      [user.id],
    );
    const id = rows[0].id;
    const jobId = await t.ctx.jobs.send('archive-dead', { archiveId: id });
    t.ctx.jobs.wake('archive-dead');
    await waitFor(
      'the dead letter to be handled',
      async () => {
        const { rows: state } = await t.db.query<{ state: string }>(
          'SELECT state FROM pgboss.job WHERE id = $1',
          [jobId],
        );
        return state[0]?.state === 'completed' ? true : null;
      },
      30_000,
      100,
    );
    expect(await getJob(user, 'archives', id)).toMatchObject({ status: 'canceled', error: 'Canceled' });
  });
});
