import fs from 'node:fs';
import pg from 'pg';
import { databaseUrlFor } from './helpers/db-names';

export default async function globalTeardown(): Promise<void> {
  if (process.env.TEST_PGLITE_DUMP) fs.rmSync(process.env.TEST_PGLITE_DUMP, { force: true });
  const url = process.env.DATABASE_URL;
  if (url && process.env.TEST_TEMPLATE_CREATED === '1' && process.env.TEST_TEMPLATE_DB) {
    // The run made this database; leave the server as it was.
    const admin = new pg.Client({ connectionString: databaseUrlFor(url, 'postgres') });
    await admin.connect();
    await admin
      .query(`DROP DATABASE IF EXISTS "${process.env.TEST_TEMPLATE_DB}" WITH (FORCE)`)
      .catch(() => undefined);
    await admin.end();
  }
}
