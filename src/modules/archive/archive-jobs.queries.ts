import type { Database } from '../../db/database';
import { pageWithTotal } from '../../db/database';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type JobTable = 'archive_jobs' | 'import_jobs';

interface CommonRow {
  id: string;
  user_id: string;
  status: JobStatus;
  progress: number;
  error: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  expires_at: Date | null;
}

export interface ArchiveJobRow extends CommonRow {
  file_key: string | null;
  size_bytes: string | null;
  sha256: string | null;
  counts: Record<string, number> | null;
}

export interface ImportJobRow extends CommonRow {
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
/** The column holding the job's stored file (the archive, or the uploaded ZIP). */
const FILE_COLUMN: Record<JobTable, string> = { archive_jobs: 'file_key', import_jobs: 'upload_key' };

type RowOf<T extends JobTable> = T extends 'archive_jobs' ? ArchiveJobRow : ImportJobRow;

/** Locks the user's row: starts of one user's jobs queue behind each other, so the cap holds under races. */
export async function lockUser(db: Database, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
  return rowCount > 0;
}

export async function countActive(db: Database, table: JobTable, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1 AND status IN ('queued', 'running')`,
    [userId],
  );
  return rows[0].n;
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

export async function findJob<T extends JobTable>(
  db: Database,
  table: T,
  userId: string,
  id: string,
): Promise<RowOf<T> | undefined> {
  const { rows } = await db.query<RowOf<T>>(
    `SELECT ${COLUMNS[table]} FROM ${table} WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return rows[0];
}

export async function findJobById<T extends JobTable>(
  db: Database,
  table: T,
  id: string,
): Promise<RowOf<T> | undefined> {
  const { rows } = await db.query<RowOf<T>>(`SELECT ${COLUMNS[table]} FROM ${table} WHERE id = $1`, [id]);
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

/** A worker takes the job: running, one more attempt. None when it was canceled or removed meanwhile. */
export async function claimJob<T extends JobTable>(
  db: Database,
  table: T,
  id: string,
): Promise<RowOf<T> | undefined> {
  const { rows } = await db.query<RowOf<T>>(
    `UPDATE ${table}
        SET status = 'running', attempts = attempts + 1, error = NULL,
            started_at = coalesce(started_at, now()), updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING ${COLUMNS[table]}`,
    [id],
  );
  return rows[0];
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

export async function isRunning(db: Database, table: JobTable, id: string): Promise<boolean> {
  const { rows } = await db.query<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [id]);
  return rows[0]?.status === 'running';
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

/**
 * The attempt failed: the job ends as failed (`final`) or goes back to queued to be retried, with the
 * message of this attempt. Only a job still queued or running changes (never a canceled one).
 */
export async function failArchive(
  db: Database,
  id: string,
  message: string,
  final: boolean,
  retentionH: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE archive_jobs
        SET status = CASE WHEN $3 THEN 'failed' ELSE 'queued' END, error = $2,
            finished_at = CASE WHEN $3 THEN now() END,
            expires_at = CASE WHEN $3 THEN now() + make_interval(hours => $4) END, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, message, final, retentionH],
  );
  return rowCount > 0;
}

/** An import attempt failed and will be retried: back to queued, with this attempt's message. */
export async function requeueImport(db: Database, id: string, message: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE import_jobs SET status = 'queued', error = $2, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, message],
  );
  return rowCount > 0;
}

/**
 * Cancels a queued or running job; answers its stored file's key (an import's upload, to delete) in
 * `fileKey`, or undefined when there was no such job to cancel. An archive keeps nothing: its ZIP is only
 * recorded when it succeeds.
 */
export async function cancel(
  db: Database,
  table: JobTable,
  userId: string,
  id: string,
  retentionH: number,
): Promise<{ fileKey: string | null } | undefined> {
  // An import's upload is no longer needed once it is canceled: its key is cleared here and its file deleted.
  const clearUpload = table === 'import_jobs' ? ', upload_key = NULL' : '';
  const { rows } = await db.query<{ key: string | null }>(
    `UPDATE ${table} j
        SET status = 'canceled', error = 'Canceled', finished_at = now(),
            expires_at = now() + make_interval(hours => $3), updated_at = now()${clearUpload}
       FROM (SELECT ${FILE_COLUMN[table]} AS key FROM ${table} WHERE id = $1 FOR UPDATE) old
      WHERE j.id = $1 AND j.user_id = $2 AND j.status IN ('queued', 'running')
      RETURNING old.key`,
    [id, userId, retentionH],
  );
  return rows[0] ? { fileKey: table === 'import_jobs' ? rows[0].key : null } : undefined;
}

/** Removes a finished job's row; answers its file key (to delete) when it had one. */
export async function removeFinished(
  db: Database,
  table: JobTable,
  userId: string,
  id: string,
): Promise<{ removed: boolean; fileKey: string | null }> {
  const { rows } = await db.query<{ key: string | null }>(
    `DELETE FROM ${table} WHERE id = $1 AND user_id = $2 AND status IN ('succeeded', 'failed', 'canceled')
      RETURNING ${FILE_COLUMN[table]} AS key`,
    [id, userId],
  );
  return { removed: rows.length > 0, fileKey: rows[0]?.key ?? null };
}

/** Expired finished jobs (at most `limit`): their rows go, and the caller deletes their files. */
export async function removeExpired(db: Database, table: JobTable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ key: string | null }>(
    `DELETE FROM ${table} WHERE id IN (
       SELECT id FROM ${table}
        WHERE expires_at <= now() AND status IN ('succeeded', 'failed', 'canceled')
        ORDER BY expires_at LIMIT $1)
     RETURNING ${FILE_COLUMN[table]} AS key`,
    [limit],
  );
  return rows.flatMap((row) => (row.key ? [row.key] : []));
}

/** The stored files of the user's archive and import jobs (read by the account's deletion, in its transaction). */
export async function fileKeysOfUser(db: Database, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT file_key AS key FROM archive_jobs WHERE user_id = $1 AND file_key IS NOT NULL
     UNION ALL
     SELECT upload_key FROM import_jobs WHERE user_id = $1 AND upload_key IS NOT NULL`,
    [userId],
  );
  return rows.map((row) => row.key);
}
