import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { listBackups } from '../../src/ops/backup';
import { openBackupTarget } from '../../src/ops/backup-target';
import { useTestApp } from '../helpers/app';
import { createImage, createProject, createUser } from '../helpers/factories';
import { waitFor } from '../helpers/spawn-server';

/**
 * Scheduled work goes through the job queue: the maintenance run (MAINTENANCE_SCHEDULE) and the operators'
 * backup (BACKUP_SCHEDULE) are pg-boss schedules, kept once in the database for every worker process, and
 * their jobs run the same code as the commands.
 */
const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-scheduled-backups-'));
const t = useTestApp({
  env: { MAINTENANCE_SCHEDULE: '17 3 * * *', BACKUP_SCHEDULE: '0 4 * * 0', BACKUP_TARGET: backups },
  worker: true,
});
afterAll(() => fs.rmSync(backups, { recursive: true, force: true }));

test('when a worker starts, then the maintenance and backup schedules are in the database once, in UTC', async () => {
  const { rows } = await t.db.query<{ name: string; cron: string; timezone: string }>(
    'SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name',
  );
  expect(rows).toEqual([
    { name: 'backup', cron: '0 4 * * 0', timezone: 'UTC' },
    { name: 'maintenance', cron: '17 3 * * *', timezone: 'UTC' },
  ]);
  await t.ctx.jobs.stop(1000);
});

test('when the backup job runs, then a complete backup of the rows and files is in BACKUP_TARGET', async () => {
  // The first app's worker was stopped above: a fresh app on the same database takes the job.
  // On a PostgreSQL run pg_dump needs the test database's URL (the harness hands the app an open pool).
  const config = { ...t.config, database: { ...t.config.database, url: t.databaseUrl } };
  const app = createApp({ config, db: t.db, logger: t.ctx.logger, store: t.ctx.store });
  const jobs = app.locals.context.jobs;
  await jobs.start({ work: true });
  try {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    await jobs.send('backup', {});
    jobs.wake('backup');
    const target = openBackupTarget(t.config);
    const found = await waitFor(
      'the scheduled backup',
      async () => (await listBackups(target)).find((b) => b.manifest),
      60_000,
      250,
    );
    await target.close();
    expect(found.manifest!.files.length).toBeGreaterThanOrEqual(1);
    expect(found.manifest!.rows.projects).toBeGreaterThanOrEqual(1);
    // The second worker (as another process would) registered the same schedules: still one row each.
    const again = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.schedule');
    expect(again.rows[0].n).toBe(2);
  } finally {
    await jobs.stop(5000);
  }
}, 90_000);
