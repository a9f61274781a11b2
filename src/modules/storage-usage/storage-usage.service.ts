/**
 * Storage accounting, in one place: `users.storage_used_bytes` against the plan's limit. Two paths write it:
 * stored files (images, drawing PNGs) change it explicitly with `lockStorage` and `changeStorageUsage`;
 * stored text (story content, drawing data, project settings, template content) is counted by the
 * database's triggers (migration 0010) and checked with `withinStorageLimit`. One owner, below projects
 * and its children: projects, stories, images, drawings and templates all use it, and it needs only the
 * users module (the plans' limits). Its file half used to live in images (so drawings imported images for
 * it) and its text half in users.
 */
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { AppError, appError, unauthenticated } from '../../http/errors';
import { storageLimitFor } from '../users/users.service';
import * as q from './storage-usage.queries';

const accountGone = () => unauthenticated('The account for this token no longer exists');

export const storageQuotaExceeded = (detail: string, extra: Record<string, unknown> = {}) =>
  appError('STORAGE_QUOTA_EXCEEDED', detail, { extra });

function planLimits(ctx: AppContext) {
  return {
    free: storageLimitFor(ctx.config, 'free'),
    pro: storageLimitFor(ctx.config, 'pro'),
    enterprise: storageLimitFor(ctx.config, 'enterprise'),
  };
}

async function quotaError(ctx: AppContext, db: Database, userId: string, bytes: number): Promise<AppError> {
  const usage = await q.findStorageUsage(db, userId);
  if (!usage) return accountGone();
  const limit = storageLimitFor(ctx.config, usage.plan);
  return storageQuotaExceeded(
    `This needs ${bytes} more bytes of storage; ${usage.usedBytes} of the ${limit} bytes of the ` +
      `${usage.plan} plan are used`,
    { storageUsedBytes: usage.usedBytes, storageLimitBytes: limit },
  );
}

/**
 * A cheap check before anything is stored: 403 STORAGE_QUOTA_EXCEEDED when `bytes` more would pass the
 * plan's limit now. Not a guarantee (uploads run concurrently): `changeStorageUsage` in the recording
 * transaction is.
 */
export async function assertStorageAvailable(ctx: AppContext, userId: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  const usage = await q.findStorageUsage(ctx.db, userId);
  if (!usage) throw accountGone();
  if (usage.usedBytes + bytes > storageLimitFor(ctx.config, usage.plan)) {
    throw await quotaError(ctx, ctx.db, userId, bytes);
  }
}

/**
 * Locks the user's row for a change of stored files; every writing transaction of images and drawings
 * starts with it (one lock order: user, project, child rows). 401 when the account is gone.
 */
export async function lockStorage(tx: Database, userId: string): Promise<void> {
  if (!(await q.lockUserStorage(tx, userId))) throw accountGone();
}

/**
 * Changes the user's storage use by `deltaBytes` inside the caller's transaction (the rows and the use
 * change together). Growth past the plan's limit → 403 STORAGE_QUOTA_EXCEEDED and nothing changes; the
 * caller's transaction then rolls back and it removes the files it stored.
 */
export async function changeStorageUsage(
  ctx: AppContext,
  tx: Database,
  userId: string,
  deltaBytes: number,
): Promise<void> {
  if (deltaBytes === 0) return;
  if ((await q.addStorageUsage(tx, userId, deltaBytes, planLimits(ctx))) === null) {
    throw await quotaError(ctx, tx, userId, deltaBytes);
  }
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
  const before = await q.lockUsage(tx, ownerId);
  if (before === null) throw accountGone();
  const result = await work();
  const after = await q.usageNow(tx, ownerId);
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
