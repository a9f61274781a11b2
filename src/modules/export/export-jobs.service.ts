import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../context';
import { errorCause, type Database } from '../../db/database';
import { AppError, appError, notFound } from '../../http/errors';
import type { JobRun } from '../../jobs/queue';
import { SlotUnavailableError } from '../../lib/semaphore';
import { fileKey } from '../../storage/file-store';
import { lockProjectAccess } from '../projects/project-access';
import { ClientGoneError } from './export.render';
import * as exporter from './export.service';
import type { ExportOptions } from './export.service';
import * as q from './export-jobs.queries';
import type { ExportJobRow } from './export-jobs.queries';

/** Export jobs one user may have queued or running at once (the next → 429). */
export const ACTIVE_JOBS_PER_USER = 3;
/** Progress is written at most this often per job (and at the last page). */
const PROGRESS_EVERY_MS = 500;

export interface ExportJob {
  id: string;
  projectId: string;
  options: Record<string, unknown>;
  status: q.ExportJobStatus;
  progress: number;
  pageCount: number | null;
  warnings: ExportJobRow['warnings'];
  error: string | null;
  url: string | null;
  sizeBytes: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The API's view of a job: a fresh signed URL while the file is kept. */
export async function toExportJob(ctx: AppContext, row: ExportJobRow): Promise<ExportJob> {
  const kept = row.file_key && row.status === 'succeeded' && (!row.expires_at || row.expires_at > new Date());
  return {
    id: row.id,
    projectId: row.project_id,
    options: row.options,
    status: row.status,
    progress: Math.round(row.progress * 1000) / 1000,
    pageCount: row.page_count,
    warnings: row.warnings,
    error: row.error,
    url: kept ? await ctx.store.signedUrl(row.file_key!) : null,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    expiresAt: iso(row.expires_at),
  };
}

/**
 * Starts an export job: the caller may read the project (404 otherwise), the book passes the export's own
 * checks (400 EMPTY_PROJECT, 409 FILE_MISSING — answered now, not as a failed job), and the caller has fewer
 * than ACTIVE_JOBS_PER_USER jobs queued or running (429). The row and its queue job commit together.
 */
export async function startExportJob(
  ctx: AppContext,
  userId: string,
  projectId: string,
  options: ExportOptions,
): Promise<ExportJob> {
  await exporter.prepareExport(ctx, userId, projectId, options);
  const row = await ctx.db.transaction(async (tx) => {
    // The user's row, then the project's (the access seam's order): starts of one user queue behind each other
    // so the cap holds, and a delete of the project waits for this commit, so its trigger cancels this job too.
    await q.lockUser(tx, userId);
    await lockProjectAccess(tx, userId, projectId, 'read');
    if ((await q.countActive(tx, userId)) >= ACTIVE_JOBS_PER_USER) {
      throw appError(
        'RATE_LIMITED',
        `You already have ${ACTIVE_JOBS_PER_USER} exports queued or running; start another when one has ` +
          'finished, or cancel one (DELETE /api/exports/{id})',
        { headers: { 'Retry-After': '10' } },
      );
    }
    const job = await q.insertJob(tx, { userId, projectId, options: { ...options } });
    await ctx.jobs.send(
      'export',
      { exportId: job.id },
      { db: tx, id: job.id, expireInSeconds: ctx.config.export.jobTimeoutS },
    );
    return job;
  });
  ctx.jobs.wake('export');
  return toExportJob(ctx, row);
}

export async function getExportJob(ctx: AppContext, userId: string, id: string): Promise<ExportJob> {
  const row = await q.findJob(ctx.db, userId, id);
  if (!row) throw notFound('Export');
  return toExportJob(ctx, row);
}

export async function listExportJobs(
  ctx: AppContext,
  userId: string,
  query: { projectId?: string; page: number; limit: number },
): Promise<{ rows: ExportJob[]; total: number }> {
  const { rows, total } = await q.listJobs(
    ctx.db,
    userId,
    query.projectId,
    query.limit,
    (query.page - 1) * query.limit,
  );
  return { rows: await Promise.all(rows.map((row) => toExportJob(ctx, row))), total };
}

/**
 * DELETE: a queued or running job is canceled (its worker stops at the next page and removes its partial
 * file; the row stays, `canceled`); a finished one is removed with its file.
 */
export async function deleteExportJob(ctx: AppContext, userId: string, id: string): Promise<void> {
  if (await q.cancel(ctx.db, userId, id, ctx.config.export.retentionH)) {
    // A queued job is taken off the queue now; a running one sees the row and stops.
    await ctx.jobs.cancel('export', id).catch(() => undefined);
    return;
  }
  const { removed, fileKey: key } = await q.removeFinished(ctx.db, userId, id);
  if (!removed) throw notFound('Export');
  // A file left by a failed delete has no row any more: the storage GC collects it.
  if (key) await ctx.store.delete(key).catch(() => undefined);
}

/** Thrown inside a render when the job was canceled (or its lease ended): stop, keep nothing. */
class JobStopped extends Error {}

/**
 * The worker's side: renders one export job into a temporary file, records its progress, stores the PDF
 * through the file store and marks the job succeeded. A problem with the book itself (no pages, a missing
 * file, the project gone or no longer shared) fails the job at once; anything else (the database, the store)
 * is retried by the queue, up to 3 attempts.
 */
export async function runExportJob(ctx: AppContext, job: JobRun<{ exportId: string }>): Promise<void> {
  const claimed = await q.claimJob(ctx.db, job.data.exportId);
  if (!claimed) return; // Canceled or removed while queued.
  const retentionH = ctx.config.export.retentionH;
  const tmp = path.join(os.tmpdir(), `colorbook-export-${claimed.id}-${process.pid}.pdf`);
  let storedKey: string | undefined;
  try {
    const options = claimed.options as unknown as ExportOptions;
    const { book } = await exporter.prepareExport(ctx, claimed.user_id, claimed.project_id, options);
    const preflight = exporter.preflightOf(book);
    const warnings = [
      ...preflight.warnings,
      ...preflight.pages.flatMap((p) => p.warnings.map((w) => ({ ...w, pageNumber: p.pageNumber }))),
    ];
    const release = await ctx.renderSlots
      .acquire({ signal: job.signal, ignoreMaxWaiting: true })
      .catch((error: unknown) => {
        if (error instanceof SlotUnavailableError) throw new JobStopped('stopped while waiting for a slot');
        throw error;
      });
    try {
      await q.setProgress(ctx.db, claimed.id, 0, book.layout.pageCount);
      const out = fs.createWriteStream(tmp);
      // A write after a cancel's destroy reports an error here; writePdf's own checks say what went wrong.
      out.on('error', () => undefined);
      let lastWrite = 0;
      const onPage = async (done: number, total: number) => {
        if (job.signal.aborted) throw new JobStopped('the job was stopped');
        const now = Date.now();
        if (now - lastWrite < PROGRESS_EVERY_MS && done < total) return;
        lastWrite = now;
        // Never 1 before the file is stored: 1 means "done".
        const fraction = Math.min(0.99, done / total);
        if (!(await q.setProgress(ctx.db, claimed.id, fraction, book.layout.pageCount))) {
          throw new JobStopped('the job was canceled');
        }
      };
      await exporter.streamExport(ctx, claimed.user_id, book, out, onPage);
    } finally {
      release();
    }
    if (!(await q.isRunning(ctx.db, claimed.id))) throw new JobStopped('the job was canceled');
    const key = fileKey('exports', claimed.user_id, 'application/pdf');
    const stored = await ctx.store.put(key, { path: tmp }, { contentType: 'application/pdf' });
    storedKey = key;
    const done = await q.succeed(ctx.db, claimed.id, {
      fileKey: key,
      sizeBytes: stored.size,
      pageCount: book.layout.pageCount,
      warnings,
      retentionH,
    });
    if (!done) throw new JobStopped('the job was canceled');
    storedKey = undefined;
    await exporter.recordExport(ctx, claimed.user_id, book, preflight.warningCount);
  } catch (error) {
    if (storedKey) await ctx.store.delete(storedKey).catch(() => undefined);
    if (error instanceof JobStopped || error instanceof ClientGoneError) {
      if (job.signal.aborted && (await q.isRunning(ctx.db, claimed.id).catch(() => false))) {
        // The lease ended or the worker is stopping: let the queue run it again.
        throw new Error(`export stopped: ${errorCause(job.signal.reason)}`, { cause: error });
      }
      return; // Canceled: nothing to keep, nothing to retry.
    }
    if (error instanceof AppError && error.status < 500) {
      // The book cannot be printed as it is: trying again will not help.
      await q.fail(ctx.db, claimed.id, `${error.code}: ${error.message}`, true, retentionH);
      return;
    }
    await q
      .fail(ctx.db, claimed.id, `The export failed: ${errorCause(error)}`, job.lastAttempt, retentionH)
      .catch(() => undefined);
    throw error;
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** The dead-letter side: a job that used its every attempt (failures or dead workers) ends as failed. */
export async function exportJobDead(ctx: AppContext, job: JobRun<{ exportId: string }>): Promise<void> {
  const row = await q.findJobById(ctx.db, job.data.exportId);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
  const last = row.error ? ` The last attempt: ${row.error}` : ' Its worker stopped before it finished.';
  await q.fail(
    ctx.db,
    row.id,
    `The export failed ${row.attempts} times and was given up.${last}`,
    true,
    ctx.config.export.retentionH,
  );
}

/** Maintenance: expired export jobs' rows and files. */
export async function purgeExpiredExports(ctx: AppContext): Promise<number> {
  let removed = 0;
  for (;;) {
    const keys = await q.removeExpired(ctx.db, 500);
    for (const key of keys) await ctx.store.delete(key).catch(() => undefined);
    removed += keys.length;
    if (keys.length < 500) return removed;
  }
}

/** What the live stream sends for the jobs of these users that changed since it last looked. */
export async function recentExportJobs(ctx: AppContext, userIds: string[]): Promise<ExportJobRow[]> {
  return userIds.length === 0 ? [] : q.recentJobsOf(ctx.db, userIds);
}

/** The keys of the user's stored export files: the account's deletion removes them with the rows. */
export const exportFileKeysOfUser = (db: Database, userId: string) => q.fileKeysOfUser(db, userId);
