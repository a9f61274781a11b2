import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Database, DatabasePool } from '../db/database';
import { PgDatabase } from '../db/pg-database';
import { embeddedDatabaseHolder, PgliteDatabase } from '../db/pglite-database';
import { referencedFileKeys } from '../storage/file-references';

/** What one database snapshot holds, read inside that snapshot. */
export interface SnapshotState {
  /** Every file key a row of the snapshot points to (FILE_KEY_COLUMNS). */
  referencedKeys: Set<string>;
  /** Rows per table (`users`; `<schema>.<table>` outside `public`). */
  rows: Record<string, number>;
  /** The newest migration applied (schema_migrations), 0 for none. */
  schemaVersion: number;
}

/** A database dump written to a local file, and what the snapshot it was taken from holds. */
export interface DatabaseSnapshot extends SnapshotState {
  kind: 'postgres' | 'pglite';
  /** The dump on this machine (a temp file the caller removes). */
  file: string;
  /** Its name inside a backup. */
  name: 'database.pgdump' | 'database.tar.gz';
  /** What made it: `pg_dump (PostgreSQL) 15.20` or `pglite 0.5.16 dumpDataDir`. */
  tool: string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The tables of a database (every schema but the system ones), as the manifest names them. */
export async function userTables(db: Database): Promise<{ schema: string; table: string; name: string }[]> {
  const { rows } = await db.query<{ schema: string; table: string }>(
    `SELECT table_schema AS schema, table_name AS "table" FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        AND table_schema NOT LIKE 'pg\\_%'
      ORDER BY 1, 2`,
  );
  return rows.map(({ schema, table }) => ({
    schema,
    table,
    name: schema === 'public' ? table : `${schema}.${table}`,
  }));
}

/** Rows per table, counted in the caller's snapshot. */
export async function countRows(db: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { schema, table, name } of await userTables(db)) {
    const { rows } = await db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(table)}`,
    );
    counts[name] = Number(rows[0].n);
  }
  return counts;
}

/** Keys, row counts and schema version, all read through `db` (one snapshot when `db` is one). */
export async function readSnapshotState(db: Database): Promise<SnapshotState> {
  const referencedKeys = await referencedFileKeys(db);
  const rows = await countRows(db);
  const version = await db.query<{ v: number | null }>(
    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN NULL ELSE 1 END AS v",
  );
  let schemaVersion = 0;
  if (version.rows[0].v !== null) {
    const max = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    schemaVersion = Number(max.rows[0].v ?? 0);
  }
  return { referencedKeys, rows, schemaVersion };
}

/** A pg.Client seen as a Database, for the reads inside the exported snapshot's transaction. */
function clientDatabase(client: pg.Client): Database {
  return {
    query: async <T>(sql: string, params?: readonly unknown[]) => {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    exec: async (script: string) => {
      await client.query(script);
    },
    transaction: () => Promise.reject(new Error('no nested transaction in a backup snapshot')),
  };
}

export class ToolMissingError extends Error {}

/** Runs a PostgreSQL client program; its stderr is the error's message when it fails. */
function runTool(binDir: string | undefined, tool: string, args: string[]): Promise<string> {
  const command = binDir ? path.join(binDir, tool) : tool;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new ToolMissingError(
            `${tool} was not found${binDir ? ` in ${binDir}` : ' on PATH'}: install the PostgreSQL client ` +
              "programs of the server's major version (Debian/Ubuntu: postgresql-client-<major>, from " +
              'apt.postgresql.org when the distribution has an older one) or set BACKUP_PG_BIN_DIR.',
          ),
        );
      } else reject(error);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/**
 * PostgreSQL: one REPEATABLE READ transaction exports its snapshot; the file keys, row counts and schema
 * version are read in it, and `pg_dump --snapshot` dumps exactly that snapshot (custom format) while the
 * transaction stays open. What the manifest says and what the dump holds are the same moment.
 */
async function snapshotPostgres(
  db: PgDatabase,
  options: { databaseUrl: string; pgBinDir?: string; tempDir: string },
): Promise<DatabaseSnapshot> {
  const tool = (await runTool(options.pgBinDir, 'pg_dump', ['--version'])).trim();
  const file = path.join(options.tempDir, `database-${process.pid}-${Date.now()}.pgdump`);
  const client = db.dedicatedClient('colorbook-backup');
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const state = await readSnapshotState(clientDatabase(client));
    await runTool(options.pgBinDir, 'pg_dump', [
      '--format=custom',
      `--snapshot=${rows[0].id}`,
      `--file=${file}`,
      '--no-password',
      `--dbname=${options.databaseUrl}`,
    ]);
    await client.query('COMMIT');
    return { kind: 'postgres', file, name: 'database.pgdump', tool, ...state };
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The embedded database: a checkpoint, then PGlite's own dump of its data directory (`dumpDataDir`) taken
 * while no transaction is open (PGlite's transaction lock) and no statement runs (its query lock). The
 * keys, counts and version are then read from the dump itself, loaded into a second in-memory PGlite, so
 * they describe exactly what was dumped (and the dump is known to load).
 */
async function snapshotPglite(db: PgliteDatabase, tempDir: string): Promise<DatabaseSnapshot> {
  const { pglite } = db;
  await pglite.exec('CHECKPOINT');
  const dump = await pglite._runExclusiveTransaction(() => pglite.dumpDataDir('gzip'));
  const file = path.join(tempDir, `database-${process.pid}-${Date.now()}.tar.gz`);
  await fsp.writeFile(file, Buffer.from(await dump.arrayBuffer()));
  try {
    const copy = await PgliteDatabase.open({ loadDataDir: dump });
    try {
      const state = await readSnapshotState(copy);
      const version = (await copy.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
      return {
        kind: 'pglite',
        file,
        name: 'database.tar.gz',
        tool: `${version} (PGlite dumpDataDir)`,
        ...state,
      };
    } finally {
      await copy.close();
    }
  } catch (error) {
    await fsp.rm(file, { force: true });
    throw error;
  }
}

/** One consistent snapshot of the database `db` is, dumped to a file under `tempDir`. */
export async function snapshotDatabase(
  db: DatabasePool,
  options: { databaseUrl?: string; pgBinDir?: string; tempDir: string },
): Promise<DatabaseSnapshot> {
  await fsp.mkdir(options.tempDir, { recursive: true });
  if (db instanceof PgliteDatabase) return snapshotPglite(db, options.tempDir);
  if (db instanceof PgDatabase) {
    if (!options.databaseUrl) throw new Error('a PostgreSQL backup needs the database URL');
    return snapshotPostgres(db, { ...options, databaseUrl: options.databaseUrl });
  }
  throw new Error(`cannot back up a database of kind ${db.kind}`);
}

/** Tables outside the system schemas: none means the database is empty. */
export async function tableCount(db: Database): Promise<number> {
  return (await userTables(db)).length;
}

/**
 * Loads a PostgreSQL custom-format dump into the database at `url` with pg_restore, in one transaction
 * (all or nothing). With `force`, every schema but the system ones is dropped first (then `public` made
 * again: pg_dump does not dump it).
 */
export async function restorePostgres(
  db: PgDatabase,
  options: { databaseUrl: string; file: string; force: boolean; pgBinDir?: string },
): Promise<void> {
  await runTool(options.pgBinDir, 'pg_restore', ['--version']);
  if (options.force) {
    const { rows } = await db.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    for (const { name } of rows) await db.exec(`DROP SCHEMA ${quoteIdent(name)} CASCADE`);
    await db.exec('CREATE SCHEMA IF NOT EXISTS public');
  }
  await runTool(options.pgBinDir, 'pg_restore', [
    '--no-owner',
    '--no-privileges',
    '--exit-on-error',
    '--single-transaction',
    '--no-password',
    `--dbname=${options.databaseUrl}`,
    options.file,
  ]);
}

/** Thrown when the embedded database is held by another process (a running server). */
export class EmbeddedDatabaseInUseError extends Error {
  constructor(
    readonly pid: number,
    dir: string,
    action: string,
  ) {
    super(
      `The embedded database in ${dir} is in use by process ${pid} (the server: PGlite serves one process). ` +
        `Stop it, ${action}, and start it again. With DATABASE_URL (PostgreSQL) this works while servers run.`,
    );
    this.name = 'EmbeddedDatabaseInUseError';
  }
}

/**
 * The tables of the embedded database in `dir` (DATA_DIR/pglite) before a restore, 0 when it has no data
 * directory yet. Refused while a server holds it.
 */
export async function embeddedTableCount(dir: string): Promise<number> {
  const holder = embeddedDatabaseHolder(dir);
  if (holder) throw new EmbeddedDatabaseInUseError(holder, dir, 'restore');
  if (!fs.existsSync(path.join(dir, 'pgdata'))) return 0;
  const db = await PgliteDatabase.open({ dataDir: dir });
  try {
    return await tableCount(db);
  } finally {
    await db.close();
  }
}

/**
 * Replaces the embedded database in `dir` with the dump in `file` and answers it open. The data directory
 * it replaces is kept beside it as `pgdata.replaced-<time>` (only a forced restore replaces one with
 * tables; an empty one is removed).
 */
export async function restorePglite(
  dir: string,
  file: string,
  replacing: { hadTables: boolean; now: Date },
): Promise<{ db: PgliteDatabase; keptAs?: string }> {
  const pgdata = path.join(dir, 'pgdata');
  let keptAs: string | undefined;
  if (fs.existsSync(pgdata)) {
    if (replacing.hadTables) {
      keptAs = `${pgdata}.replaced-${replacing.now.toISOString().replace(/[:.]/g, '-')}`;
      await fsp.rename(pgdata, keptAs);
    } else {
      await fsp.rm(pgdata, { recursive: true, force: true });
    }
  }
  const dump = await fs.openAsBlob(file);
  const db = await PgliteDatabase.open({ dataDir: dir, loadDataDir: dump });
  return { db, keptAs };
}
