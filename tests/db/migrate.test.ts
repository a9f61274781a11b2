import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabasePool } from '../../src/db/database';
import { migrate, MigrationError, pendingMigrations, readMigrations } from '../../src/db/migrate';
import { PgDatabase } from '../../src/db/pg-database';
import { PgliteDatabase } from '../../src/db/pglite-database';
import { createLogger } from '../../src/lib/logger';
import { migrationsDir as realMigrationsDir } from '../../src/lib/paths';
import { databaseUrlFor } from '../helpers/db-names';
import { usingPostgres } from '../helpers/db';

const logger = createLogger({ level: 'error', json: false, silent: true });

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

let emptyDump: Promise<Blob> | undefined;

/** An empty database of this test's own on the server being tested (PostgreSQL or a fresh PGlite). */
async function emptyDatabase(): Promise<{ open: () => Promise<DatabasePool>; drop: () => Promise<void> }> {
  if (!usingPostgres()) {
    // initdb once per file (seconds), then each test starts from a copy of that empty cluster.
    emptyDump ??= PgliteDatabase.open({}).then(async (first) => {
      const dump = await first.pglite.dumpDataDir('none');
      await first.close();
      return dump;
    });
    const db = await PgliteDatabase.open({ loadDataDir: await emptyDump });
    return { open: async () => db, drop: () => db.close() };
  }
  const serverUrl = process.env.DATABASE_URL!;
  const name = `${process.env.TEST_TEMPLATE_DB}_mig_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const pools: PgDatabase[] = [];
  return {
    open: async () => {
      const db = new PgDatabase(
        {
          url: databaseUrlFor(serverUrl, name),
          max: 3,
          connectionTimeoutMs: 5000,
          statementTimeoutMs: 30_000,
        },
        logger,
      );
      pools.push(db);
      return db;
    },
    drop: async () => {
      await Promise.all(pools.map((p) => p.close()));
      const cleanup = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

// Each test opens a fresh embedded database: 4-9 s on an idle machine, over 30 s on a loaded one (a cold
// first open takes ~21 s). The hooks get the same room as the tests.
jest.setTimeout(120_000);

const FILES = {
  '0001_first.sql': 'CREATE TABLE a (id int PRIMARY KEY);',
  '0002_second.sql': 'CREATE TABLE b (id int PRIMARY KEY REFERENCES a (id));\nINSERT INTO a VALUES (1);',
};

describe('migrations', () => {
  let database: Awaited<ReturnType<typeof emptyDatabase>>;
  beforeEach(async () => {
    database = await emptyDatabase();
  });
  afterEach(async () => {
    await database?.drop();
  });

  test('when run on an empty database, then every file applies in order and is recorded with its checksum', async () => {
    const dir = migrationsDir(FILES);
    const db = await database.open();
    expect(await pendingMigrations(db, dir)).toEqual(['0001_first.sql', '0002_second.sql']);
    expect(await migrate(db, logger, dir)).toEqual(['0001_first.sql', '0002_second.sql']);
    const { rows } = await db.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(rows[0].checksum).toBe(readMigrations(dir)[0].checksum);
    expect(await pendingMigrations(db, dir)).toEqual([]);
    expect(await migrate(db, logger, dir)).toEqual([]);
  });

  test('when an applied file has changed, then migrating refuses with a clear message', async () => {
    const dir = migrationsDir(FILES);
    const db = await database.open();
    await migrate(db, logger, dir);
    fs.appendFileSync(path.join(dir, '0001_first.sql'), '\n-- edited later');
    await expect(migrate(db, logger, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db, logger, dir)).rejects.toThrow(
      /0001_first\.sql was changed after it was applied.*add a new migration/s,
    );
    await expect(pendingMigrations(db, dir)).rejects.toThrow(MigrationError);
  });

  test('when a migration fails half-way, then none of it stays and it is not recorded', async () => {
    const dir = migrationsDir({
      ...FILES,
      '0003_broken.sql': 'CREATE TABLE c (id int);\nINSERT INTO c VALUES (1);\nSELECT no_such_function();',
    });
    const db = await database.open();
    await expect(migrate(db, logger, dir)).rejects.toThrow(/0003_broken\.sql failed/);
    const c = await db.query<{ exists: boolean }>("SELECT to_regclass('c') IS NOT NULL AS exists");
    expect(c.rows[0].exists).toBe(false);
    expect(await pendingMigrations(db, dir)).toEqual(['0003_broken.sql']);
  });

  test("when 0010 applies to a database that already holds text, then each user's use grows by exactly their text bytes", async () => {
    // The real migrations up to 0009, some rows, then the rest.
    const real = readMigrations(realMigrationsDir);
    const dir = migrationsDir(
      Object.fromEntries(real.filter((m) => m.version < 10).map((m) => [m.file, m.sql])),
    );
    const db = await database.open();
    await migrate(db, logger, dir);
    const user = async (email: string, used: number) =>
      (
        await db.query<{ id: string }>(
          `INSERT INTO users (email, password_hash, storage_used_bytes) VALUES ($1, 'x', $2) RETURNING id`,
          [email, used],
        )
      ).rows[0].id;
    const [alice, bob, carol] = [
      await user('a@example.com', 1000),
      await user('b@example.com', 7),
      await user('c@example.com', 0),
    ];
    const project = (
      await db.query<{ id: string }>(
        `INSERT INTO projects (user_id, title, settings) VALUES ($1, 'P', '{"a": 1}') RETURNING id`,
        [alice],
      )
    ).rows[0].id;
    await db.query(`INSERT INTO projects (user_id, title) VALUES ($1, 'Empty')`, [bob]);
    await db.query(
      `INSERT INTO stories (user_id, project_id, title, content) VALUES ($1, $2, 'S', 'héllo'), ($1, $2, 'T', '')`,
      [alice, project],
    );
    await db.query(
      `INSERT INTO drawings (user_id, project_id, data, width, height) VALUES ($1, $2, '[1, 2]', 1, 1)`,
      [alice, project],
    );
    await db.query(
      `INSERT INTO templates (owner_id, title, content) VALUES ($1, 'T', '{"settings": {}, "stories": []}')`,
      [bob],
    );
    for (const m of real.filter((m) => m.version >= 10)) fs.writeFileSync(path.join(dir, m.file), m.sql);
    expect(await migrate(db, logger, dir)).toContain('0010_text_storage.sql');
    const used = async (id: string) =>
      Number(
        (await db.query<{ n: string }>('SELECT storage_used_bytes AS n FROM users WHERE id = $1', [id]))
          .rows[0].n,
      );
    // {"a": 1} is 8 bytes, héllo 6, [1, 2] 6; bob's empty project counts 0, his template's skeleton 31.
    expect(await used(alice)).toBe(1000 + 8 + 6 + 6);
    expect(await used(bob)).toBe(7 + 31);
    expect(await used(carol)).toBe(0);
    // From then on the triggers keep it: a new story of carol's nothing, one of alice's its bytes.
    await db.query(`UPDATE stories SET content = 'hello world' WHERE user_id = $1 AND title = 'T'`, [alice]);
    expect(await used(alice)).toBe(1000 + 8 + 6 + 6 + 11);
  });

  test('when 0016 applies to a database that already holds children, then each project’s counts are filled, silently', async () => {
    // The real migrations before 0016, some rows, then the rest.
    const real = readMigrations(realMigrationsDir);
    const dir = migrationsDir(
      Object.fromEntries(real.filter((m) => m.version < 16).map((m) => [m.file, m.sql])),
    );
    const db = await database.open();
    await migrate(db, logger, dir);
    const { rows: users } = await db.query<{ id: string }>(
      `INSERT INTO users (email, password_hash) VALUES ('counts@example.com', 'x') RETURNING id`,
    );
    const owner = users[0].id;
    const { rows: projects } = await db.query<{ id: string }>(
      `INSERT INTO projects (user_id, title) VALUES ($1, 'Full'), ($1, 'Empty') RETURNING id`,
      [owner],
    );
    const [full, empty] = projects.map((p) => p.id);
    await db.query(
      `INSERT INTO stories (user_id, project_id, title, content) VALUES ($1, $2, 'S', ''), ($1, $2, 'T', '')`,
      [owner, full],
    );
    await db.query(
      `INSERT INTO drawings (user_id, project_id, data, width, height) VALUES ($1, $2, '[]', 1, 1)`,
      [owner, full],
    );
    const logged = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sync_changes')).rows[0].n;
    const before = await logged();
    for (const m of real.filter((m) => m.version >= 16)) fs.writeFileSync(path.join(dir, m.file), m.sql);
    expect(await migrate(db, logger, dir)).toContain('0016_project_counts.sql');
    const counts = async (id: string) =>
      (await db.query('SELECT stories_count, images_count, drawings_count FROM projects WHERE id = $1', [id]))
        .rows[0];
    expect(await counts(full)).toEqual({ stories_count: 2, images_count: 0, drawings_count: 1 });
    expect(await counts(empty)).toEqual({ stories_count: 0, images_count: 0, drawings_count: 0 });
    // The fill is a counting UPDATE: no change-log rows (clients had these counts already).
    expect(await logged()).toBe(before);
    // From then on the triggers keep them.
    await db.query(`INSERT INTO stories (user_id, project_id, title, content) VALUES ($1, $2, 'U', '')`, [
      owner,
      empty,
    ]);
    expect(await counts(empty)).toEqual({ stories_count: 1, images_count: 0, drawings_count: 0 });
  });

  test('when several processes migrate at once, then each migration is applied exactly once', async () => {
    const dir = migrationsDir(FILES);
    const handles = await Promise.all([database.open(), database.open(), database.open()]);
    const results = await Promise.all(handles.map((db) => migrate(db, logger, dir)));
    expect(results.flat().sort()).toEqual(['0001_first.sql', '0002_second.sql']);
    const { rows } = await handles[0].query<{ n: number }>('SELECT count(*)::int AS n FROM a');
    expect(rows[0].n).toBe(1);
  });
});

describe('migration files', () => {
  test('when a file name does not follow NNNN_name.sql, then it is refused', () => {
    const dir = migrationsDir({ '1_bad.sql': 'SELECT 1;' });
    expect(() => readMigrations(dir)).toThrow(/named NNNN_name\.sql/);
  });

  test('when two files share a number, then they are refused', () => {
    const dir = migrationsDir({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' });
    expect(() => readMigrations(dir)).toThrow(/share version 1/);
  });

  test('when the real migrations are read, then they are numbered without duplicates', () => {
    const files = readMigrations();
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(new Set(files.map((f) => f.version)).size).toBe(files.length);
  });
});
