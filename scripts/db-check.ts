/**
 * npm run db:check — compares what the database keeps by bookkeeping with what its rows say (storage use,
 * sharing; src/db/consistency.ts) and prints every difference. Exits 0 when there is none, 1 otherwise.
 * Read-only and cheap (one query per check), so it is safe to run while servers serve requests; a
 * difference seen once may be a write in flight, one seen twice is drift (docs/operations.md).
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { consistencyProblems } from '../src/db/consistency';
import { pendingMigrations } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { runScript } from './run-script';

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: 'info', json: config.isProduction });
  const db = await openDatabase(config, logger);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      logger.error(`migrations are pending (${pending.join(', ')}); run npm run migrate first`);
      return 1;
    }
    const problems = await consistencyProblems(db);
    for (const problem of problems) logger.error(`db:check ${problem.check}: ${problem.detail}`);
    logger.info(problems.length ? `db:check: ${problems.length} problem(s)` : 'db:check: consistent');
    return problems.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

runScript(main);
