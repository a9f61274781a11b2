/**
 * Restores one backup (src/ops/backup.ts) into an empty database and file store: a non-empty one is
 * refused unless `force`. Every checksum is verified: the dump's before anything is changed, each file's
 * before it is put in the store (a file whose bytes do not match is not restored), and afterwards the
 * row counts of every table against the manifest. Any mismatch is a problem in the summary.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config';
import type { DatabasePool } from '../db/database';
import { readMigrations } from '../db/migrate';
import { PgDatabase } from '../db/pg-database';
import { createLogger, type Logger } from '../lib/logger';
import { contentTypeForKey, isFileKey, type FileStore } from '../storage/file-store';
import { referencedFileKeys } from '../storage/file-references';
import { countRows, embeddedTableCount, restorePglite, restorePostgres, tableCount } from './backup-database';
import {
  backupTempDir,
  listBackups,
  MANIFEST_FORMAT,
  readManifest,
  UnreadableManifestError,
  type BackupManifest,
} from './backup';
import type { BackupTarget } from './backup-target';

/** A refusal before anything was changed (not found, not empty, wrong kind): exit code 1, nothing done. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreSummary {
  id: string;
  database: BackupManifest['database']['kind'];
  schemaVersion: number;
  tables: number;
  rows: number;
  files: number;
  bytes: number;
  /** Where a forced restore moved the embedded database it replaced. */
  replacedDatabaseKeptAt?: string;
  /** Every mismatch found; empty when the restore is exact. */
  problems: string[];
}

export interface RestoreOptions {
  config: Config;
  store: FileStore;
  target: BackupTarget;
  /** A backup id, or `latest` for the newest complete one. */
  id: string;
  force: boolean;
  logger?: Logger;
  now?: () => Date;
}

const FILE_CONCURRENCY = 8;

/** Streams a backup object into a local file, hashing it; null when the backup has no such object. */
async function download(target: BackupTarget, name: string, file: string) {
  const stream = await target.get(name);
  if (!stream) return null;
  const hash = crypto.createHash('sha256');
  let size = 0;
  await pipeline(
    stream,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    },
    fs.createWriteStream(file, { flags: 'wx' }),
  );
  return { sha256: hash.digest('hex'), size };
}

async function storeHasFiles(store: FileStore): Promise<boolean> {
  for await (const _file of store.list()) return true;
  return false;
}

async function resolveId(target: BackupTarget, id: string): Promise<string> {
  if (id !== 'latest') return id;
  const newest = (await listBackups(target)).find((backup) => backup.complete);
  if (!newest) throw new RestoreRefusedError(`${target.description} holds no complete backup`);
  return newest.id;
}

export async function runRestore(options: RestoreOptions): Promise<RestoreSummary> {
  const { config, store, target, logger } = options;
  const id = await resolveId(target, options.id);
  if (!/^[A-Za-z0-9T-]+$/.test(id)) throw new RestoreRefusedError(`not a backup id: ${id}`);
  const manifest = await readManifest(target, id).catch((error: unknown) => {
    throw error instanceof UnreadableManifestError ? new RestoreRefusedError(error.message) : error;
  });
  if (!manifest) {
    throw new RestoreRefusedError(
      `backup ${id} is not in ${target.description}, or it did not finish (no manifest); ` +
        'npm run backup -- --list shows the complete ones',
    );
  }
  if (manifest.format !== MANIFEST_FORMAT) {
    throw new RestoreRefusedError(
      `backup ${id} has manifest format ${manifest.format}; this version reads ${MANIFEST_FORMAT}`,
    );
  }
  const latest = Math.max(0, ...readMigrations().map((migration) => migration.version));
  if (manifest.schemaVersion > latest) {
    throw new RestoreRefusedError(
      `backup ${id} has schema version ${manifest.schemaVersion}; this code knows migrations up to ${latest}: ` +
        'restore it with the version that made it (or a newer one)',
    );
  }
  const wanted = config.database.url ? 'postgres' : 'pglite';
  if (manifest.database.kind !== wanted) {
    throw new RestoreRefusedError(
      `backup ${id} holds a ${manifest.database.kind === 'postgres' ? 'PostgreSQL' : 'embedded (PGlite)'} ` +
        `database, and this configuration uses ${wanted === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : 'the embedded database (no DATABASE_URL)'}: ` +
        'a backup restores into the same kind of database it was taken from',
    );
  }

  const tempDir = path.join(backupTempDir(config.dataDir), `restore-${process.pid}-${Date.now()}`);
  await fsp.mkdir(tempDir, { recursive: true });
  const problems: string[] = [];
  let db: DatabasePool | undefined;
  try {
    // 1. The dump, verified before anything is touched.
    const dumpFile = path.join(tempDir, manifest.database.name);
    const dump = await download(target, `${id}/${manifest.database.name}`, dumpFile);
    if (!dump) throw new RestoreRefusedError(`backup ${id} has no ${manifest.database.name}`);
    if (dump.sha256 !== manifest.database.sha256 || dump.size !== manifest.database.size) {
      throw new RestoreRefusedError(
        `backup ${id}: ${manifest.database.name} does not match its manifest (SHA-256 ${dump.sha256.slice(0, 12)}…, ` +
          `expected ${manifest.database.sha256.slice(0, 12)}…): nothing was restored`,
      );
    }

    // 2. The target must be empty (unless forced), checked for both before either is changed.
    const pgliteDir = path.join(config.dataDir, 'pglite');
    let tables: number;
    let pg: PgDatabase | undefined;
    if (wanted === 'postgres') {
      pg = new PgDatabase(
        {
          url: config.database.url!,
          max: 2,
          connectionTimeoutMs: config.database.connectionTimeoutMs,
          statementTimeoutMs: 600_000,
          applicationName: 'colorbook-restore',
        },
        logger ?? createLogger({ level: 'error', json: false, silent: true }),
      );
      db = pg;
      const connected = await pg.query<{ pid: number; name: string }>(
        `SELECT pid, application_name AS name FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND application_name LIKE 'colorbook%' AND application_name <> 'colorbook-restore'`,
      );
      if (connected.rows.length > 0) {
        throw new RestoreRefusedError(
          `servers (or a backup) are connected to this database: ${connected.rows
            .map((row) => `${row.name} (backend pid ${row.pid})`)
            .join(', ')}. Stop them first: a restore replaces what they are serving.`,
        );
      }
      tables = await tableCount(pg);
    } else {
      tables = await embeddedTableCount(pgliteDir);
    }
    const filesPresent = await storeHasFiles(store);
    if ((tables > 0 || filesPresent) && !options.force) {
      const what = [
        tables > 0 ? `the database has ${tables} table(s)` : '',
        filesPresent ? `the ${store.driver} file store holds files` : '',
      ].filter(Boolean);
      throw new RestoreRefusedError(
        `not restoring into a store that is not empty: ${what.join(' and ')}. ` +
          'Restore into an empty database and store, or pass --force to replace the database ' +
          '(files already in the store stay; the storage GC removes the ones no row points to).',
      );
    }

    // 3. The database.
    let replacedDatabaseKeptAt: string | undefined;
    if (pg) {
      await restorePostgres(pg, {
        databaseUrl: config.database.url!,
        file: dumpFile,
        force: options.force,
        pgBinDir: config.backup.pgBinDir,
      });
    } else {
      const restored = await restorePglite(pgliteDir, dumpFile, {
        hadTables: tables > 0,
        now: (options.now ?? (() => new Date()))(),
      });
      db = restored.db;
      replacedDatabaseKeptAt = restored.keptAs;
    }
    await fsp.rm(dumpFile, { force: true });
    const restoredDb = db!;

    // 4. The files, each verified before it is put in the store.
    let bytes = 0;
    let files = 0;
    const queue = [...manifest.files];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        if (!isFileKey(entry.key)) {
          problems.push(`file ${JSON.stringify(entry.key)}: not a file key; skipped`);
          continue;
        }
        const local = path.join(tempDir, crypto.randomUUID());
        try {
          const got = await download(target, `${id}/files/${entry.key}`, local);
          if (!got) problems.push(`file ${entry.key}: missing from the backup`);
          else if (got.sha256 !== entry.sha256 || got.size !== entry.size) {
            problems.push(
              `file ${entry.key}: SHA-256 ${got.sha256} (${got.size} bytes) does not match the manifest's ` +
                `${entry.sha256} (${entry.size} bytes); not restored`,
            );
          } else {
            const stored = await store.put(
              entry.key,
              { path: local },
              { contentType: contentTypeForKey(entry.key) },
            );
            if (stored.size !== entry.size) {
              problems.push(
                `file ${entry.key}: the store holds ${stored.size} bytes after the put, not ${entry.size}`,
              );
            } else {
              files++;
              bytes += got.size;
            }
          }
        } finally {
          await fsp.rm(local, { force: true });
        }
      }
    };
    await Promise.all(Array.from({ length: FILE_CONCURRENCY }, worker));

    // 5. What the restored database holds, against the manifest.
    const rows = await countRows(restoredDb);
    for (const [table, expected] of Object.entries(manifest.rows)) {
      if (rows[table] !== expected)
        problems.push(`table ${table}: ${rows[table] ?? 'missing'} rows, the backup has ${expected}`);
    }
    for (const table of Object.keys(rows)) {
      if (!(table in manifest.rows)) problems.push(`table ${table}: not in the backup's manifest`);
    }
    const inBackup = new Set([...manifest.files.map((file) => file.key), ...manifest.missingFiles]);
    const unlisted = [...(await referencedFileKeys(restoredDb))].filter((key) => !inBackup.has(key));
    if (unlisted.length > 0) {
      problems.push(
        `${unlisted.length} file(s) rows point to are not in the backup's manifest, e.g. ${unlisted[0]}`,
      );
    }
    for (const key of manifest.missingFiles) {
      problems.push(`file ${key}: was already missing from the store when the backup was made`);
    }
    const summary: RestoreSummary = {
      id,
      database: manifest.database.kind,
      schemaVersion: manifest.schemaVersion,
      tables: Object.keys(rows).length,
      rows: Object.values(rows).reduce((sum, n) => sum + n, 0),
      files,
      bytes,
      replacedDatabaseKeptAt,
      problems,
    };
    logger?.info('restore finished', { id, files, problems: problems.length });
    return summary;
  } finally {
    await db?.close().catch(() => undefined);
    await fsp.rm(tempDir, { recursive: true, force: true });
  }
}
