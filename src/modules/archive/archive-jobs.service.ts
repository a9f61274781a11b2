import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { AppContext } from '../../context';
import { errorCause, type Database } from '../../db/database';
import { appError, notFound, unauthenticated } from '../../http/errors';
import type { UploadedFile } from '../../http/uploads';
import type { JobRun } from '../../jobs/queue';
import { SlotUnavailableError } from '../../lib/semaphore';
import { fileKey } from '../../storage/file-store';
import { storagePaths } from '../../storage/index';
import { ArchiveAbortedError, ImportError } from './archive.format';
import { importArchive } from './archive.import';
import { writeArchive } from './archive.write';
import * as q from './archive-jobs.queries';
import type { ArchiveJobRow, ImportJobRow, JobTable } from './archive-jobs.queries';

/** Archive jobs, and import jobs, one user may have queued or running at once (the next → 429). */
export const ACTIVE_ARCHIVES_PER_USER = 1;
export const ACTIVE_IMPORTS_PER_USER = 1;
/** Progress is written at most this often per job (and at the end). */
const PROGRESS_EVERY_MS = 500;

export interface ArchiveJob {
  id: string;
  status: q.JobStatus;
  progress: number;
  error: string | null;
  url: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  counts: Record<string, number> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
}

export interface ImportJob {
  id: string;
  status: q.JobStatus;
  progress: number;
  projectsImported: number;
  error: string | null;
  sizeBytes: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
}

/** The token's account was deleted meanwhile: 401, as on every other route. */
const accountGone = () => unauthenticated('The account for this token no longer exists');

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const rounded = (progress: number) => Math.round(progress * 1000) / 1000;

/** The API's view of an archive job: a fresh signed URL while the ZIP is kept. */
export async function toArchiveJob(ctx: AppContext, row: ArchiveJobRow): Promise<ArchiveJob> {
  const kept = row.file_key && row.status === 'succeeded' && (!row.expires_at || row.expires_at > new Date());
  return {
    id: row.id,
    status: row.status,
    progress: rounded(row.progress),
    error: row.error,
    url: kept ? await ctx.store.signedUrl(row.file_key!) : null,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    sha256: row.sha256,
    counts: row.counts,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    expiresAt: iso(row.expires_at),
  };
}

export function toImportJob(row: ImportJobRow): ImportJob {
  return {
    id: row.id,
    status: row.status,
    progress: rounded(row.progress),
    projectsImported: row.projects_imported,
    error: row.error,
    sizeBytes: Number(row.upload_bytes),
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    expiresAt: iso(row.expires_at),
  };
}

const busy = (what: string, cap: number, list: string) =>
  appError(
    'RATE_LIMITED',
    `You already have ${cap === 1 ? 'an' : cap} ${what} queued or running; start another when it has ` +
      `finished, or cancel it (DELETE ${list}/{id})`,
    { headers: { 'Retry-After': '10' } },
  );

/** POST /api/users/me/archives: the row and its queue job commit together; at most one active per user. */
export async function startArchiveJob(ctx: AppContext, userId: string): Promise<ArchiveJob> {
  const row = await ctx.db.transaction(async (tx) => {
    if (!(await q.lockUser(tx, userId))) throw accountGone();
    if ((await q.countActive(tx, 'archive_jobs', userId)) >= ACTIVE_ARCHIVES_PER_USER) {
      throw busy('archive', ACTIVE_ARCHIVES_PER_USER, '/api/users/me/archives');
    }
    const job = await q.insertArchiveJob(tx, userId);
    await ctx.jobs.send('archive', { archiveId: job.id }, { db: tx, id: job.id });
    return job;
  });
  ctx.jobs.wake('archive');
  return toArchiveJob(ctx, row);
}

/**
 * POST /api/users/me/imports: the uploaded ZIP goes into the file store (a worker on any machine reads it
 * from there), then its row and queue job commit together. A refusal (429) or a failed commit deletes the
 * stored upload: nothing is kept.
 */
export async function startImportJob(
  ctx: AppContext,
  userId: string,
  upload: UploadedFile,
): Promise<ImportJob> {
  // The cheap refusal first, before the upload is copied into the store; the transaction's is the guarantee.
  if ((await q.countActive(ctx.db, 'import_jobs', userId)) >= ACTIVE_IMPORTS_PER_USER) {
    throw busy('import', ACTIVE_IMPORTS_PER_USER, '/api/users/me/imports');
  }
  const key = fileKey('imports', userId, 'application/zip');
  await ctx.store.put(key, { path: upload.path }, { contentType: 'application/zip' });
  try {
    const row = await ctx.db.transaction(async (tx) => {
      if (!(await q.lockUser(tx, userId))) throw accountGone();
      if ((await q.countActive(tx, 'import_jobs', userId)) >= ACTIVE_IMPORTS_PER_USER) {
        throw busy('import', ACTIVE_IMPORTS_PER_USER, '/api/users/me/imports');
      }
      const job = await q.insertImportJob(tx, {
        userId,
        uploadKey: key,
        uploadBytes: upload.sizeBytes,
        uploadSha256: upload.sha256,
      });
      await ctx.jobs.send('import', { importId: job.id }, { db: tx, id: job.id });
      return job;
    });
    ctx.jobs.wake('import');
    return toImportJob(row);
  } catch (error) {
    await ctx.store.delete(key).catch(() => undefined); // else the storage GC collects it
    throw error;
  }
}

export async function getArchiveJob(ctx: AppContext, userId: string, id: string): Promise<ArchiveJob> {
  const row = await q.findJob(ctx.db, 'archive_jobs', userId, id);
  if (!row) throw notFound('Archive');
  return toArchiveJob(ctx, row);
}

export async function getImportJob(ctx: AppContext, userId: string, id: string): Promise<ImportJob> {
  const row = await q.findJob(ctx.db, 'import_jobs', userId, id);
  if (!row) throw notFound('Import');
  return toImportJob(row);
}

export async function listArchiveJobs(
  ctx: AppContext,
  userId: string,
  query: { page: number; limit: number },
): Promise<{ rows: ArchiveJob[]; total: number }> {
  const { rows, total } = await q.listJobs(
    ctx.db,
    'archive_jobs',
    userId,
    query.limit,
    (query.page - 1) * query.limit,
  );
  return { rows: await Promise.all(rows.map((row) => toArchiveJob(ctx, row))), total };
}

export async function listImportJobs(
  ctx: AppContext,
  userId: string,
  query: { page: number; limit: number },
): Promise<{ rows: ImportJob[]; total: number }> {
  const { rows, total } = await q.listJobs(
    ctx.db,
    'import_jobs',
    userId,
    query.limit,
    (query.page - 1) * query.limit,
  );
  return { rows: rows.map(toImportJob), total };
}

/**
 * DELETE: a queued or running job is canceled (its worker stops at its next step; an archive stores
 * nothing, an import keeps the projects it finished before it stopped); a finished one is removed with its
 * file.
 */
export async function deleteJob(ctx: AppContext, table: JobTable, userId: string, id: string): Promise<void> {
  const queue = table === 'archive_jobs' ? 'archive' : 'import';
  const canceled = await q.cancel(ctx.db, table, userId, id, ctx.config.export.retentionH);
  if (canceled) {
    await ctx.jobs.cancel(queue, id).catch(() => undefined);
    if (canceled.fileKey) await ctx.store.delete(canceled.fileKey).catch(() => undefined);
    return;
  }
  const { removed, fileKey: key } = await q.removeFinished(ctx.db, table, userId, id);
  if (!removed) throw notFound(table === 'archive_jobs' ? 'Archive' : 'Import');
  // A file left by a failed delete has no row any more: the storage GC collects it.
  if (key) await ctx.store.delete(key).catch(() => undefined);
}

/**
 * Reports progress at most every PROGRESS_EVERY_MS and aborts `controller` once the job is no longer
 * running (canceled by its user). The returned `flush` waits for the last write.
 */
function progressReporter(ctx: AppContext, table: JobTable, id: string, controller: AbortController) {
  let last = 0;
  let writing: Promise<unknown> = Promise.resolve();
  return {
    report(fraction: number) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS || controller.signal.aborted) return;
      last = now;
      // Never 1 before the job has ended: 1 means "done".
      writing = writing
        .then(() => q.setProgress(ctx.db, table, id, Math.min(0.99, fraction)))
        .then((running) => {
          if (!running) controller.abort(new Error('the job was canceled'));
        })
        .catch(() => undefined); // a progress write is not worth failing the job for
    },
    flush: () => writing,
  };
}

/**
 * The worker's side of an archive: writes the ZIP into the file store as it is made (writeArchive), records
 * progress, and marks the job succeeded with the ZIP's key, size and SHA-256. A cancel stops it and keeps
 * nothing; anything else that fails is retried by the queue, up to 3 attempts.
 */
export async function runArchiveJob(ctx: AppContext, job: JobRun<{ archiveId: string }>): Promise<void> {
  const claimed = await q.claimJob(ctx.db, 'archive_jobs', job.data.archiveId);
  if (!claimed) return; // Canceled or removed while queued.
  const retentionH = ctx.config.export.retentionH;
  const canceled = new AbortController();
  const progress = progressReporter(ctx, 'archive_jobs', claimed.id, canceled);
  let storedKey: string | undefined;
  try {
    const written = await writeArchive(ctx, claimed.user_id, {
      signal: AbortSignal.any([job.signal, canceled.signal]),
      onProgress: (fraction) => progress.report(fraction),
    });
    storedKey = written.key;
    await progress.flush();
    const done = await q.succeedArchive(ctx.db, claimed.id, {
      fileKey: written.key,
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      counts: written.counts,
      retentionH,
    });
    if (!done) throw new ArchiveAbortedError(); // canceled while the last bytes were stored
    storedKey = undefined;
  } catch (error) {
    if (storedKey) await ctx.store.delete(storedKey).catch(() => undefined);
    if (error instanceof ArchiveAbortedError && !job.signal.aborted) return; // canceled: nothing to keep
    await q
      .failArchive(
        ctx.db,
        claimed.id,
        `The archive failed: ${errorCause(error)}`,
        job.lastAttempt,
        retentionH,
      )
      .catch(() => undefined);
    throw error;
  }
}

/** Where a worker keeps the uploaded ZIP while it imports it (the import reads it from local disk). */
const localCopyOf = (ctx: AppContext, id: string) =>
  path.join(storagePaths(ctx.config).uploads, `import-${id}-${process.pid}-${crypto.randomUUID()}.zip`);

/**
 * The worker's side of an import: copies the uploaded ZIP from the file store to local disk, runs
 * importArchive (each project all or nothing, recorded in the job's row in the project's own transaction,
 * so a retried job skips what is done), and ends the job succeeded, or failed with the archive's refusal
 * (`CODE: message`, not retried: the archive will not change). The upload is deleted when the job ends.
 * Imports decode images: they take a render slot (EXPORT_CONCURRENCY), like exports.
 */
export async function runImportJob(ctx: AppContext, job: JobRun<{ importId: string }>): Promise<void> {
  const claimed = await q.claimJob(ctx.db, 'import_jobs', job.data.importId);
  if (!claimed) return;
  const retentionH = ctx.config.export.retentionH;
  const canceled = new AbortController();
  const signal = AbortSignal.any([job.signal, canceled.signal]);
  const progress = progressReporter(ctx, 'import_jobs', claimed.id, canceled);
  const local = localCopyOf(ctx, claimed.id);
  const end = async (status: 'succeeded' | 'failed', error: string | null) => {
    await progress.flush();
    const ended = await q.finishImport(ctx.db, claimed.id, { status, error, retentionH });
    if (ended?.uploadKey) await ctx.store.delete(ended.uploadKey).catch(() => undefined);
  };
  try {
    if (!claimed.upload_key) throw new Error('the uploaded archive is gone');
    const stored = await ctx.store.get(claimed.upload_key);
    if (!stored) {
      await end('failed', 'The uploaded archive is no longer stored; upload it again');
      return;
    }
    await fsp.mkdir(path.dirname(local), { recursive: true });
    await pipeline(stored.stream, fs.createWriteStream(local, { flags: 'wx' }));
    const release = await ctx.renderSlots
      .acquire({ signal, ignoreMaxWaiting: true })
      .catch((error: unknown) => {
        if (error instanceof SlotUnavailableError) throw new ImportError('ABORTED', 'stopped while waiting');
        throw error;
      });
    try {
      await importArchive(ctx, claimed.user_id, local, {
        maxUploadBytes: ctx.config.storage.importMaxBytes,
        signal,
        skip: new Set(claimed.done_project_ids),
        onProgress: (fraction) => progress.report(fraction),
        onProjectImported: (tx, archivedId) => q.recordImportedProject(tx, claimed.id, archivedId),
      });
    } finally {
      release();
    }
    await end('succeeded', null);
  } catch (error) {
    if (error instanceof ImportError && error.code === 'ABORTED') {
      if (job.signal.aborted && (await q.isRunning(ctx.db, 'import_jobs', claimed.id).catch(() => false))) {
        // The lease ended or the worker is stopping: let the queue run it again (done projects are skipped).
        throw new Error(`import stopped: ${errorCause(job.signal.reason)}`, { cause: error });
      }
      return; // Canceled by its user: the projects finished before stay.
    }
    if (error instanceof ImportError) {
      await end('failed', `${error.code}: ${error.message}`);
      return;
    }
    if (job.lastAttempt) {
      await end('failed', `The import failed: ${errorCause(error)}`).catch(() => undefined);
    } else {
      await q
        .requeueImport(ctx.db, claimed.id, `The import failed: ${errorCause(error)}`)
        .catch(() => undefined);
    }
    throw error;
  } finally {
    await fsp.rm(local, { force: true });
  }
}

/** The dead-letter side: a job that used its every attempt (failures or dead workers) ends as failed. */
export async function archiveJobDead(ctx: AppContext, job: JobRun<{ archiveId: string }>): Promise<void> {
  const row = await q.findJobById(ctx.db, 'archive_jobs', job.data.archiveId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  const last = row.error ? ` The last attempt: ${row.error}` : ' Its worker stopped before it finished.';
  await q.failArchive(
    ctx.db,
    row.id,
    `The archive failed ${row.attempts} times and was given up.${last}`,
    true,
    ctx.config.export.retentionH,
  );
}

export async function importJobDead(ctx: AppContext, job: JobRun<{ importId: string }>): Promise<void> {
  const row = await q.findJobById(ctx.db, 'import_jobs', job.data.importId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  const last = row.error ? ` The last attempt: ${row.error}` : ' Its worker stopped before it finished.';
  const ended = await q.finishImport(ctx.db, row.id, {
    status: 'failed',
    error: `The import failed ${row.attempts} times and was given up.${last}`,
    retentionH: ctx.config.export.retentionH,
  });
  if (ended?.uploadKey) await ctx.store.delete(ended.uploadKey).catch(() => undefined);
}

/** Maintenance: expired archive and import jobs' rows and files. */
export async function purgeExpiredArchiveJobs(ctx: AppContext): Promise<number> {
  let removed = 0;
  for (const table of ['archive_jobs', 'import_jobs'] as const) {
    for (;;) {
      const keys = await q.removeExpired(ctx.db, table, 500);
      for (const key of keys) await ctx.store.delete(key).catch(() => undefined);
      removed += keys.length;
      if (keys.length < 500) break;
    }
  }
  return removed;
}

/** The keys of the user's stored archives and uploads: the account's deletion removes them with the rows. */
export const archiveFileKeysOfUser = (db: Database, userId: string) => q.fileKeysOfUser(db, userId);
