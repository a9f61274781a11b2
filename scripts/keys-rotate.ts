/**
 * npm run keys:rotate — re-encrypts every stored AI-provider key under the current master key (the first
 * of ENCRYPTION_KEYS). Keys already under it are skipped, so running it again is safe, and so is running
 * it while servers serve requests. Exits 1 when some key could not be decrypted (its master key is not
 * in ENCRYPTION_KEYS, or it was tampered with): those rows are left as they were and named in the log.
 * The procedure is in docs/vault.md.
 */
import { rotateVaultKeys } from '../src/modules/api-keys/api-keys.service';
import { runScript, withCurrentDatabase } from './run-script';

function main(): Promise<number> {
  return withCurrentDatabase('info', async ({ config, logger, db }) => {
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
  });
}

runScript(main);
