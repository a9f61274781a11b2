import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import type { DatabasePool } from './database';
import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';

/** PostgreSQL when DATABASE_URL is set, else the embedded PGlite persisted under DATA_DIR. */
export async function openDatabase(config: Config, logger: Logger): Promise<DatabasePool> {
  if (config.database.url) {
    return new PgDatabase(
      {
        url: config.database.url,
        max: config.database.poolMax,
        connectionTimeoutMs: config.database.connectionTimeoutMs,
        statementTimeoutMs: config.database.statementTimeoutMs,
      },
      logger,
    );
  }
  return PgliteDatabase.open({ dataDir: path.join(config.dataDir, 'pglite') }, logger);
}
