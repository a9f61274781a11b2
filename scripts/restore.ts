/**
 * npm run restore -- <backupId> [--force]     restores a backup of BACKUP_TARGET (`latest`: the newest)
 *
 * Into an empty database (DATABASE_URL, or the embedded one under DATA_DIR) and an empty file store; a
 * non-empty one is refused unless --force. Stop the servers first. Every checksum is verified; prints
 * what it restored and exits 1 on any mismatch (the summary names each). docs/backups.md.
 */
import dotenv from 'dotenv';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/lib/logger';
import { EmbeddedDatabaseInUseError } from '../src/ops/backup-database';
import { openBackupTarget } from '../src/ops/backup-target';
import { RestoreRefusedError, runRestore } from '../src/ops/restore';
import { createFileStore } from '../src/storage';
import { runScript } from './run-script';

const USAGE = 'usage: npm run restore -- <backupId | latest> [--force]';

async function main(argv: string[]): Promise<number> {
  const force = argv.includes('--force');
  const rest = argv.filter((arg) => arg !== '--force');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', json: config.isProduction });
  const store = createFileStore(config);
  const target = openBackupTarget(config);
  try {
    const summary = await runRestore({ config, store, target, id: rest[0], force, logger });
    console.log(JSON.stringify(summary, null, 2));
    if (summary.problems.length > 0) {
      console.error(`restore of ${summary.id} finished with ${summary.problems.length} problem(s):`);
      for (const problem of summary.problems) console.error(`  - ${problem}`);
      return 1;
    }
    console.error(
      `restored ${summary.id}: ${summary.tables} tables, ${summary.rows} rows, ${summary.files} files; ` +
        'every checksum matches. Start the server (it applies any newer migrations).',
    );
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefusedError || error instanceof EmbeddedDatabaseInUseError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await target.close();
    await store.close();
  }
}

runScript(() => main(process.argv.slice(2)));
