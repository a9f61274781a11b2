/**
 * npm run backup                 one consistent backup of the database and every stored file to BACKUP_TARGET,
 *                                then prunes old ones (BACKUP_KEEP_DAILY, BACKUP_KEEP_WEEKLY)
 * npm run backup -- --list       lists the backups in BACKUP_TARGET, newest first
 * npm run backup -- --prune      only prunes
 *
 * Safe while servers run on PostgreSQL (one pg_dump snapshot; pg_dump of the server's major version must be
 * installed). The embedded database serves one process: with a server running on it this command refuses
 * and names the server's pid. What a backup holds and how to restore it: docs/backups.md.
 */
import dotenv from 'dotenv';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { embeddedDatabaseHolder } from '../src/db/pglite-database';
import { EmbeddedDatabaseInUseError } from '../src/ops/backup-database';
import { backupTempDir, listBackups, pruneBackups, runBackup } from '../src/ops/backup';
import { openBackupTarget } from '../src/ops/backup-target';
import { createFileStore } from '../src/storage';
import { runScript, withCurrentDatabase } from './run-script';

const USAGE = 'usage: npm run backup [-- --list | --prune]';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

async function list(): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const target = openBackupTarget(config);
  try {
    const backups = await listBackups(target);
    if (backups.length === 0) {
      console.log(`no backups in ${target.description}`);
      return 0;
    }
    console.log(`backups in ${target.description}, newest first:`);
    for (const backup of backups) {
      const m = backup.manifest;
      console.log(
        m
          ? `${backup.id}  complete    ${m.database.kind.padEnd(8)}  schema ${m.schemaVersion}  ` +
              `${m.files.length} files, ${formatBytes(m.database.size + m.files.reduce((sum, f) => sum + f.size, 0))}` +
              (m.missingFiles.length ? `  (${m.missingFiles.length} missing files)` : '')
          : backup.unreadable
            ? `${backup.id}  unreadable  (${backup.unreadable}; not pruned)`
            : `${backup.id}  incomplete  (no manifest: the run did not finish)`,
      );
    }
    return 0;
  } finally {
    await target.close();
  }
}

async function prune(): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const target = openBackupTarget(config);
  try {
    const pruned = await pruneBackups(target, { ...config.backup, now: new Date() });
    console.log(pruned.length ? `pruned: ${pruned.join(', ')}` : 'nothing to prune');
    return 0;
  } finally {
    await target.close();
  }
}

async function backup(): Promise<number> {
  dotenv.config({ quiet: true });
  const preConfig = loadConfig();
  if (!preConfig.database.url) {
    const dir = path.join(preConfig.dataDir, 'pglite');
    const holder = embeddedDatabaseHolder(dir);
    if (holder) {
      console.error(new EmbeddedDatabaseInUseError(holder, dir, 'back it up').message);
      return 1;
    }
  }
  return withCurrentDatabase('warn', async ({ config, logger, db }) => {
    if (config.backup.targetIsDefault) {
      console.error(
        `note: BACKUP_TARGET is not set; writing to ${config.backup.target.kind === 'local' ? config.backup.target.dir : ''}, ` +
          'on the same disk as the data. Set BACKUP_TARGET to another disk or an s3:// bucket.',
      );
    }
    const store = createFileStore(config);
    const target = openBackupTarget(config);
    try {
      const summary = await runBackup({
        db,
        store,
        target,
        databaseUrl: config.database.url,
        pgBinDir: config.backup.pgBinDir,
        tempDir: backupTempDir(config.dataDir),
        keepDaily: config.backup.keepDaily,
        keepWeekly: config.backup.keepWeekly,
        logger,
      });
      const m = summary.manifest;
      console.log(
        JSON.stringify(
          {
            id: summary.id,
            target: summary.target,
            database: m.database.kind,
            schemaVersion: m.schemaVersion,
            rows: Object.values(m.rows).reduce((sum, n) => sum + n, 0),
            files: m.files.length,
            bytes: m.database.size + m.files.reduce((sum, f) => sum + f.size, 0),
            missingFiles: m.missingFiles,
            snapshots: m.snapshots,
            pruned: summary.pruned,
          },
          null,
          2,
        ),
      );
      return 0;
    } finally {
      await target.close();
      await store.close();
    }
  });
}

function main(argv: string[]): Promise<number> {
  if (argv.length === 0) return backup();
  if (argv.length === 1 && argv[0] === '--list') return list();
  if (argv.length === 1 && argv[0] === '--prune') return prune();
  console.error(USAGE);
  return Promise.resolve(2);
}

runScript(() => main(process.argv.slice(2)));
