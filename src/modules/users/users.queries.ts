import type { Database } from '../../db/database';

export interface UserRow {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string | null;
  settings: Record<string, unknown>;
  role: 'user' | 'admin';
  plan: 'free' | 'pro' | 'enterprise';
  subscriptionStatus: string;
  storageUsedBytes: number;
  createdAt: Date;
  updatedAt: Date;
}

export const USER_COLUMNS = `id, email, email_verified AS "emailVerified", display_name AS "displayName", settings, role,
  plan, subscription_status AS "subscriptionStatus", storage_used_bytes AS "storageUsedBytes",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function findUserById(db: Database, id: string): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findCredentialsByEmail(
  db: Database,
  email: string,
): Promise<{ id: string; passwordHash: string } | null> {
  const { rows } = await db.query<{ id: string; passwordHash: string }>(
    'SELECT id, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)',
    [email],
  );
  return rows[0] ?? null;
}

export async function findPasswordHash(db: Database, id: string): Promise<string | null> {
  const { rows } = await db.query<{ passwordHash: string }>(
    'SELECT password_hash AS "passwordHash" FROM users WHERE id = $1',
    [id],
  );
  return rows[0]?.passwordHash ?? null;
}

/** Inserts a user; null when the email is taken (case-insensitively). */
export async function insertUser(
  db: Database,
  user: { email: string; passwordHash: string; displayName: string | null },
): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, $3)
     ON CONFLICT ((lower(email))) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [user.email, user.passwordHash, user.displayName],
  );
  return rows[0] ?? null;
}
