import type { Database } from '../../db/database';
import { pageWithTotal } from '../../db/database';

export type ExportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface ExportJobRow {
  id: string;
  user_id: string;
  project_id: string;
  options: Record<string, unknown>;
  status: ExportJobStatus;
  progress: number;
  page_count: number | null;
  warnings: Array<{ code: string; message: string; pageNumber?: number }>;
  error: string | null;
  file_key: string | null;
  size_bytes: string | null;
  attempts: number;
  revision: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  expires_at: Date | null;
}

const COLUMNS = `id, user_id, project_id, options, status, progress, page_count, warnings, error, file_key,
  size_bytes, attempts, revision, created_at, started_at, finished_at, updated_at, expires_at`;

/** Locks the user's row: starts of one user's jobs queue behind each other, so the cap holds under races. */
export async function lockUser(db: Database, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
  return rowCount > 0;
}

export async function countActive(db: Database, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM export_jobs WHERE user_id = $1 AND status IN ('queued', 'running')`,
    [userId],
  );
  return rows[0].n;
}

export async function insertJob(
  db: Database,
  job: { userId: string; projectId: string; options: Record<string, unknown> },
): Promise<ExportJobRow> {
  const { rows } = await db.query<ExportJobRow>(
    `INSERT INTO export_jobs (user_id, project_id, options) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
    [job.userId, job.projectId, JSON.stringify(job.options)],
  );
  return rows[0];
}

export async function findJob(db: Database, userId: string, id: string): Promise<ExportJobRow | undefined> {
  const { rows } = await db.query<ExportJobRow>(
    `SELECT ${COLUMNS} FROM export_jobs WHERE id = $1 AND user_id = $2`,
    [id, userId],
  );
  return rows[0];
}

export async function findJobById(db: Database, id: string): Promise<ExportJobRow | undefined> {
  const { rows } = await db.query<ExportJobRow>(`SELECT ${COLUMNS} FROM export_jobs WHERE id = $1`, [id]);
  return rows[0];
}

export async function listJobs(
  db: Database,
  userId: string,
  projectId: string | undefined,
  limit: number,
  offset: number,
): Promise<{ rows: ExportJobRow[]; total: number }> {
  const where = `user_id = $1 AND ($2::uuid IS NULL OR project_id = $2)`;
  return pageWithTotal<ExportJobRow>(
    db,
    `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM export_jobs WHERE ${where}
      ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
    [userId, projectId ?? null, limit, offset],
    `SELECT count(*)::int AS total FROM export_jobs WHERE ${where}`,
    [userId, projectId ?? null],
  );
}

/** Recent jobs of these users (the live stream compares their revisions with what it sent). */
export async function recentJobsOf(db: Database, userIds: string[]): Promise<ExportJobRow[]> {
  const { rows } = await db.query<ExportJobRow>(
    `SELECT ${COLUMNS} FROM export_jobs
      WHERE user_id = ANY($1::uuid[]) AND updated_at > now() - interval '10 minutes'`,
    [userIds],
  );
  return rows;
}

/** A worker takes the job: running, one more attempt. None when it was canceled or removed meanwhile. */
export async function claimJob(db: Database, id: string): Promise<ExportJobRow | undefined> {
  const { rows } = await db.query<ExportJobRow>(
    `UPDATE export_jobs
        SET status = 'running', attempts = attempts + 1, progress = 0, error = NULL,
            started_at = coalesce(started_at, now()), updated_at = now(), revision = revision + 1
      WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0];
}

/** Records progress; false when the job is no longer running (canceled): the render stops. */
export async function setProgress(
  db: Database,
  id: string,
  progress: number,
  pageCount: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs SET progress = $2, page_count = $3, updated_at = now(), revision = revision + 1
      WHERE id = $1 AND status = 'running'`,
    [id, progress, pageCount],
  );
  return rowCount > 0;
}

export async function isRunning(db: Database, id: string): Promise<boolean> {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM export_jobs WHERE id = $1', [id]);
  return rows[0]?.status === 'running';
}

export async function succeed(
  db: Database,
  id: string,
  result: {
    fileKey: string;
    sizeBytes: number;
    pageCount: number;
    warnings: ExportJobRow['warnings'];
    retentionH: number;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET status = 'succeeded', progress = 1, file_key = $2, size_bytes = $3, page_count = $4, warnings = $5,
            finished_at = now(), expires_at = now() + make_interval(hours => $6), updated_at = now(),
            revision = revision + 1
      WHERE id = $1 AND status = 'running'`,
    [
      id,
      result.fileKey,
      result.sizeBytes,
      result.pageCount,
      JSON.stringify(result.warnings),
      result.retentionH,
    ],
  );
  return rowCount > 0;
}

/**
 * The job ends as failed (`final`) or goes back to queued to be retried, with the message of this attempt.
 * Only a job still queued or running changes (never a canceled one).
 */
export async function fail(
  db: Database,
  id: string,
  message: string,
  final: boolean,
  retentionH: number,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET status = CASE WHEN $3 THEN 'failed' ELSE 'queued' END, error = $2,
            finished_at = CASE WHEN $3 THEN now() END,
            expires_at = CASE WHEN $3 THEN now() + make_interval(hours => $4) END,
            updated_at = now(), revision = revision + 1
      WHERE id = $1 AND status IN ('queued', 'running')`,
    [id, message, final, retentionH],
  );
  return rowCount > 0;
}

/** Cancels a queued or running job; answers whether it did. */
export async function cancel(db: Database, userId: string, id: string, retentionH: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET status = 'canceled', error = 'Canceled', finished_at = now(),
            expires_at = now() + make_interval(hours => $3), updated_at = now(), revision = revision + 1
      WHERE id = $1 AND user_id = $2 AND status IN ('queued', 'running')`,
    [id, userId, retentionH],
  );
  return rowCount > 0;
}

/** Removes a finished job's row; answers its file key (to delete) when it had one. */
export async function removeFinished(
  db: Database,
  userId: string,
  id: string,
): Promise<{ removed: boolean; fileKey: string | null }> {
  const { rows } = await db.query<{ file_key: string | null }>(
    `DELETE FROM export_jobs WHERE id = $1 AND user_id = $2 AND status IN ('succeeded', 'failed', 'canceled')
      RETURNING file_key`,
    [id, userId],
  );
  return { removed: rows.length > 0, fileKey: rows[0]?.file_key ?? null };
}

/** Expired finished jobs (at most `limit`): their rows go, and the caller deletes their files. */
export async function removeExpired(db: Database, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ file_key: string | null }>(
    `DELETE FROM export_jobs WHERE id IN (
       SELECT id FROM export_jobs
        WHERE expires_at <= now() AND status IN ('succeeded', 'failed', 'canceled')
        ORDER BY expires_at LIMIT $1)
     RETURNING file_key`,
    [limit],
  );
  return rows.flatMap((row) => (row.file_key ? [row.file_key] : []));
}

/** The stored files of the user's export jobs (read by the account's deletion, in its transaction). */
export async function fileKeysOfUser(db: Database, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ key: string }>(
    'SELECT file_key AS key FROM export_jobs WHERE user_id = $1 AND file_key IS NOT NULL',
    [userId],
  );
  return rows.map((row) => row.key);
}
