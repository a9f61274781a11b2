import type { Database } from '../db/database';

export type JobRowStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

/** The columns every job table has (export_jobs, archive_jobs, import_jobs). */
export interface JobRowBase {
  id: string;
  user_id: string;
  status: JobRowStatus;
  progress: number;
  error: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  expires_at: Date | null;
}

export interface JobTableSpec {
  /** A table with the columns of JobRowBase; its name is written into the SQL, never taken from input. */
  table: 'export_jobs' | 'archive_jobs' | 'import_jobs';
  /** What a row is read as (RETURNING and SELECT lists). */
  columns: string;
  /** The column holding the job's stored file: the result, or an import's upload. */
  fileColumn: string;
  /** Each change bumps `revision` (export_jobs: the live stream sends a job when its revision moved). */
  revision?: boolean;
  /** A new attempt starts at progress 0 (an export renders again); otherwise progress carries over. */
  resetProgressOnClaim?: boolean;
  /**
   * Canceling clears the file column and answers its old value for the caller to delete (an import's upload,
   * no longer needed); otherwise a cancel keeps the column (a job only records its result when it succeeds).
   */
  dropFileOnCancel?: boolean;
}

/**
 * The life of a job's row, the same for every kind of job: the API shows the row, and the pg-boss job only
 * carries its id to a worker (docs/jobs.md). A start locks the user's row (so per-user caps hold under races);
 * a worker claims the row (running, one more attempt) and fails or requeues it; the user cancels or removes
 * it; maintenance removes expired ones. What differs per kind (what a job records when it succeeds, an
 * export's page count, an import's done projects) stays in its module's queries.
 */
export class JobRows<Row extends JobRowBase> {
  private readonly bump: string;

  constructor(private readonly spec: JobTableSpec) {
    this.bump = spec.revision ? ', revision = revision + 1' : '';
  }

  /** Locks the user's row: starts of one user's jobs queue behind each other, so a cap holds under races. */
  async lockUser(db: Database, userId: string): Promise<boolean> {
    const { rowCount } = await db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
    return rowCount > 0;
  }

  async countActive(db: Database, userId: string): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.spec.table} WHERE user_id = $1 AND status IN ('queued', 'running')`,
      [userId],
    );
    return rows[0].n;
  }

  async find(db: Database, userId: string, id: string): Promise<Row | undefined> {
    const { rows } = await db.query<Row>(
      `SELECT ${this.spec.columns} FROM ${this.spec.table} WHERE id = $1 AND user_id = $2`,
      [id, userId],
    );
    return rows[0];
  }

  async findById(db: Database, id: string): Promise<Row | undefined> {
    const { rows } = await db.query<Row>(
      `SELECT ${this.spec.columns} FROM ${this.spec.table} WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  /** A worker takes the job: running, one more attempt. None when it was canceled or removed meanwhile. */
  async claim(db: Database, id: string): Promise<Row | undefined> {
    const progress = this.spec.resetProgressOnClaim ? ' progress = 0,' : '';
    const { rows } = await db.query<Row>(
      `UPDATE ${this.spec.table}
          SET status = 'running', attempts = attempts + 1,${progress} error = NULL,
              started_at = coalesce(started_at, now()), updated_at = now()${this.bump}
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING ${this.spec.columns}`,
      [id],
    );
    return rows[0];
  }

  async isRunning(db: Database, id: string): Promise<boolean> {
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM ${this.spec.table} WHERE id = $1`,
      [id],
    );
    return rows[0]?.status === 'running';
  }

  /**
   * The attempt failed: the job ends as failed (`final`) or goes back to queued to be retried, with the
   * message of this attempt. Only a job still queued or running changes (never a canceled one).
   */
  async fail(
    db: Database,
    id: string,
    message: string,
    final: boolean,
    retentionH: number,
  ): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE ${this.spec.table}
          SET status = CASE WHEN $3 THEN 'failed' ELSE 'queued' END, error = $2,
              finished_at = CASE WHEN $3 THEN now() END,
              expires_at = CASE WHEN $3 THEN now() + make_interval(hours => $4) END,
              updated_at = now()${this.bump}
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, message, final, retentionH],
    );
    return rowCount > 0;
  }

  /**
   * Cancels a queued or running job of the user's. Undefined when there was no such job to cancel; else the
   * file to delete in `fileKey` (an import's upload, with `dropFileOnCancel`), or null.
   */
  async cancel(
    db: Database,
    userId: string,
    id: string,
    retentionH: number,
  ): Promise<{ fileKey: string | null } | undefined> {
    const { table, fileColumn } = this.spec;
    if (!this.spec.dropFileOnCancel) {
      const { rowCount } = await db.query(
        `UPDATE ${table}
            SET status = 'canceled', error = 'Canceled', finished_at = now(),
                expires_at = now() + make_interval(hours => $3), updated_at = now()${this.bump}
          WHERE id = $1 AND user_id = $2 AND status IN ('queued', 'running')`,
        [id, userId, retentionH],
      );
      return rowCount > 0 ? { fileKey: null } : undefined;
    }
    const { rows } = await db.query<{ key: string | null }>(
      `UPDATE ${table} j
          SET status = 'canceled', error = 'Canceled', finished_at = now(),
              expires_at = now() + make_interval(hours => $3), updated_at = now(),
              ${fileColumn} = NULL${this.bump}
         FROM (SELECT ${fileColumn} AS key FROM ${table} WHERE id = $1 FOR UPDATE) old
        WHERE j.id = $1 AND j.user_id = $2 AND j.status IN ('queued', 'running')
        RETURNING old.key`,
      [id, userId, retentionH],
    );
    return rows[0] ? { fileKey: rows[0].key } : undefined;
  }

  /** Removes a finished job's row; answers its file key (to delete) when it had one. */
  async removeFinished(
    db: Database,
    userId: string,
    id: string,
  ): Promise<{ removed: boolean; fileKey: string | null }> {
    const { rows } = await db.query<{ key: string | null }>(
      `DELETE FROM ${this.spec.table}
        WHERE id = $1 AND user_id = $2 AND status IN ('succeeded', 'failed', 'canceled')
        RETURNING ${this.spec.fileColumn} AS key`,
      [id, userId],
    );
    return { removed: rows.length > 0, fileKey: rows[0]?.key ?? null };
  }

  /** Expired finished jobs (at most `limit`): their rows go, and the caller deletes their files. */
  async removeExpired(db: Database, limit: number): Promise<string[]> {
    const { table, fileColumn } = this.spec;
    const { rows } = await db.query<{ key: string | null }>(
      `DELETE FROM ${table} WHERE id IN (
         SELECT id FROM ${table}
          WHERE expires_at <= now() AND status IN ('succeeded', 'failed', 'canceled')
          ORDER BY expires_at LIMIT $1)
       RETURNING ${fileColumn} AS key`,
      [limit],
    );
    return rows.flatMap((row) => (row.key ? [row.key] : []));
  }

  /** The user's jobs' stored files (read by the account's deletion, in its transaction). */
  async fileKeysOfUser(db: Database, userId: string): Promise<string[]> {
    const { table, fileColumn } = this.spec;
    const { rows } = await db.query<{ key: string }>(
      `SELECT ${fileColumn} AS key FROM ${table} WHERE user_id = $1 AND ${fileColumn} IS NOT NULL`,
      [userId],
    );
    return rows.map((row) => row.key);
  }
}
