/**
 * npm run migrate — applies pending migrations and exits. Safe to run while servers start: every step
 * takes the same advisory lock the servers take.
 */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { migrate, MigrationError } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';

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

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof MigrationError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
