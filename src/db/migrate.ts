import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../lib/logger';
import { migrationsDir } from '../lib/paths';
import { installJobQueue } from '../jobs/queue';
import type { Database } from './database';

export interface MigrationFile {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Any fixed number: every process that migrates takes this transaction-level advisory lock first. */
const MIGRATION_LOCK_KEY = 7_270_014_451;
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir = migrationsDir): MigrationFile[] {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const migrations = files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`${file}: migration files are named NNNN_name.sql`);
    // Line endings are normalised so a Windows checkout of the same file has the same checksum.
    const sql = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n');
    return {
      version: Number(match[1]),
      name: match[2],
      file,
      sql,
      checksum: crypto.createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.forEach((m, i) => {
    if (i > 0 && m.version === migrations[i - 1].version) {
      throw new MigrationError(`${m.file} and ${migrations[i - 1].file} share version ${m.version}`);
    }
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

function verify(files: MigrationFile[], applied: AppliedRow[]): void {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (file && file.checksum !== row.checksum) {
      throw new MigrationError(
        `Migration ${file.file} was changed after it was applied (checksum ${row.checksum.slice(0, 12)} in the ` +
          `database, ${file.checksum.slice(0, 12)} on disk). Applied migrations are never edited: restore the ` +
          `file and add a new migration for the change.`,
      );
    }
  }
}

/**
 * Applies pending migrations in order, each in its own transaction together with its record. Every step
 * takes an advisory lock first, so processes starting at once apply each migration exactly once. Then the
 * job queue's schema (pg-boss's own migrations) and queues are brought up to date (src/jobs/queue.ts), so a
 * migrated database is ready for every process, API or worker.
 */
export async function migrate(db: Database, logger?: Logger, dir = migrationsDir): Promise<string[]> {
  const files = readMigrations(dir);
  const applied: string[] = [];
  for (;;) {
    const next = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(CREATE_TABLE);
      const { rows } = await tx.query<AppliedRow>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      verify(files, rows);
      const done = new Set(rows.map((r) => r.version));
      const pending = files.find((f) => !done.has(f.version));
      if (!pending) return null;
      const started = Date.now();
      try {
        await tx.exec(pending.sql);
      } catch (error) {
        throw new MigrationError(`${pending.file} failed: ${(error as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        pending.version,
        pending.name,
        pending.checksum,
      ]);
      logger?.info('migration applied', { migration: pending.file, ms: Date.now() - started });
      return pending.file;
    });
    if (!next) {
      // Only the application's migrations come with the job queue (tests migrate folders of their own).
      if (dir === migrationsDir) await installJobQueue(db, logger);
      return applied;
    }
    applied.push(next);
  }
}

/** Files not yet applied (empty when the schema is current). Throws MigrationError on a changed file. */
export async function pendingMigrations(db: Database, dir = migrationsDir): Promise<string[]> {
  const files = readMigrations(dir);
  const exists = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  if (!exists.rows[0].exists) return files.map((f) => f.file);
  const { rows } = await db.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations');
  verify(files, rows);
  const done = new Set(rows.map((r) => r.version));
  return files.filter((f) => !done.has(f.version)).map((f) => f.file);
}
