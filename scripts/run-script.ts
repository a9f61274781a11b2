import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { openDatabase } from '../src/db';
import type { DatabasePool } from '../src/db/database';
import { MigrationError, pendingMigrations } from '../src/db/migrate';
import { createLogger, type Logger } from '../src/lib/logger';

/**
 * Runs a command-line script's `main` and exits: with the code it returns (0 when it returns nothing), or 1
 * when it throws. An operator's mistake (configuration, a migration) prints its message alone; anything
 * else prints its stack. The explicit exit matters: prom-client, PGlite or a mailer may leave handles open
 * after the work is done.
 */
export function runScript(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      console.error(error instanceof ConfigError || error instanceof MigrationError ? error.message : error);
      process.exit(1);
    },
  );
}

export interface ScriptContext {
  config: Config;
  logger: Logger;
  db: DatabasePool;
}

/**
 * The set-up every operator command that reads the database shares: `.env`, the configuration, a logger at
 * `logLevel`, the database (closed afterwards, whatever `work` does), and a refusal to touch a schema that is
 * behind (exit 1: run `npm run migrate` first). Answers `work`'s exit code.
 */
export async function withCurrentDatabase(
  logLevel: 'info' | 'warn',
  work: (context: ScriptContext) => Promise<number>,
): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: logLevel, json: config.isProduction });
  const db = await openDatabase(config, logger);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      console.error(`migrations are pending (${pending.join(', ')}); run npm run migrate first`);
      return 1;
    }
    return await work({ config, logger, db });
  } finally {
    await db.close();
  }
}
