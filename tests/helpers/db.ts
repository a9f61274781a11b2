import crypto from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import type { DatabasePool } from '../../src/db/database';
import { PgDatabase } from '../../src/db/pg-database';
import { PgliteDatabase } from '../../src/db/pglite-database';
import { createLogger } from '../../src/lib/logger';
import { databaseUrlFor } from './db-names';

export interface TestDatabase {
  db: DatabasePool;
  /** The file's own PostgreSQL database URL (server runs only). */
  url?: string;
  drop(): Promise<void>;
}

export const usingPostgres = (): boolean => Boolean(process.env.DATABASE_URL);

let dump: Buffer | undefined;

/** A fresh, migrated database of this test file's own: a TEMPLATE copy on PostgreSQL, a loaded dump on PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const logger = createLogger({ level: 'error', json: false, silent: true });
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = process.env.TEST_TEMPLATE_DB!;
    const name = `${template}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase();
    const admin = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
    await admin.connect();
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
          break;
        } catch (error) {
          // Another file copying the same template at this instant: wait and retry.
          if ((error as { code?: string }).code !== '55006' || attempt > 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
        }
      }
    } finally {
      await admin.end();
    }
    const url = databaseUrlFor(serverUrl, name);
    const db = new PgDatabase(
      { url, max: 10, connectionTimeoutMs: 5000, statementTimeoutMs: 30_000 },
      logger,
    );
    return {
      db,
      url,
      drop: async () => {
        await db.close().catch(() => undefined);
        const cleanup = new pg.Client({ connectionString: databaseUrlFor(serverUrl, 'postgres') });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await cleanup.end();
      },
    };
  }
  dump ??= fs.readFileSync(process.env.TEST_PGLITE_DUMP!);
  const db = await PgliteDatabase.open({ loadDataDir: new Blob([dump]) });
  return { db, drop: () => db.close() };
}
