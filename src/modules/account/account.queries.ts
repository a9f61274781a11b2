/** The users table as account management needs it: the password hash, and the row to lock and delete. */
import type { Database } from '../../db/database';

export async function findPasswordHash(db: Database, id: string): Promise<string | null> {
  const { rows } = await db.query<{ passwordHash: string }>(
    'SELECT password_hash AS "passwordHash" FROM users WHERE id = $1',
    [id],
  );
  return rows[0]?.passwordHash ?? null;
}

export async function updatePasswordHash(db: Database, id: string, passwordHash: string): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1',
    [id, passwordHash],
  );
  return rowCount;
}

/**
 * Locks the user's row until the transaction ends. Inserting a row that references the user takes a
 * KEY SHARE lock on it, which this blocks: no new child row (and no new file) appears meanwhile.
 */
export async function lockUser(db: Database, id: string): Promise<boolean> {
  const { rows } = await db.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [id]);
  return rows.length > 0;
}

/** Deletes the user; every row that belongs to them goes with it through ON DELETE CASCADE. */
export async function deleteUser(db: Database, id: string): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM users WHERE id = $1', [id]);
  return rowCount;
}
