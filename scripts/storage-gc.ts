/**
 * npm run storage:gc                    deletes stored files no database row points to (older than 1 h)
 * npm run storage:gc -- --dry-run       only reports what it would delete
 * npm run storage:gc -- --grace=6h      keeps unreferenced files younger than 6 hours
 * npm run storage:gc -- --prefix=images/
 *
 * Works on the store STORAGE_DRIVER names (local disk or S3) and is safe while servers run (see
 * src/storage/gc.ts). Also removes upload temp files older than the grace period that a crash left behind.
 * Prints a JSON report; rows whose file is missing are listed under "missing".
 *
 * The keys rows point to come from FILE_KEY_COLUMNS in src/storage/file-references.ts.
 * On the embedded database, stop the server first (PGlite serves one process).
 */
import path from 'node:path';
import { parseDuration } from '../src/lib/duration';
import { createFileStore, storagePaths } from '../src/storage';
import { referencedFileKeys } from '../src/storage/file-references';
import { collectGarbage, DEFAULT_GC_GRACE_MS } from '../src/storage/gc';
import { LOCAL_TEMP_DIR } from '../src/storage/local-file-store';
import { removeStaleFiles } from '../src/storage/temp-files';
import { runScript, withCurrentDatabase } from './run-script';

const USAGE =
  'usage: npm run storage:gc -- [--dry-run] [--grace=<duration, e.g. 1h>] [--prefix=<key prefix>]';

function parseArgs(argv: string[]) {
  let dryRun = false;
  let graceMs = DEFAULT_GC_GRACE_MS;
  let prefix = '';
  for (const arg of argv) {
    if (arg === '--dry-run') dryRun = true;
    else if (arg.startsWith('--grace=')) {
      const seconds = parseDuration(arg.slice('--grace='.length));
      if (seconds === null) return null;
      graceMs = seconds * 1000;
    } else if (arg.startsWith('--prefix=')) prefix = arg.slice('--prefix='.length);
    else return null;
  }
  return { dryRun, graceMs, prefix };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  return withCurrentDatabase('warn', async ({ config, logger, db }) => {
    const { dryRun } = args;
    const store = createFileStore(config);
    try {
      const report = await collectGarbage({
        store,
        referencedKeys: () => referencedFileKeys(db),
        graceMs: args.graceMs,
        dryRun,
        prefix: args.prefix,
        logger,
      });
      const paths = storagePaths(config);
      const staleTempFiles = dryRun
        ? 0
        : (await removeStaleFiles(paths.uploads, args.graceMs)) +
          (await removeStaleFiles(path.join(paths.files, LOCAL_TEMP_DIR), args.graceMs)) +
          (await removeStaleFiles(paths.spool, args.graceMs));
      console.log(JSON.stringify({ driver: store.driver, ...report, staleTempFiles }, null, 2));
      return report.failed.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  });
}

runScript(() => main(process.argv.slice(2)));
