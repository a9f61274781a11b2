import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import request from 'supertest';
import { createApp, type App } from '../../src/app';
import type { Config } from '../../src/config';
import type { Database, DatabasePool } from '../../src/db/database';
import { PgDatabase } from '../../src/db/pg-database';
import { PgliteDatabase } from '../../src/db/pglite-database';
import { createLogger } from '../../src/lib/logger';
import { userTables } from '../../src/ops/backup-database';
import {
  backupsToKeep,
  backupTempDir,
  isoWeek,
  listBackups,
  pruneBackups,
  readManifest,
  runBackup,
  type BackupManifest,
} from '../../src/ops/backup';
import { LocalBackupTarget, openBackupTarget } from '../../src/ops/backup-target';
import { createFileStore, type FileStore } from '../../src/storage';
import { referencedFileKeys } from '../../src/storage/file-references';
import { TEST_ENV, testConfig, type TestApp } from '../helpers/app';
import { createTestDatabase, usingPostgres } from '../helpers/db';
import { databaseUrlFor } from '../helpers/db-names';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createTemplate,
  createUser,
  storeApiKey,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { useS3rver } from '../helpers/s3rver';

/**
 * The restore drill (docs/backups.md): seed users, projects, stories, templates, images and drawings
 * through the API, back up, wipe the database and the files, restore with `npm run restore`, and compare
 * every row of every table and every file byte for byte. On the database this run uses (PGlite, or
 * PostgreSQL with DATABASE_URL), with the local store and with S3 (s3rver).
 */

jest.setTimeout(240_000);

const root = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
const logger = createLogger({ level: 'error', json: false, silent: true });

/** `node dist/scripts/<script>.js …` as `npm run <script> -- …` runs it (after ensure-built). */
async function script(
  name: 'backup' | 'restore',
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), ...TEST_ENV, ...env };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(root, 'dist', 'scripts', `${name}.js`), ...args],
      {
        cwd: root,
        env: childEnv as NodeJS.ProcessEnv,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await run(process.execPath, [path.join(root, 'scripts', 'ensure-built.mjs')], { cwd: root });
});

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `colorbook-${prefix}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Every row of every table, as sorted JSON text per table. */
async function allRows(db: Database): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { schema, table, name } of await userTables(db)) {
    const { rows } = await db.query<{ r: string }>(
      `SELECT to_jsonb(t)::text AS r FROM "${schema}"."${table}" t`,
    );
    result[name] = rows.map((row) => row.r).sort();
  }
  return result;
}

/** Every stored file's bytes, by key. */
async function allFiles(store: FileStore): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for await (const { key } of store.list()) {
    const file = await store.get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of file!.stream) chunks.push(chunk as Buffer);
    files.set(key, Buffer.concat(chunks));
  }
  return files;
}

async function wipeStore(store: FileStore): Promise<void> {
  const keys: string[] = [];
  for await (const { key } of store.list()) keys.push(key);
  for (const key of keys) await store.delete(key);
}

/**
 * A database of the test's own that scripts can open too: a PostgreSQL database (from the migrated
 * template) or a PGlite persisted under DATA_DIR/pglite (from the migrated dump).
 */
interface DrillDatabase {
  open(): Promise<DatabasePool>;
  /** Drops everything: an empty PostgreSQL database, or no embedded data directory. */
  wipe(): Promise<void>;
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function drillDatabase(dataDir: string): Promise<DrillDatabase> {
  if (usingPostgres()) {
    const test = await createTestDatabase();
    await test.db.close();
    const url = test.url!;
    const name = new URL(url).pathname.slice(1);
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: databaseUrlFor(url, 'postgres') });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    return {
      open: async () =>
        new PgDatabase({ url, max: 5, connectionTimeoutMs: 5000, statementTimeoutMs: 30_000 }, logger),
      wipe: async () => {
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin(`CREATE DATABASE "${name}"`);
      },
      env: { DATABASE_URL: url },
      drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    };
  }
  const dir = path.join(dataDir, 'pglite');
  const dump = fs.readFileSync(process.env.TEST_PGLITE_DUMP!);
  let first = true;
  return {
    open: async () => {
      const loadDataDir = first ? new Blob([dump]) : undefined;
      first = false;
      return PgliteDatabase.open({ dataDir: dir, loadDataDir });
    },
    wipe: async () => fs.rmSync(dir, { recursive: true, force: true }),
    env: {},
    drop: async () => undefined,
  };
}

interface Drill {
  config: Config;
  env: Record<string, string | undefined>;
  database: DrillDatabase;
  db: DatabasePool;
  store: FileStore;
  app: App;
  t: TestApp;
}

async function startDrill(env: Record<string, string | undefined>): Promise<Drill> {
  const dataDir = tmp('drill');
  const database = await drillDatabase(dataDir);
  const fullEnv = { ...env, ...database.env, DATA_DIR: dataDir };
  const config = testConfig(fullEnv, dataDir);
  const db = await database.open();
  const store = createFileStore(config);
  const app = createApp({ config, db, logger, store });
  const t = { http: () => request(app) } as unknown as TestApp;
  return { config, env: fullEnv, database, db, store, app, t };
}

async function stopApp(drill: Drill): Promise<void> {
  await drill.app.locals.context.mailer.idle();
  await drill.db.close();
}

/** Two users with projects, stories, a template, an AI key, images (real PNGs) and drawings with PNGs. */
async function seed(t: TestApp): Promise<{ users: TestUser[]; imageIds: string[] }> {
  const users = [await createUser(t), await createUser(t)];
  const imageIds: string[] = [];
  for (const user of users) {
    await storeApiKey(t, user, 'openai', `sk-drill-${user.id.slice(0, 8)}`);
    await createTemplate(t, user);
    for (let p = 0; p < 2; p++) {
      const project = await createProject(t, user);
      const story = await createStory(t, user, project.id, { content: 'Once upon a time' });
      for (let i = 0; i < 2; i++) {
        const image = await createImage(
          t,
          user,
          project.id,
          { storyId: story.id },
          { bytes: await makePng(40 + i, 30, { noise: true }) },
        );
        imageIds.push(image.id);
      }
      await createDrawing(t, user, project.id, {}, await makePng(50, 40, { noise: true }));
    }
  }
  return { users, imageIds };
}

async function expectSame(
  drill: Drill,
  expected: { rows: Record<string, string[]>; files: Map<string, Buffer> },
): Promise<void> {
  const db = await drill.database.open();
  try {
    const rows = await allRows(db);
    expect(Object.keys(rows).sort()).toEqual(Object.keys(expected.rows).sort());
    for (const table of Object.keys(expected.rows))
      expect({ table, rows: rows[table] }).toEqual({ table, rows: expected.rows[table] });
    const files = await allFiles(drill.store);
    expect([...files.keys()].sort()).toEqual([...expected.files.keys()].sort());
    for (const [key, bytes] of expected.files) expect(files.get(key)!.equals(bytes)).toBe(true);
    // Every file a restored row points to is there.
    for (const key of await referencedFileKeys(db)) expect(files.has(key)).toBe(true);
  } finally {
    await db.close();
  }
}

describe(`the restore drill on ${usingPostgres() ? 'PostgreSQL' : 'PGlite'} with the local store`, () => {
  let drill: Drill;
  let backupId: string;
  let expected: { rows: Record<string, string[]>; files: Map<string, Buffer> };
  let backups: string;

  beforeAll(async () => {
    backups = tmp('backups');
    drill = await startDrill({ BACKUP_TARGET: backups });
    await seed(drill.t);
    // The sign-ups' mail jobs are sent first: the queue's rows are part of "every row" and must not change after.
    await drill.app.locals.context.mailer.idle();
    expected = { rows: await allRows(drill.db), files: await allFiles(drill.store) };
    await stopApp(drill);
  });
  afterAll(async () => {
    await drill?.store.close();
    await drill?.database.drop();
  });

  test('when npm run backup runs, then it writes a manifest with every file SHA-256, the row counts and the schema version', async () => {
    const result = await script('backup', [], drill.env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    backupId = JSON.parse(result.stdout).id;
    const manifest = (await readManifest(new LocalBackupTarget(backups), backupId)) as BackupManifest;
    expect(manifest.database.kind).toBe(usingPostgres() ? 'postgres' : 'pglite');
    expect(manifest.schemaVersion).toBeGreaterThanOrEqual(14);
    expect(manifest.rows.users).toBe(2);
    expect(manifest.rows.images).toBe(8);
    expect(manifest.files.map((f) => f.key).sort()).toEqual([...expected.files.keys()].sort());
    for (const file of manifest.files) {
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      const copy = fs.readFileSync(path.join(backups, backupId, 'files', ...file.key.split('/')));
      expect(copy.equals(expected.files.get(file.key)!)).toBe(true);
    }
    expect(manifest.missingFiles).toEqual([]);
  });

  test('when npm run backup -- --list runs, then it lists the backup as complete', async () => {
    fs.mkdirSync(path.join(backups, '20200101T000000Z-dead'));
    const result = await script('backup', ['--list'], drill.env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${backupId}  complete `, 'm'));
    expect(result.stdout).toMatch(/^20200101T000000Z-dead {2}incomplete/m);
    fs.rmdirSync(path.join(backups, '20200101T000000Z-dead'));
  });

  if (usingPostgres()) {
    test('when pg_dump cannot be found, then backup exits non-zero, says what to install, and leaves no backup behind', async () => {
      const before = fs.readdirSync(backups).sort();
      const result = await script('backup', [], { ...drill.env, BACKUP_PG_BIN_DIR: '/nonexistent/bin' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('pg_dump was not found in /nonexistent/bin');
      expect(result.stderr).toContain('postgresql-client-<major>');
      expect(fs.readdirSync(backups).sort()).toEqual(before);
    });
  }

  test('when the database and files are wiped and npm run restore runs, then every row and every file is back, byte for byte', async () => {
    await drill.database.wipe();
    fs.rmSync(path.join(drill.config.dataDir, 'files'), { recursive: true, force: true });
    const result = await script('restore', [backupId], drill.env);
    expect(result.stderr).toContain('every checksum matches');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ id: backupId, files: expected.files.size, problems: [] });
    await expectSame(drill, expected);
  });

  test('when the target is not empty, then restore refuses without --force and replaces the database with it', async () => {
    const refused = await script('restore', ['latest'], drill.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /not restoring into a store that is not empty: the database has \d+ table\(s\) and the local file store holds files/,
    );

    if (usingPostgres()) {
      // A server still connected (the pool names itself colorbook-engine): refused even with --force.
      const server = await drill.database.open();
      await server.ping();
      try {
        const busy = await script('restore', ['latest', '--force'], drill.env);
        expect(busy.code).toBe(1);
        expect(busy.stderr).toMatch(
          /servers \(or a backup\) are connected to this database: colorbook-engine/,
        );
      } finally {
        await server.close();
      }
    }
    const forced = await script('restore', ['latest', '--force'], drill.env);
    expect(forced.code).toBe(0);
    await expectSame(drill, expected);
  });

  test('when a file in the backup was changed, then restore exits non-zero, names it, and does not put it in the store', async () => {
    const [first] = [...expected.files.keys()].sort();
    const copy = path.join(backups, backupId, 'files', ...first.split('/'));
    const original = fs.readFileSync(copy);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 20] ^= 0xff;
    fs.writeFileSync(copy, tampered);
    try {
      await drill.database.wipe();
      fs.rmSync(path.join(drill.config.dataDir, 'files'), { recursive: true, force: true });
      const result = await script('restore', [backupId], drill.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`file ${first}: SHA-256`);
      expect(fs.existsSync(path.join(drill.config.dataDir, 'files', ...first.split('/')))).toBe(false);
    } finally {
      fs.writeFileSync(copy, original);
    }
  });

  test('when the database dump in the backup was changed, then restore exits non-zero before changing anything', async () => {
    const manifest = (await readManifest(new LocalBackupTarget(backups), backupId))!;
    const dump = path.join(backups, backupId, manifest.database.name);
    const original = fs.readFileSync(dump);
    fs.appendFileSync(dump, 'x');
    try {
      await drill.database.wipe();
      fs.rmSync(path.join(drill.config.dataDir, 'files'), { recursive: true, force: true });
      const result = await script('restore', [backupId], drill.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('does not match its manifest');
      expect(result.stderr).toContain('nothing was restored');
      expect(fs.existsSync(path.join(drill.config.dataDir, 'files'))).toBe(false);
    } finally {
      fs.writeFileSync(dump, original);
    }
  });

  test('when a manifest cannot be read, then --list names it, pruning keeps it, and restore refuses it', async () => {
    const id = '20200102T000000Z-0bad';
    fs.mkdirSync(path.join(backups, id));
    fs.writeFileSync(path.join(backups, id, 'manifest.json'), '{"format":1,');
    try {
      const list = await script('backup', ['--list'], drill.env);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(
        new RegExp(`^${id} {2}unreadable {2}\\(backup ${id}: its manifest cannot be read`, 'm'),
      );
      const pruned = await pruneBackups(new LocalBackupTarget(backups), {
        keepDaily: 1,
        keepWeekly: 0,
        now: new Date(),
        keep: backupId,
      });
      expect(pruned).not.toContain(id);
      const restore = await script('restore', [id], drill.env);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain('its manifest cannot be read');
    } finally {
      fs.rmSync(path.join(backups, id), { recursive: true, force: true });
    }
  });

  test('when a backup id is unknown, or no id is given, then restore says so and exits non-zero', async () => {
    const unknown = await script('restore', ['20200101T000000Z-beef'], drill.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('is not in');
    const usage = await script('restore', [], drill.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run restore');
  });

  if (!usingPostgres()) {
    test('when a server holds the embedded database, then backup and restore refuse and name its pid', async () => {
      const lock = path.join(drill.config.dataDir, 'pglite', 'colorbook.pid');
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      // The test runner's parent stands in for a server: a live process that is not the script.
      fs.writeFileSync(lock, String(process.ppid || process.pid));
      try {
        const backup = await script('backup', [], drill.env);
        expect(backup.code).toBe(1);
        expect(backup.stderr).toMatch(/is in use by process \d+ \(the server: PGlite serves one process\)/);
        const restore = await script('restore', ['latest', '--force'], drill.env);
        expect(restore.code).toBe(1);
        expect(restore.stderr).toMatch(/is in use by process \d+/);
      } finally {
        fs.rmSync(lock, { force: true });
      }
    });
  }
});

describe(`the restore drill on ${usingPostgres() ? 'PostgreSQL' : 'PGlite'} with S3 (s3rver), a backup bucket, and writes while it runs`, () => {
  const env: Record<string, string | undefined> = {};
  const s3rver = useS3rver(env, 'drill-files');
  let drill: Drill;

  beforeAll(async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await client.send(new CreateBucketCommand({ Bucket: 'drill-backups' }));
    client.destroy();
    env.BACKUP_TARGET = 's3://drill-backups/nightly/colorbook';
    drill = await startDrill(env);
  });
  afterAll(async () => {
    await drill?.store.close();
    await drill?.database.drop();
    await s3rver.stop();
  });

  test('when an image is deleted and others uploaded while the backup runs, then each file is in it with its row or not at all, and the restore is exact', async () => {
    const { users, imageIds } = await seed(drill.t);
    await drill.app.locals.context.mailer.idle();
    const [owner] = users;
    const projectId = (
      await drill.db.query<{ project_id: string }>('SELECT project_id FROM images WHERE id = $1', [
        imageIds[0],
      ])
    ).rows[0].project_id;
    const target = openBackupTarget(drill.config);
    let expected: { rows: Record<string, string[]>; files: Map<string, Buffer> } | undefined;
    let lateKey = '';
    const summary = await runBackup({
      db: drill.db,
      store: drill.store,
      target,
      databaseUrl: drill.config.database.url,
      tempDir: backupTempDir(drill.config.dataDir),
      keepDaily: 7,
      keepWeekly: 4,
      afterSnapshot: async (snapshot) => {
        if (snapshot === 1) {
          // Deleted after the first snapshot: its row is in it, its file is gone before the copy.
          const res = await drill.t.http().delete(`/api/images/${imageIds[0]}`).set(owner.auth);
          expect(res.status).toBe(204);
        } else {
          // The state of the second snapshot; then an upload whose file and row both come after it.
          expected = { rows: await allRows(drill.db), files: await allFiles(drill.store) };
          const late = await createImage(
            drill.t,
            owner,
            projectId,
            {},
            { bytes: await makePng(20, 20, { noise: true }) },
          );
          lateKey = (
            await drill.db.query<{ storage_key: string }>('SELECT storage_key FROM images WHERE id = $1', [
              late.id,
            ])
          ).rows[0].storage_key;
        }
      },
    });
    await target.close();
    expect(summary.manifest.snapshots).toBe(2);
    expect(summary.manifest.missingFiles).toEqual([]);
    expect(summary.manifest.files.map((f) => f.key).sort()).toEqual([...expected!.files.keys()].sort());
    expect(summary.manifest.files.some((f) => f.key === lateKey)).toBe(false);
    expect(summary.target).toBe('s3://drill-backups/nightly/colorbook');

    await stopApp(drill);
    await drill.database.wipe();
    await wipeStore(drill.store);
    const list = await script('backup', ['--list'], drill.env);
    expect(list.stdout).toMatch(new RegExp(`^${summary.id}  complete `, 'm'));
    const result = await script('restore', [summary.id], drill.env);
    expect(result.stderr).toContain('every checksum matches');
    expect(result.code).toBe(0);
    await expectSame(drill, expected!);
  });
});

describe('retention', () => {
  const day = (iso: string) => new Date(`${iso}T03:00:00Z`);
  const idAt = (time: Date, suffix = '0000') =>
    `${time
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/[-:]/g, '')}-${suffix}`;

  test('when backups span weeks, then the newest of each of the last N days and of the last M ISO weeks are kept', () => {
    // Newest first: two on Dec 7 (the newest kept), one a day back to Nov 1.
    const times: Date[] = [new Date('2026-12-07T05:00:00Z'), day('2026-12-07')];
    for (let d = 6; d >= 1; d--) times.push(day(`2026-12-0${d}`));
    for (let d = 30; d >= 1; d--) times.push(day(`2026-11-${String(d).padStart(2, '0')}`));
    const backups = times.map((time, i) => ({ id: idAt(time, i.toString(16).padStart(4, '0')), time }));
    const keep = backupsToKeep(backups, { keepDaily: 3, keepWeekly: 3 });
    const kept = backups.filter((b) => keep.has(b.id)).map((b) => b.time.toISOString());
    expect(kept).toEqual([
      '2026-12-07T05:00:00.000Z', // today (and this ISO week, W50)
      '2026-12-06T03:00:00.000Z', // yesterday (Sunday: the newest of W49)
      '2026-12-05T03:00:00.000Z',
      '2026-11-29T03:00:00.000Z', // the newest of W48
    ]);
    expect(isoWeek(new Date('2026-12-07T00:00:00Z'))).toBe('2026-W50');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
  });

  test('when a target is pruned, then the complete backups retention drops go, the kept stay, and only old unfinished ones go', async () => {
    const dir = tmp('retention');
    const target = new LocalBackupTarget(dir);
    const now = new Date('2026-12-07T06:00:00Z');
    const complete = ['2026-12-07', '2026-12-06', '2026-12-05', '2026-12-04', '2026-11-20'].map((d) =>
      idAt(day(d)),
    );
    for (const id of complete)
      await target.put(`${id}/manifest.json`, { buffer: Buffer.from('{"files":[],"database":{}}') });
    const oldUnfinished = idAt(day('2026-12-01'), 'aaaa');
    const runningNow = idAt(new Date('2026-12-07T05:30:00Z'), 'bbbb');
    await target.put(`${oldUnfinished}/files/images/x.png`, { buffer: Buffer.from('x') });
    await target.put(`${runningNow}/files/images/y.png`, { buffer: Buffer.from('y') });
    fs.mkdirSync(path.join(dir, 'not-a-backup'));

    const pruned = await pruneBackups(target, { keepDaily: 2, keepWeekly: 3, now });
    expect(pruned.sort()).toEqual([complete[2], complete[3], oldUnfinished].sort());
    const left = (await listBackups(target)).map((b) => b.id);
    expect(left.sort()).toEqual([complete[0], complete[1], complete[4], runningNow].sort());
    expect(fs.existsSync(path.join(dir, 'not-a-backup'))).toBe(true);
  });
});

describe('the backup configuration', () => {
  test('when BACKUP_TARGET is a folder, an s3:// URL or unset, then it is read as such; a malformed one is named', () => {
    const dir = tmp('config');
    const config = (env: Record<string, string>) => testConfig(env, dir);
    expect(config({}).backup).toMatchObject({
      target: { kind: 'local', dir: path.join(dir, 'backups') },
      targetIsDefault: true,
      keepDaily: 7,
      keepWeekly: 4,
    });
    expect(config({ BACKUP_TARGET: 's3://my-backups/colorbook/nightly/' }).backup.target).toEqual({
      kind: 's3',
      bucket: 'my-backups',
      prefix: 'colorbook/nightly',
    });
    expect(config({ BACKUP_TARGET: 's3://my-backups' }).backup.target).toEqual({
      kind: 's3',
      bucket: 'my-backups',
      prefix: '',
    });
    expect(config({ BACKUP_TARGET: '/srv/backups', BACKUP_KEEP_WEEKLY: '0' }).backup).toMatchObject({
      target: { kind: 'local', dir: '/srv/backups' },
      targetIsDefault: false,
      keepWeekly: 0,
    });
    expect(() => config({ BACKUP_TARGET: 's3://Bad_Bucket' })).toThrow(/BACKUP_TARGET/);
    expect(() => config({ BACKUP_KEEP_DAILY: '0' })).toThrow(/BACKUP_KEEP_DAILY/);
  });

  test('when BACKUP_TARGET is inside the file store, then no backup target is opened', () => {
    const dir = tmp('config');
    const local = testConfig({ BACKUP_TARGET: path.join(dir, 'files', 'backups') }, dir);
    expect(() => openBackupTarget(local)).toThrow(/inside the file store/);
    const s3 = testConfig(
      { STORAGE_DRIVER: 's3', S3_BUCKET: 'live-files', BACKUP_TARGET: 's3://live-files/backups' },
      dir,
    );
    expect(() => openBackupTarget(s3)).toThrow(/the file store's own bucket/);
  });
});
