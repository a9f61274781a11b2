import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/db/migrate';
import { PgDatabase } from '../src/db/pg-database';
import { PgliteDatabase } from '../src/db/pglite-database';
import { createLogger } from '../src/lib/logger';
import { assertTestDatabaseName, databaseUrlFor } from './helpers/db-names';

/**
 * Migrates one database for the whole run; every test file then starts from a copy of it.
 * With DATABASE_URL: that PostgreSQL database is migrated and used as the TEMPLATE of each file's own
 * database. Without: an in-memory PGlite is migrated and dumped to a file each test file loads.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const logger = createLogger({ level: 'error', json: false });
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = assertTestDatabaseName(url);
    const admin = new pg.Client({ connectionString: databaseUrlFor(url, 'postgres') });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${name}"`);
        process.env.TEST_TEMPLATE_CREATED = '1';
      }
    } finally {
      await admin.end();
    }
    const db = new PgDatabase({ url, max: 1, connectionTimeoutMs: 5000, statementTimeoutMs: 60_000 }, logger);
    try {
      await migrate(db, logger);
    } finally {
      await db.close();
    }
    process.env.TEST_TEMPLATE_DB = name;
    return;
  }
  const db = await PgliteDatabase.open({});
  try {
    await migrate(db, logger);
    const dump = await db.pglite.dumpDataDir('none');
    const file = path.join(os.tmpdir(), `colorbook-test-${process.pid}.tar`);
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    process.env.TEST_PGLITE_DUMP = file;
  } finally {
    await db.close();
  }
}
