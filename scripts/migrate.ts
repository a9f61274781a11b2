/**
 * npm run migrate — applies pending migrations and exits. Safe to run while servers start: every step
 * takes the same advisory lock the servers take.
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { migrate } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { runScript } from './run-script';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({
    level: config.logLevel === 'error' ? 'info' : config.logLevel,
    json: config.isProduction,
  });
  const db = await openDatabase(config, logger);
  try {
    const applied = await migrate(db, logger);
    logger.info(applied.length ? `applied ${applied.length} migration(s)` : 'the schema is current', {
      applied,
    });
  } finally {
    await db.close();
  }
}

runScript(main);
