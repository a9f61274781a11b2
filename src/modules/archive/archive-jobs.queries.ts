import type { Database } from '../../db/database';
import { pageWithTotal } from '../../db/database';
import { JobRows, type JobRowBase, type JobRowStatus } from '../../jobs/job-rows';

export type JobStatus = JobRowStatus;
export type JobTable = 'archive_jobs' | 'import_jobs';

export interface ArchiveJobRow extends JobRowBase {
  file_key: string | null;
  size_bytes: string | null;
  sha256: string | null;
  counts: Record<string, number> | null;
}

export interface ImportJobRow extends JobRowBase {
  projects_imported: number;
  done_project_ids: string[];
  upload_key: string | null;
  upload_bytes: string;
  upload_sha256: string;
}

const COMMON = `id, user_id, status, progress, error, attempts, created_at, started_at, finished_at, updated_at,
  expires_at`;
const COLUMNS: Record<JobTable, string> = {
  archive_jobs: `${COMMON}, file_key, size_bytes, sha256, counts`,
  import_jobs: `${COMMON}, projects_imported, done_project_ids, upload_key, upload_bytes, upload_sha256`,
};

type RowOf<T extends JobTable> = T extends 'archive_jobs' ? ArchiveJobRow : ImportJobRow;

/**
 * The rows' life shared with export_jobs (src/jobs/job-rows.ts). A retried attempt keeps its progress (an
 * import skips the projects it has done). An archive records its ZIP only when it succeeds; an import's
 * upload is dropped when it is canceled (the caller deletes the file).
 */
const TABLES = {
  archive_jobs: new JobRows<ArchiveJobRow>({
    table: 'archive_jobs',
    columns: COLUMNS.archive_jobs,
    fileColumn: 'file_key',
  }),
  import_jobs: new JobRows<ImportJobRow>({
    table: 'import_jobs',
    columns: COLUMNS.import_jobs,
    fileColumn: 'upload_key',
    dropFileOnCancel: true,
  }),
};
const tableOf = <T extends JobTable>(table: T) => TABLES[table] as unknown as JobRows<RowOf<T>>;

export const lockUser = (db: Database, userId: string) => TABLES.archive_jobs.lockUser(db, userId);
export const countActive = (db: Database, table: JobTable, userId: string) =>
  tableOf(table).countActive(db, userId);
export const findJob = <T extends JobTable>(db: Database, table: T, userId: string, id: string) =>
  tableOf(table).find(db, userId, id);
export const findJobById = <T extends JobTable>(db: Database, table: T, id: string) =>
  tableOf(table).findById(db, id);
/** A worker takes the job: running, one more attempt. None when it was canceled or removed meanwhile. */
export const claimJob = <T extends JobTable>(db: Database, table: T, id: string) =>
  tableOf(table).claim(db, id);
export const isRunning = (db: Database, table: JobTable, id: string) => tableOf(table).isRunning(db, id);
/** An archive attempt failed: failed for good (`final`) or back to queued, with this attempt's message. */
export const failArchive = (db: Database, id: string, message: string, final: boolean, retentionH: number) =>
  TABLES.archive_jobs.fail(db, id, message, final, retentionH);
/** An import attempt failed and will be retried: back to queued, with this attempt's message. */
export const requeueImport = (db: Database, id: string, message: string) =>
  TABLES.import_jobs.fail(db, id, message, false, 0);
/**
 * Cancels a queued or running job; answers the stored file to delete in `fileKey` (an import's upload), or
 * undefined when there was no such job to cancel.
 */
export const cancel = (db: Database, table: JobTable, userId: string, id: string, retentionH: number) =>
  tableOf(table).cancel(db, userId, id, retentionH);
/** Removes a finished job's row; answers its file key (to delete) when it had one. */
export const removeFinished = (db: Database, table: JobTable, userId: string, id: string) =>
  tableOf(table).removeFinished(db, userId, id);
/** Expired finished jobs (at most `limit`): their rows go, and the caller deletes their files. */
export const removeExpired = (db: Database, table: JobTable, limit: number) =>
  tableOf(table).removeExpired(db, limit);

/** The stored files of the user's archive and import jobs (read by the account's deletion, in its transaction). */
export async function fileKeysOfUser(db: Database, userId: string): Promise<string[]> {
  return [
    ...(await TABLES.archive_jobs.fileKeysOfUser(db, userId)),
    ...(await TABLES.import_jobs.fileKeysOfUser(db, userId)),
  ];
}

export async function insertArchiveJob(db: Database, userId: string): Promise<ArchiveJobRow> {
  const { rows } = await db.query<ArchiveJobRow>(
    `INSERT INTO archive_jobs (user_id) VALUES ($1) RETURNING ${COLUMNS.archive_jobs}`,
    [userId],
  );
  return rows[0];
}

export async function insertImportJob(
  db: Database,
  job: { userId: string; uploadKey: string; uploadBytes: number; uploadSha256: string },
): Promise<ImportJobRow> {
  const { rows } = await db.query<ImportJobRow>(
    `INSERT INTO import_jobs (user_id, upload_key, upload_bytes, upload_sha256) VALUES ($1, $2, $3, $4)
     RETURNING ${COLUMNS.import_jobs}`,
    [job.userId, job.uploadKey, job.uploadBytes, job.uploadSha256],
  );
  return rows[0];
}

export async function listJobs<T extends JobTable>(
  db: Database,
  table: T,
  userId: string,
  limit: number,
  offset: number,
): Promise<{ rows: RowOf<T>[]; total: number }> {
  return pageWithTotal<RowOf<T>>(
    db,
    `SELECT ${COLUMNS[table]}, count(*) OVER ()::int AS total FROM ${table} WHERE user_id = $1
      ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [userId, limit, offset],
    `SELECT count(*)::int AS total FROM ${table} WHERE user_id = $1`,
    [userId],
  );
}

/** Records progress; false when the job is no longer running (canceled): the work stops. */
export async function setProgress(
  db: Database,
  table: JobTable,
  id: string,
  progress: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${table} SET progress = greatest(progress, $2), updated_at = now() WHERE id = $1 AND status = 'running'`,
    [id, progress],
  );
  return rowCount > 0;
}

export async function succeedArchive(
  db: Database,
  id: string,
  result: { fileKey: string; sizeBytes: number; sha256: string; counts: object; retentionH: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE archive_jobs
        SET status = 'succeeded', progress = 1, file_key = $2, size_bytes = $3, sha256 = $4, counts = $5,
            finished_at = now(), expires_at = now() + make_interval(hours => $6), updated_at = now()
      WHERE id = $1 AND status = 'running'`,
    [id, result.fileKey, result.sizeBytes, result.sha256, JSON.stringify(result.counts), result.retentionH],
  );
  return rowCount > 0;
}

/**
 * Inside an imported project's transaction: the archived id is recorded as done and counted, so the job's
 * row and the project commit together.
 */
export async function recordImportedProject(db: Database, id: string, archivedId: string): Promise<void> {
  await db.query(
    `UPDATE import_jobs
        SET done_project_ids = done_project_ids || to_jsonb($2::text), projects_imported = projects_imported + 1,
            updated_at = now()
      WHERE id = $1`,
    [id, archivedId],
  );
}

/**
 * An import ends: succeeded, or failed with its message. The uploaded ZIP's key is cleared (the caller
 * deletes the file); answers that key, or undefined when the job was no longer running.
 */
export async function finishImport(
  db: Database,
  id: string,
  result: { status: 'succeeded' | 'failed'; error: string | null; retentionH: number },
): Promise<{ uploadKey: string | null } | undefined> {
  const { rows } = await db.query<{ upload_key: string | null }>(
    `UPDATE import_jobs i
        SET status = $2, progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE i.progress END, error = $3,
            upload_key = NULL, finished_at = now(), expires_at = now() + make_interval(hours => $4),
            updated_at = now()
       FROM (SELECT upload_key FROM import_jobs WHERE id = $1 FOR UPDATE) old
      WHERE i.id = $1 AND i.status IN ('queued', 'running')
      RETURNING old.upload_key`,
    [id, result.status, result.error, result.retentionH],
  );
  return rows[0] ? { uploadKey: rows[0].upload_key } : undefined;
}
