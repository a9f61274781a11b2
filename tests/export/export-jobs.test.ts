import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { ACTIVE_JOBS_PER_USER } from '../../src/modules/export/export-jobs.service';
import { useTestApp } from '../helpers/app';
import { addMember, createImage, createProject, createUser, type TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { waitFor } from '../helpers/spawn-server';

/**
 * Durable export jobs through the real queue (pg-boss on the test database) and a worker in this process:
 * the worker is started only after the tests that need jobs to stay queued.
 */
const t = useTestApp({ env: { EXPORT_CONCURRENCY: '1', EXPORT_RETENTION_H: '2' } });

async function userWithBook(pages = 1, size = 32): Promise<{ user: TestUser; projectId: string }> {
  const user = await createUser(t);
  const project = await createProject(t, user);
  for (let i = 0; i < pages; i++) {
    await createImage(t, user, project.id, {}, { bytes: await makePng(size, size, { noise: size > 100 }) });
  }
  return { user, projectId: project.id };
}

const start = (user: TestUser, projectId: string, body: Record<string, unknown> = { format: 'pdf' }) =>
  t.http().post(`/api/projects/${projectId}/exports`).set(user.auth).send(body);

const getJob = async (user: TestUser, id: string) => {
  const res = await t.http().get(`/api/exports/${id}`).set(user.auth);
  expect(res.status).toBe(200);
  return res.body as { status: string; progress: number; url: string | null; error: string | null } & Record<
    string,
    unknown
  >;
};

const settled = (user: TestUser, id: string, deadlineMs = 20_000) =>
  waitFor(
    `export ${id} to finish`,
    async () => {
      const job = await getJob(user, id);
      return ['succeeded', 'failed', 'canceled'].includes(job.status) ? job : null;
    },
    deadlineMs,
    100,
  );

const exportFiles = async (userId: string) => {
  const keys: string[] = [];
  for await (const file of t.ctx.store.list(`exports/${userId}/`)) keys.push(file.key);
  return keys;
};

describe('export jobs, queued (no worker yet)', () => {
  test('when a member starts an export, then it is 202 queued with its Location, and listed', async () => {
    const { user, projectId } = await userWithBook();
    const res = await start(user, projectId, { format: 'pdf', trimSize: 'a4' });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/api/exports/${res.body.id}`);
    expect(res.body).toMatchObject({
      projectId,
      status: 'queued',
      progress: 0,
      url: null,
      error: null,
      options: { trimSize: 'a4', bleed: false, includeStories: true, blankBacks: false },
    });
    const list = await t.http().get(`/api/exports?projectId=${projectId}`).set(user.auth);
    expect(list.status).toBe(200);
    expect(list.body.data.map((j: { id: string }) => j.id)).toEqual([res.body.id]);
    expect(list.body.pagination).toMatchObject({ total: 1, page: 1 });
  });

  test(`when a user has ${ACTIVE_JOBS_PER_USER} jobs queued, then the next is 429 RATE_LIMITED and nothing is queued`, async () => {
    const { user, projectId } = await userWithBook();
    for (let i = 0; i < ACTIVE_JOBS_PER_USER; i++) expect((await start(user, projectId)).status).toBe(202);
    const refused = await start(user, projectId);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const list = await t.http().get('/api/exports').set(user.auth);
    expect(list.body.pagination.total).toBe(ACTIVE_JOBS_PER_USER);
  });

  test('when the same user starts jobs at once, then the cap holds under the race', async () => {
    const { user, projectId } = await userWithBook();
    const answers = await Promise.all(Array.from({ length: 6 }, () => start(user, projectId)));
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'export' AND data->>'exportId' = ANY($1::text[])`,
      [answers.filter((r) => r.status === 202).map((r) => r.body.id)],
    );
    expect(rows[0].n).toBe(3);
  });

  test('when the project has no page, or is not the caller’s, or the body is wrong, then 400/404 and no job', async () => {
    const user = await createUser(t);
    const empty = await createProject(t, user);
    const noPages = await start(user, empty.id);
    expect(noPages.status).toBe(400);
    expect(noPages.body.code).toBe('EMPTY_PROJECT');
    const stranger = await createUser(t);
    const { projectId } = await userWithBook();
    expect((await start(stranger, projectId)).status).toBe(404);
    const bad = await start(user, empty.id, { format: 'docx' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
    expect((await start(user, empty.id, { format: 'pdf', extra: 1 })).status).toBe(400);
    expect((await t.http().get('/api/exports').set(user.auth)).body.pagination.total).toBe(0);
    expect((await t.http().get('/api/exports?projectId=nope').set(user.auth)).status).toBe(400);
    expect((await t.http().get('/api/exports?color=red').set(user.auth)).status).toBe(400);
    expect((await t.http().get('/api/exports/not-a-uuid').set(user.auth)).status).toBe(400);
  });

  test("when someone else asks for a job, then 404: a job is its starter's", async () => {
    const { user, projectId } = await userWithBook();
    const job = (await start(user, projectId)).body;
    const other = await createUser(t);
    expect((await t.http().get(`/api/exports/${job.id}`).set(other.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/exports/${job.id}`).set(other.auth)).status).toBe(404);
    expect((await t.http().get(`/api/exports/${job.id}`)).status).toBe(401);
    expect((await getJob(user, job.id)).status).toBe('queued');
  });

  test('when a queued job is deleted, then it is canceled and leaves the queue; a second delete removes it', async () => {
    const { user, projectId } = await userWithBook();
    const job = (await start(user, projectId)).body;
    expect((await t.http().delete(`/api/exports/${job.id}`).set(user.auth)).status).toBe(204);
    const canceled = await getJob(user, job.id);
    expect(canceled).toMatchObject({ status: 'canceled', error: 'Canceled' });
    const { rows } = await t.db.query<{ state: string }>('SELECT state FROM pgboss.job WHERE id = $1', [
      job.id,
    ]);
    expect(rows[0].state).toBe('cancelled');
    expect((await t.http().delete(`/api/exports/${job.id}`).set(user.auth)).status).toBe(204);
    expect((await t.http().get(`/api/exports/${job.id}`).set(user.auth)).status).toBe(404);
  });

  test('when a project is deleted while exports of it are being started, then none of its jobs is left queued', async () => {
    for (let round = 0; round < 3; round++) {
      const { user, projectId } = await userWithBook();
      const [a, b, removed] = await Promise.all([
        start(user, projectId),
        start(user, projectId),
        t.http().delete(`/api/projects/${projectId}`).set(user.auth),
      ]);
      expect(removed.status).toBe(204);
      for (const res of [a, b]) expect([202, 404]).toContain(res.status);
      const { rows } = await t.db.query<{ status: string }>(
        'SELECT status FROM export_jobs WHERE project_id = $1',
        [projectId],
      );
      expect(rows.filter((row) => row.status !== 'canceled')).toEqual([]);
    }
  });

  test('when the project is deleted, then its queued jobs are canceled', async () => {
    const { user, projectId } = await userWithBook();
    const job = (await start(user, projectId)).body;
    expect((await t.http().delete(`/api/projects/${projectId}`).set(user.auth)).status).toBe(204);
    expect(await getJob(user, job.id)).toMatchObject({
      status: 'canceled',
      error: 'The project was deleted',
    });
  });
});

describe('export jobs, worked', () => {
  beforeAll(async () => {
    // Jobs left queued above are canceled: the worker starts on a clean queue.
    await t.db.query(`UPDATE export_jobs SET status = 'canceled' WHERE status = 'queued'`);
    await t.ctx.jobs.start({ work: true });
  });

  test('when the worker runs a job, then it succeeds with progress 1 and a signed URL to the PDF', async () => {
    const { user, projectId } = await userWithBook(3);
    const job = (await start(user, projectId)).body;
    const done = await settled(user, job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: 1,
      error: null,
      pageCount: expect.any(Number),
    });
    expect(done.startedAt).toEqual(expect.any(String));
    expect(new Date(done.expiresAt as string).getTime() - new Date(done.finishedAt as string).getTime()).toBe(
      2 * 3600 * 1000,
    );
    const pdf = await t.http().get(done.url!).buffer(true);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const doc = await PDFDocument.load(pdf.body);
    expect(doc.getPageCount()).toBe(done.pageCount);
    expect(Number(done.sizeBytes)).toBe(pdf.body.length);
  });

  test('when a viewer exports, then the job is the viewer’s own', async () => {
    const { user: owner, projectId } = await userWithBook();
    const viewer = await createUser(t);
    await addMember(t, { id: projectId }, viewer, 'viewer');
    const job = (await start(viewer, projectId)).body;
    expect((await settled(viewer, job.id)).status).toBe('succeeded');
    expect((await t.http().get(`/api/exports/${job.id}`).set(owner.auth)).status).toBe(404);
  });

  test('when a printed file is gone by the time the job runs, then the job fails at once with the reason', async () => {
    const { user, projectId } = await userWithBook();
    const { rows } = await t.db.query<{ storage_key: string }>(
      'SELECT storage_key FROM images WHERE project_id = $1',
      [projectId],
    );
    const hold = await t.ctx.renderSlots.acquire();
    let jobId: string;
    try {
      jobId = (await start(user, projectId)).body.id;
      await t.ctx.store.delete(rows[0].storage_key);
    } finally {
      hold();
    }
    const failed = await settled(user, jobId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/FILE_MISSING/);
    const attempts = await t.db.query<{ attempts: number }>(
      'SELECT attempts FROM export_jobs WHERE id = $1',
      [jobId],
    );
    expect(attempts.rows[0].attempts).toBe(1);
  });

  test('when a running job is canceled, then its render stops and its partial file is gone', async () => {
    const { user, projectId } = await userWithBook(8, 1500);
    const job = (await start(user, projectId)).body;
    const tmp = path.join(os.tmpdir(), `colorbook-export-${job.id}-${process.pid}.pdf`);
    await waitFor(
      'the render to start',
      async () => (await getJob(user, job.id)).status === 'running',
      20_000,
    );
    await waitFor('the partial file', () => fs.existsSync(tmp), 20_000, 20);
    expect((await t.http().delete(`/api/exports/${job.id}`).set(user.auth)).status).toBe(204);
    await waitFor('the partial file to go', () => !fs.existsSync(tmp), 20_000);
    const after = await getJob(user, job.id);
    expect(after.status).toBe('canceled');
    expect(after.progress).toBeLessThan(1);
    expect(after.url).toBeNull();
    expect(await exportFiles(user.id)).toEqual([]);
  });

  test('when a finished job is deleted, then its file goes with it', async () => {
    const { user, projectId } = await userWithBook();
    const job = (await start(user, projectId)).body;
    await settled(user, job.id);
    expect(await exportFiles(user.id)).toHaveLength(1);
    expect((await t.http().delete(`/api/exports/${job.id}`).set(user.auth)).status).toBe(204);
    expect(await exportFiles(user.id)).toEqual([]);
    expect((await t.http().get(`/api/exports/${job.id}`).set(user.auth)).status).toBe(404);
  });

  test('when a job expires, then the maintenance job removes its row and its file', async () => {
    const { user, projectId } = await userWithBook();
    const job = (await start(user, projectId)).body;
    await settled(user, job.id);
    await t.db.query(`UPDATE export_jobs SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      job.id,
    ]);
    expect((await getJob(user, job.id)).url).toBeNull();
    await t.ctx.jobs.send('maintenance', {});
    t.ctx.jobs.wake('maintenance');
    await waitFor('the expired export to go', async () => {
      const res = await t.http().get(`/api/exports/${job.id}`).set(user.auth);
      return res.status === 404;
    });
    expect(await exportFiles(user.id)).toEqual([]);
  });
});
