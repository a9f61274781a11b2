import type { Database } from '../../db/database';
import { pageWithTotal } from '../../db/database';
import { JobRows, type JobRowBase, type JobRowStatus } from '../../jobs/job-rows';

export type ExportJobStatus = JobRowStatus;

export interface ExportJobRow extends JobRowBase {
  project_id: string;
  options: Record<string, unknown>;
  page_count: number | null;
  warnings: Array<{ code: string; message: string; pageNumber?: number }>;
  file_key: string | null;
  size_bytes: string | null;
  revision: number;
}

const COLUMNS = `id, user_id, project_id, options, status, progress, page_count, warnings, error, file_key,
  size_bytes, attempts, revision, created_at, started_at, finished_at, updated_at, expires_at`;

/**
 * The row's life shared with the other job tables (src/jobs/job-rows.ts). Every change bumps `revision`, which
 * the live stream compares with what it sent; each attempt renders anew, from progress 0.
 */
const jobRows = new JobRows<ExportJobRow>({
  table: 'export_jobs',
  columns: COLUMNS,
  fileColumn: 'file_key',
  revision: true,
  resetProgressOnClaim: true,
});

export const lockUser = (db: Database, userId: string) => jobRows.lockUser(db, userId);
export const countActive = (db: Database, userId: string) => jobRows.countActive(db, userId);
export const findJob = (db: Database, userId: string, id: string) => jobRows.find(db, userId, id);
export const findJobById = (db: Database, id: string) => jobRows.findById(db, id);
export const claimJob = (db: Database, id: string) => jobRows.claim(db, id);
export const isRunning = (db: Database, id: string) => jobRows.isRunning(db, id);
export const fail = (db: Database, id: string, message: string, final: boolean, retentionH: number) =>
  jobRows.fail(db, id, message, final, retentionH);
/** Cancels a queued or running job; answers whether it did. */
export const cancel = async (db: Database, userId: string, id: string, retentionH: number) =>
  (await jobRows.cancel(db, userId, id, retentionH)) !== undefined;
export const removeFinished = (db: Database, userId: string, id: string) =>
  jobRows.removeFinished(db, userId, id);
export const removeExpired = (db: Database, limit: number) => jobRows.removeExpired(db, limit);
/** The stored files of the user's export jobs (read by the account's deletion, in its transaction). */
export const fileKeysOfUser = (db: Database, userId: string) => jobRows.fileKeysOfUser(db, userId);

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
