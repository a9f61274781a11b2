import type { Database } from '../../db/database';

// users.storage_used_bytes: changed by the files' writes (below) and by the stored-text triggers (0010).

export interface StorageUsage {
  usedBytes: number;
  plan: 'free' | 'pro' | 'enterprise';
}

export async function findStorageUsage(db: Database, userId: string): Promise<StorageUsage | null> {
  const { rows } = await db.query<StorageUsage>(
    'SELECT storage_used_bytes AS "usedBytes", plan FROM users WHERE id = $1',
    [userId],
  );
  return rows[0] ?? null;
}

/**
 * Locks the user's row for a change of their stored files, until the transaction ends. Every transaction
 * of the images and drawings modules that writes takes this lock first (project deletes too), so they
 * always lock in one order — user, project, child rows — and cannot deadlock one another.
 */
export async function lockUserStorage(db: Database, userId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
  return rows.length > 0;
}

/**
 * Adds `deltaBytes` (negative: releases) to the user's storage use in one statement. A growth that would
 * pass the limit of the user's plan matches no row and changes nothing (null): the check and the change
 * cannot be split by a concurrent upload. A release never goes below 0.
 */
export async function addStorageUsage(
  db: Database,
  userId: string,
  deltaBytes: number,
  limits: { free: number; pro: number; enterprise: number },
): Promise<number | null> {
  const { rows } = await db.query<{ usedBytes: number }>(
    `UPDATE users SET storage_used_bytes = greatest(storage_used_bytes + $2::bigint, 0)
      WHERE id = $1
        AND ($2::bigint <= 0 OR storage_used_bytes + $2::bigint <= CASE plan WHEN 'pro' THEN $4::bigint
                                                                              WHEN 'enterprise' THEN $5::bigint
                                                                              ELSE $3::bigint END)
      RETURNING storage_used_bytes AS "usedBytes"`,
    [userId, deltaBytes, limits.free, limits.pro, limits.enterprise],
  );
  return rows[0]?.usedBytes ?? null;
}

/** Locks the user's row (the lock every storage change takes first) and answers the use; null when gone. */
export async function lockUsage(db: Database, userId: string): Promise<number | null> {
  const { rows } = await db.query<{ used: string | number }>(
    'SELECT storage_used_bytes AS used FROM users WHERE id = $1 FOR NO KEY UPDATE',
    [userId],
  );
  return rows.length ? Number(rows[0].used) : null;
}

export async function usageNow(
  db: Database,
  userId: string,
): Promise<{ used: number; plan: StorageUsage['plan'] } | null> {
  const { rows } = await db.query<{ used: string | number; plan: StorageUsage['plan'] }>(
    'SELECT storage_used_bytes AS used, plan FROM users WHERE id = $1',
    [userId],
  );
  return rows.length ? { used: Number(rows[0].used), plan: rows[0].plan } : null;
}
