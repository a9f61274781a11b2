import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { useS3rver } from '../helpers/s3rver';
import { waitFor } from '../helpers/spawn-server';
import { bossJobSettled } from '../helpers/boss-jobs';

/**
 * A job that keeps failing for a reason retrying might fix (the file store unreachable) is tried 3 times, with
 * backoff, and then ends as failed with the last error, its row never left `running`.
 */
const env: Record<string, string | undefined> = {};
const s3 = useS3rver(env, 'export-retries');
const t = useTestApp({ env });

afterAll(async () => {
  await t.ctx.store.close();
  await s3.stop().catch(() => undefined);
});

test('when the store stays unreachable, then the export job is attempted 3 times and ends failed with the error', async () => {
  const user = await createUser(t);
  const project = await createProject(t, user);
  await createImage(t, user, project.id);
  const started = await t
    .http()
    .post(`/api/projects/${project.id}/exports`)
    .set(user.auth)
    .send({ format: 'pdf' });
  expect(started.status).toBe(202);
  // The store goes away before any worker takes the job.
  await s3.stop();
  await t.ctx.jobs.start({ work: true });

  const states = new Set<string>();
  const failed = await waitFor(
    'the job to fail for good',
    async () => {
      const res = await t.http().get(`/api/exports/${started.body.id}`).set(user.auth);
      states.add(res.body.status);
      return res.body.status === 'failed' ? res.body : null;
    },
    100_000,
    200,
  );
  expect(failed.error).toMatch(/^The export failed: /);
  expect(failed.url).toBeNull();
  const { rows } = await t.db.query<{ attempts: number }>('SELECT attempts FROM export_jobs WHERE id = $1', [
    started.body.id,
  ]);
  expect(rows[0].attempts).toBe(3);
  // Between attempts it went back to queued, with the error of the last try.
  expect(states.has('queued') || states.has('running')).toBe(true);
  const boss = await bossJobSettled(t, started.body.id);
  expect(boss).toMatchObject({ state: 'failed', retry_count: 2 });
}, 120_000);
