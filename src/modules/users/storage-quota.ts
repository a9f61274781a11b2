/**
 * The storage limit for stored text (story content, drawing data, project settings, template content).
 * The bytes themselves are counted by the database: each such row has a generated `text_bytes` column and
 * triggers move `users.storage_used_bytes` in the statement that writes the rows (migration 0010). What the
 * database cannot know is the plan's limit (configuration), so the writing transaction checks it here.
 * A module of its own: projects, stories, drawings and templates all use it, and the images module (which
 * imports projects) would make an import cycle.
 */
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { AppError, unauthenticated } from '../../http/errors';
import { storageLimitFor, type Plan } from './users.service';

export const storageQuotaExceeded = (detail: string, extra: Record<string, unknown> = {}) =>
  new AppError(403, 'STORAGE_QUOTA_EXCEEDED', detail, { extra });

const accountGone = () => unauthenticated('The account for this token no longer exists');

/** Locks the user's row (the lock every storage change takes first) and answers the use; null when gone. */
async function lockUsage(tx: Database, userId: string): Promise<number | null> {
  const { rows } = await tx.query<{ used: string | number }>(
    'SELECT storage_used_bytes AS used FROM users WHERE id = $1 FOR NO KEY UPDATE',
    [userId],
  );
  return rows.length ? Number(rows[0].used) : null;
}

async function usageNow(tx: Database, userId: string): Promise<{ used: number; plan: Plan } | null> {
  const { rows } = await tx.query<{ used: string | number; plan: Plan }>(
    'SELECT storage_used_bytes AS used, plan FROM users WHERE id = $1',
    [userId],
  );
  return rows.length ? { used: Number(rows[0].used), plan: rows[0].plan } : null;
}

/**
 * Runs `work` (writes of stored text, inside the caller's transaction) within the storage limit of
 * `ownerId`, the user whose storage the rows count against. The owner's row is locked first — the lock
 * order every storage change keeps (user, project, child rows), so these writes cannot deadlock with
 * uploads and deletes — which also makes "before" and "after" exact: no other write of that user's
 * storage runs in between. When the work grew the use and the use is now past the plan's limit →
 * 403 STORAGE_QUOTA_EXCEEDED, and the caller's transaction rolls back: nothing changes. A write that
 * shrinks or keeps the use always passes, even for a user already over the limit (after a downgrade).
 * 401 when the owner is the caller and their account is gone.
 */
export async function withinStorageLimit<T>(
  ctx: AppContext,
  tx: Database,
  ownerId: string,
  work: () => Promise<T>,
): Promise<T> {
  const before = await lockUsage(tx, ownerId);
  if (before === null) throw accountGone();
  const result = await work();
  const after = await usageNow(tx, ownerId);
  if (after === null) throw accountGone();
  const limit = storageLimitFor(ctx.config, after.plan);
  if (after.used > before && after.used > limit) {
    throw storageQuotaExceeded(
      `This needs ${after.used - before} more bytes of storage; ${before} of the ${limit} bytes of the ` +
        `${after.plan} plan are used`,
      { storageUsedBytes: before, storageLimitBytes: limit },
    );
  }
  return result;
}
