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

/** Sets the given profile fields (undefined leaves one as it is); null when the user is gone. */
export async function updateUserProfile(
  db: Database,
  id: string,
  changes: { displayName?: string | null; settings?: Record<string, unknown> },
): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE users
        SET display_name = CASE WHEN $2::boolean THEN $3::text ELSE display_name END,
            settings = coalesce($4::jsonb, settings),
            updated_at = now()
      WHERE id = $1
      RETURNING ${USER_COLUMNS}`,
    [
      id,
      changes.displayName !== undefined,
      changes.displayName ?? null,
      changes.settings === undefined ? null : JSON.stringify(changes.settings),
    ],
  );
  return rows[0] ?? null;
}

/** Sets the role of the account with this email (case-insensitive); null when there is none. */
export async function updateRoleByEmail(
  db: Database,
  email: string,
  role: UserRow['role'],
): Promise<UserRow | null> {
  const { rows } = await db.query<UserRow>(
    `UPDATE users SET role = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING ${USER_COLUMNS}`,
    [email.trim(), role],
  );
  return rows[0] ?? null;
}
