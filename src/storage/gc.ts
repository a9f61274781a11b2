import type { Logger } from '../lib/logger';
import type { FileStore } from './file-store';

/** Every key some row points to, read in one database snapshot. */
export type ReferencedKeys = () => Promise<Iterable<string>> | AsyncIterable<string>;

export interface GcOptions {
  store: FileStore;
  /**
   * The keys rows point to. Called after the store is listed, so a file stored and recorded in between is
   * seen as referenced.
   */
  referencedKeys: ReferencedKeys;
  /**
   * Unreferenced files younger than this are kept: an upload stores its files before the transaction that
   * records them commits. Must be well above the request timeout. Default 1 hour.
   */
  graceMs?: number;
  /** Only report; delete nothing. */
  dryRun?: boolean;
  /** Only files under this key prefix. */
  prefix?: string;
  /** Deletes in flight at once (default 8). */
  concurrency?: number;
  now?: () => number;
  logger?: Logger;
}

export interface GcReport {
  /** Files the store holds (under the prefix). */
  scanned: number;
  /** Distinct keys rows point to. */
  referenced: number;
  /** Files no row points to, older than the grace period: deleted, or to delete on a dry run. */
  orphans: string[];
  /** How many orphans were deleted (0 on a dry run). */
  deleted: number;
  /** Unreferenced files still inside the grace period (left alone). */
  young: number;
  /** Keys a row points to whose file is not in the store. */
  missing: string[];
  /** Deletes that failed (retried on the next run). */
  failed: { key: string; error: string }[];
  dryRun: boolean;
}

export const DEFAULT_GC_GRACE_MS = 60 * 60 * 1000;

async function toSet(keys: Iterable<string> | AsyncIterable<string>): Promise<Set<string>> {
  const set = new Set<string>();
  for await (const key of keys as AsyncIterable<string>) set.add(key);
  return set;
}

/**
 * Finds stored files no row points to and deletes them, and reports rows whose file is missing.
 *
 * Safe while the API runs: the store is listed first, the references are read after, and a file is only
 * collected when it is unreferenced at that later moment and older than `graceMs`. An upload in flight has
 * its files younger than the grace period; a row created after the listing points to a file the listing
 * either saw (then it is referenced now) or did not see (then it is not a candidate). A key reported
 * missing is checked once more, so a file stored after the listing is not reported.
 */
export async function collectGarbage(options: GcOptions): Promise<GcReport> {
  const { store, logger } = options;
  const graceMs = options.graceMs ?? DEFAULT_GC_GRACE_MS;
  const dryRun = options.dryRun ?? false;
  const prefix = options.prefix ?? '';
  const now = (options.now ?? Date.now)();

  const stored = new Map<string, number>();
  for await (const file of store.list(prefix)) stored.set(file.key, file.lastModified.getTime());
  const referenced = await toSet(await options.referencedKeys());

  const orphans: string[] = [];
  let young = 0;
  for (const [key, modified] of stored) {
    if (referenced.has(key)) continue;
    if (now - modified > graceMs) orphans.push(key);
    else young++;
  }

  const failed: GcReport['failed'] = [];
  let deleted = 0;
  if (!dryRun) {
    const queue = [...orphans];
    const worker = async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        try {
          await store.delete(key);
          deleted++;
        } catch (error) {
          failed.push({ key, error: (error as Error).message });
          logger?.warn('storage gc: delete failed', { key, error: (error as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  }

  const missing: string[] = [];
  for (const key of referenced) {
    if (!key.startsWith(prefix) || stored.has(key)) continue;
    if (!(await store.exists(key))) missing.push(key);
  }
  if (missing.length > 0) logger?.warn('storage gc: rows point to missing files', { count: missing.length });

  return {
    scanned: stored.size,
    referenced: referenced.size,
    orphans,
    deleted,
    young,
    missing,
    failed,
    dryRun,
  };
}
