/**
 * npm run keys:rotate — re-encrypts every stored AI-provider key under the current master key (the first
 * of ENCRYPTION_KEYS). Keys already under it are skipped, so running it again is safe, and so is running
 * it while servers serve requests. Exits 1 when some key could not be decrypted (its master key is not
 * in ENCRYPTION_KEYS, or it was tampered with): those rows are left as they were and named in the log.
 * The procedure is in docs/vault.md.
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db';
import { pendingMigrations } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { rotateVaultKeys } from '../src/modules/api-keys/api-keys.service';
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
    const report = await rotateVaultKeys(db, config.encryptionKeys, logger);
    logger.info(
      `keys:rotate: ${report.rotated} re-encrypted under "${report.currentKeyId}", ${report.failed} failed`,
      { ...report },
    );
    const stale = Object.entries(report.remaining).filter(([id]) => id !== report.currentKeyId);
    if (stale.length === 0) {
      logger.info('every stored key is under the current master key; older keys may leave ENCRYPTION_KEYS');
    }
    return report.failed > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

runScript(main);
