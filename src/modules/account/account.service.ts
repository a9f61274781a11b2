/**
 * Account management: password change and account deletion. A module above users, auth, images and drawings
 * (it revokes sessions and collects every stored file of the user), so none of them imports it.
 */
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { appError, unauthenticated } from '../../http/errors';
import { revokeAllSessionsExcept } from '../auth/auth.service';
import { archiveFileKeysOfUser } from '../archive/archive-jobs.service';
import { drawingFileKeysOfUser } from '../drawings/drawings.service';
import { exportFileKeysOfUser } from '../export/export-jobs.service';
import { imageFileKeysOfUser } from '../images/images.service';
import * as q from './account.queries';

const invalidPassword = () => appError('INVALID_PASSWORD', 'The password is wrong');
const accountGone = () => unauthenticated('The account for this token no longer exists');

/** Checks the caller's password (bcrypt, outside any transaction); 403 INVALID_PASSWORD when wrong. */
async function checkPassword(ctx: AppContext, userId: string, password: string): Promise<void> {
  const hash = await q.findPasswordHash(ctx.db, userId);
  if (hash === null) throw accountGone();
  if (!(await ctx.passwords.verify(password, hash))) throw invalidPassword();
}

/**
 * Changes the password and revokes every other session in one transaction: either both happen or
 * neither. The caller's own session (the one of the access token used) stays signed in.
 */
export async function changePassword(
  ctx: AppContext,
  userId: string,
  keepSessionId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  await checkPassword(ctx, userId, input.currentPassword);
  const hash = await ctx.passwords.hash(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    if ((await q.updatePasswordHash(tx, userId, hash)) === 0) throw accountGone();
    // The auth service's helper, run on this transaction's connection.
    await revokeAllSessionsExcept(tx, userId, keepSessionId);
  });
}

/**
 * The storage keys of every file the user owns (image originals and thumbnails, drawing PNGs, their
 * exports, archives and uploaded imports), read
 * inside the deletion's transaction after the user's row is locked, so no upload can add one meanwhile.
 */
export async function collectUserFileKeys(tx: Database, userId: string): Promise<string[]> {
  return [
    ...(await imageFileKeysOfUser(tx, userId)),
    ...(await drawingFileKeysOfUser(tx, userId)),
    ...(await exportFileKeysOfUser(tx, userId)),
    ...(await archiveFileKeysOfUser(tx, userId)),
  ];
}

/** Files deleted at once while an account goes. */
const FILE_DELETE_CONCURRENCY = 8;

/**
 * Deletes stored files once the rows that pointed to them are committed as gone. Best effort: a file
 * left behind here has no row, so the storage GC finds and removes it later. Returns how many are left.
 */
export async function deleteUserFiles(ctx: AppContext, keys: string[]): Promise<number> {
  let left = 0;
  for (let i = 0; i < keys.length; i += FILE_DELETE_CONCURRENCY) {
    const results = await Promise.allSettled(
      keys.slice(i, i + FILE_DELETE_CONCURRENCY).map((key) => ctx.store.delete(key)),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        left++;
        ctx.logger.warn('deleting a stored file failed', { error: (result.reason as Error)?.message });
      }
    }
  }
  return left;
}

/**
 * Deletes the account. Order: (1) check the password; (2) in one transaction lock the user's row, collect
 * the keys of their stored files and delete the user, every other row of theirs going with it through
 * ON DELETE CASCADE; (3) after the commit, delete the files. A failure before the commit changes nothing;
 * a failure after it leaves only files without rows, which the storage GC can always find, never a row
 * whose file is gone.
 */
export async function deleteAccount(ctx: AppContext, userId: string, password: string): Promise<void> {
  await checkPassword(ctx, userId, password);
  const fileKeys = await ctx.db.transaction(async (tx) => {
    if (!(await q.lockUser(tx, userId))) throw accountGone();
    const keys = await collectUserFileKeys(tx, userId);
    await q.deleteUser(tx, userId);
    return keys;
  });
  const left = await deleteUserFiles(ctx, fileKeys);
  if (left > 0) {
    ctx.logger.warn('account deleted; some stored files are left for the storage GC', { userId, left });
  }
}
