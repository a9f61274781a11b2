/**
 * Operator backups: one consistent copy of the database and of every stored file a row points to,
 * written to BACKUP_TARGET with a manifest, old ones pruned (docs/backups.md).
 *
 * Consistency: the database snapshot comes first, and the files copied are exactly the ones its rows point
 * to. A file stored while the backup runs belongs to a row the snapshot does not hold (uploads store the
 * file, then commit the row), so it is left out with its row. Keys are written once and never rewritten,
 * so a file copied after the snapshot has the bytes the snapshot's row meant. A file the snapshot points to
 * but that is gone when it is copied was deleted with its row after the snapshot (deletes remove the row,
 * then the file; the storage GC only takes files no row points to, after its grace period): then a new
 * snapshot is taken, which no longer holds that row, and only its new files are copied. After
 * MAX_SNAPSHOTS a key still missing is one a committed row points to without a file (already broken in
 * the live system, `npm run storage:gc` lists it as missing): it is named in the manifest's `missingFiles`.
 *
 * `runBackup` takes the open database and store, so the server can run it as a scheduled job on its own
 * handles (the embedded database included, which serves one process); `npm run backup` opens them itself.
 * A schedule (BACKUP_SCHEDULE through the job queue, once per schedule across processes) builds the same
 * options from the config as scripts/backup.ts does; two runs at once are harmless (two ids) but wasteful.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DatabasePool } from '../db/database';
import type { Logger } from '../lib/logger';
import type { FileStore } from '../storage/file-store';
import { snapshotDatabase, type DatabaseSnapshot } from './backup-database';
import type { BackupTarget } from './backup-target';

export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 1;
/** Snapshots taken at most when files go missing between a snapshot and their copy. */
export const MAX_SNAPSHOTS = 3;
/** Files copied at once. */
const FILE_CONCURRENCY = 8;
/** A backup without a manifest (a run that crashed) is removed by pruning once it is this old. */
const INCOMPLETE_GRACE_MS = 24 * 60 * 60 * 1000;

export interface ManifestFile {
  key: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  createdAt: string;
  /** When the copy ended. */
  completedAt: string;
  /** The newest migration the database had: a restore needs code with at least this one. */
  schemaVersion: number;
  database: {
    kind: 'postgres' | 'pglite';
    /** `database.pgdump` (pg_dump custom format) or `database.tar.gz` (PGlite's data directory dump). */
    name: string;
    size: number;
    sha256: string;
    tool: string;
  };
  /** Rows per table in the snapshot. */
  rows: Record<string, number>;
  /** The store the files came from (`local` or `s3`). */
  store: string;
  /** Every file a row of the snapshot points to, under `files/<key>` in the backup. */
  files: ManifestFile[];
  /** Keys the snapshot's rows point to whose file the store did not have (see the module comment). */
  missingFiles: string[];
  /** Snapshots taken (more than 1 when files were deleted while the backup ran). */
  snapshots: number;
}

export interface BackupSummary {
  id: string;
  target: string;
  manifest: BackupManifest;
  /** Backups removed by retention. */
  pruned: string[];
}

export interface RunBackupOptions {
  db: DatabasePool;
  store: FileStore;
  target: BackupTarget;
  /** The PostgreSQL URL pg_dump connects to (DATABASE_URL); unused on the embedded database. */
  databaseUrl?: string;
  pgBinDir?: string;
  /** Where the dump waits before it is copied (removed afterwards). */
  tempDir: string;
  keepDaily: number;
  keepWeekly: number;
  logger?: Logger;
  now?: () => Date;
  /** Called after each snapshot, before its files are copied (tests use it to write and delete meanwhile). */
  afterSnapshot?: (snapshot: number) => Promise<void>;
}

/** `20261207T060000Z-3f9a`: sorts by time; the suffix keeps two backups of one second apart. */
export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

const ID_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{4}$/;

/** The time a backup id names, or null for a folder that is no backup of ours. */
export function backupTime(id: string): Date | null {
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

/** Hashes what flows through (SHA-256) and counts it. */
function hashingTap(): { tap: Transform; result: () => { sha256: string; size: number } } {
  const hash = crypto.createHash('sha256');
  let size = 0;
  // A transform, not a 'data' listener: a listener would start the flow before the reader is attached.
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, result: () => ({ sha256: hash.digest('hex'), size }) };
}

export async function sha256OfFile(file: string): Promise<{ sha256: string; size: number }> {
  const { tap, result } = hashingTap();
  const handle = await fsp.open(file, 'r');
  await pipeline(handle.createReadStream(), tap, async (source: AsyncIterable<Buffer>) => {
    for await (const _chunk of source);
  });
  return result();
}

/** Copies one stored file into the backup, hashing it on the way; null when the store has no such file. */
async function copyFile(store: FileStore, target: BackupTarget, id: string, key: string) {
  const file = await store.get(key);
  if (!file) return null;
  const { tap, result } = hashingTap();
  const piped = file.stream.pipe(tap);
  file.stream.on('error', (error) => tap.destroy(error));
  await target.put(`${id}/files/${key}`, { stream: piped as Readable, size: file.size });
  const copied = result();
  if (copied.size !== file.size)
    throw new Error(`${key}: read ${copied.size} bytes, the store said ${file.size}`);
  return { key, ...copied };
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, Math.max(1, items.length)) }, worker));
}

/**
 * Makes one backup and prunes old ones (see the module comment). Throws when it cannot finish; a backup
 * that did not finish has no manifest and is never listed as complete.
 */
export async function runBackup(options: RunBackupOptions): Promise<BackupSummary> {
  const { store, target, logger } = options;
  const now = options.now ?? (() => new Date());
  const createdAt = now();
  const id = newBackupId(createdAt);
  const copied = new Map<string, ManifestFile>();
  let snapshot: DatabaseSnapshot | undefined;
  let missing: string[] = [];
  let snapshots = 0;
  try {
    for (;;) {
      if (snapshot) await fsp.rm(snapshot.file, { force: true });
      snapshot = await snapshotDatabase(options.db, options);
      snapshots++;
      await options.afterSnapshot?.(snapshots);
      const wanted = [...snapshot.referencedKeys].filter((key) => !copied.has(key)).sort();
      missing = [];
      await eachLimited(wanted, FILE_CONCURRENCY, async (key) => {
        const file = await copyFile(store, target, id, key);
        if (file) copied.set(key, file);
        else missing.push(key);
      });
      if (missing.length === 0 || snapshots >= MAX_SNAPSHOTS) break;
      logger?.info('backup: files deleted after the snapshot; taking a new one', { count: missing.length });
    }
    // Files an earlier snapshot pointed to that the last one does not: not part of this backup.
    const final = snapshot.referencedKeys;
    for (const key of [...copied.keys()].filter((key) => !final.has(key))) copied.delete(key);
    const stray = (await target.listBackup(id)).filter(
      (name) => name.startsWith(`${id}/files/`) && !copied.has(name.slice(`${id}/files/`.length)),
    );
    for (const name of stray) await target.remove(name);

    const dump = await sha256OfFile(snapshot.file);
    await target.put(`${id}/${snapshot.name}`, { path: snapshot.file });
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      id,
      createdAt: createdAt.toISOString(),
      completedAt: now().toISOString(),
      schemaVersion: snapshot.schemaVersion,
      database: {
        kind: snapshot.kind,
        name: snapshot.name,
        size: dump.size,
        sha256: dump.sha256,
        tool: snapshot.tool,
      },
      rows: snapshot.rows,
      store: store.driver,
      files: [...copied.values()].sort((a, b) => (a.key < b.key ? -1 : 1)),
      missingFiles: missing.sort(),
      snapshots,
    };
    if (missing.length > 0) {
      logger?.warn('backup: rows point to files the store does not have', { keys: missing.slice(0, 20) });
    }
    // The manifest last: a backup is complete when, and only when, it has one.
    await target.put(`${id}/${MANIFEST_NAME}`, { buffer: Buffer.from(JSON.stringify(manifest, null, 2)) });
    const pruned = await pruneBackups(target, {
      keepDaily: options.keepDaily,
      keepWeekly: options.keepWeekly,
      now: now(),
      keep: id,
    });
    logger?.info('backup written', {
      id,
      target: target.description,
      files: manifest.files.length,
      pruned: pruned.length,
    });
    return { id, target: target.description, manifest, pruned };
  } catch (error) {
    // What this run wrote is no backup: without a manifest it would only be listed as incomplete.
    await target.removeBackup(id).catch(() => undefined);
    throw error;
  } finally {
    if (snapshot) await fsp.rm(snapshot.file, { force: true });
  }
}

export interface ListedBackup {
  id: string;
  /** The time its id names. */
  time: Date;
  /** It has a manifest (it finished). */
  complete: boolean;
  manifest?: BackupManifest;
  /** Why its manifest could not be read, when it has one that cannot be. */
  unreadable?: string;
}

/** A manifest that is there but cannot be read (truncated, edited): the backup cannot be restored. */
export class UnreadableManifestError extends Error {
  constructor(id: string, cause: unknown) {
    super(`backup ${id}: its manifest cannot be read (${(cause as Error).message})`, { cause });
    this.name = 'UnreadableManifestError';
  }
}

/** Reads a backup's manifest, or null when it has none (it did not finish). */
export async function readManifest(target: BackupTarget, id: string): Promise<BackupManifest | null> {
  const stream = await target.get(`${id}/${MANIFEST_NAME}`);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
  } catch (error) {
    throw new UnreadableManifestError(id, error);
  }
  if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.files) || !manifest.database) {
    throw new UnreadableManifestError(id, new Error('not a backup manifest'));
  }
  return manifest;
}

/**
 * Every backup in the target, newest first (folders whose names are not backup ids are ignored). One whose
 * manifest cannot be read is listed with `unreadable` and left alone by pruning: an operator decides.
 */
export async function listBackups(target: BackupTarget): Promise<ListedBackup[]> {
  const backups: ListedBackup[] = [];
  for (const id of await target.listIds()) {
    const time = backupTime(id);
    if (!time) continue;
    try {
      const manifest = await readManifest(target, id);
      backups.push({ id, time, complete: manifest !== null, manifest: manifest ?? undefined });
    } catch (error) {
      if (!(error instanceof UnreadableManifestError)) throw error;
      backups.push({ id, time, complete: false, unreadable: error.message });
    }
  }
  return backups.sort((a, b) => (a.id < b.id ? 1 : -1));
}

/**
 * Which complete backups retention keeps: the newest of each of the last `keepDaily` days that have one
 * (UTC) and the newest of each of the last `keepWeekly` ISO weeks that have one. `backups` newest first.
 */
export function backupsToKeep(
  backups: readonly { id: string; time: Date }[],
  policy: { keepDaily: number; keepWeekly: number },
): Set<string> {
  const keep = new Set<string>();
  const days = new Set<string>();
  const weeks = new Set<string>();
  for (const backup of backups) {
    const day = backup.time.toISOString().slice(0, 10);
    if (!days.has(day) && days.size < policy.keepDaily) {
      days.add(day);
      keep.add(backup.id);
    }
    const week = isoWeek(backup.time);
    if (!weeks.has(week) && weeks.size < policy.keepWeekly) {
      weeks.add(week);
      keep.add(backup.id);
    }
  }
  return keep;
}

/** `2026-W49`: the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(time: Date): string {
  const date = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const day = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * Removes the complete backups retention does not keep (never `keep`, the one just made) and the
 * unfinished ones older than a day. Answers the ids removed.
 */
export async function pruneBackups(
  target: BackupTarget,
  options: { keepDaily: number; keepWeekly: number; now: Date; keep?: string },
): Promise<string[]> {
  const backups = await listBackups(target);
  const complete = backups.filter((backup) => backup.complete);
  const keep = backupsToKeep(complete, options);
  if (options.keep) keep.add(options.keep);
  const remove = backups.filter((backup) =>
    backup.complete
      ? !keep.has(backup.id)
      : !backup.unreadable &&
        backup.id !== options.keep &&
        options.now.getTime() - backup.time.getTime() > INCOMPLETE_GRACE_MS,
  );
  for (const backup of remove) await target.removeBackup(backup.id);
  return remove.map((backup) => backup.id);
}

/** Where a backup's dump or files wait on this machine: DATA_DIR/tmp/backup. */
export function backupTempDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', 'backup');
}
