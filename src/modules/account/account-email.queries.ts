import type { Database } from '../../db/database';

export type MailTokenPurpose = 'password_reset' | 'email_verification';

export interface IssuedToken {
  userId: string;
  /** The address on file, where the link goes. */
  email: string;
}

/**
 * Gives the account with this email (case-insensitive), if there is one, a new live token of `purpose`,
 * replacing its older live one. One statement whether or not the account exists.
 */
export async function upsertTokenByEmail(
  db: Database,
  token: { email: string; purpose: MailTokenPurpose; hash: string; ttlSeconds: number },
): Promise<IssuedToken | null> {
  const { rows } = await db.query<IssuedToken>(
    `INSERT INTO mail_tokens (user_id, purpose, token_hash, email, expires_at)
     SELECT id, $2, $3, email, now() + make_interval(secs => $4)
       FROM users
      WHERE lower(email) = lower($1)
     ON CONFLICT (user_id, purpose) WHERE used_at IS NULL
     DO UPDATE SET token_hash = EXCLUDED.token_hash, email = EXCLUDED.email,
                   created_at = now(), expires_at = EXCLUDED.expires_at
     RETURNING user_id AS "userId", email`,
    [token.email, token.purpose, token.hash, token.ttlSeconds],
  );
  return rows[0] ?? null;
}

/** The same for a user by id, only while their address is not verified. */
export async function upsertVerificationTokenForUser(
  db: Database,
  token: { userId: string; hash: string; ttlSeconds: number },
): Promise<IssuedToken | null> {
  const { rows } = await db.query<IssuedToken>(
    `INSERT INTO mail_tokens (user_id, purpose, token_hash, email, expires_at)
     SELECT id, 'email_verification', $2, email, now() + make_interval(secs => $3)
       FROM users
      WHERE id = $1 AND NOT email_verified
     ON CONFLICT (user_id, purpose) WHERE used_at IS NULL
     DO UPDATE SET token_hash = EXCLUDED.token_hash, email = EXCLUDED.email,
                   created_at = now(), expires_at = EXCLUDED.expires_at
     RETURNING user_id AS "userId", email`,
    [token.userId, token.hash, token.ttlSeconds],
  );
  return rows[0] ?? null;
}

/**
 * Spends a live, unexpired token of `purpose` and answers its user, only while the user's address is
 * still the one the link was mailed to. The row lock makes a token good for exactly one request.
 */
export async function consumeToken(
  db: Database,
  hash: string,
  purpose: MailTokenPurpose,
): Promise<{ userId: string } | null> {
  const { rows } = await db.query<{ userId: string }>(
    `UPDATE mail_tokens t SET used_at = now()
       FROM users u
      WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()
        AND u.id = t.user_id AND lower(u.email) = lower(t.email)
      RETURNING t.user_id AS "userId"`,
    [hash, purpose],
  );
  return rows[0] ?? null;
}

/**
 * The live token with this hash (unspent, unexpired, the account still at the address it is for) and that
 * address; null otherwise.
 */
export async function findLiveToken(
  db: Database,
  hash: string,
  purpose: MailTokenPurpose,
): Promise<{ email: string } | null> {
  const { rows } = await db.query<{ email: string }>(
    `SELECT u.email
       FROM mail_tokens t JOIN users u ON u.id = t.user_id AND lower(u.email) = lower(t.email)
      WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now()`,
    [hash, purpose],
  );
  return rows[0] ?? null;
}

/** A completed reset also proves the address: the link reached it. */
export async function updatePasswordAfterReset(
  db: Database,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db.query(
    `UPDATE users SET password_hash = $2, email_verified = true, updated_at = now() WHERE id = $1`,
    [userId, passwordHash],
  );
}

export async function updateEmailVerified(db: Database, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET email_verified = true, updated_at = now() WHERE id = $1 AND NOT email_verified`,
    [userId],
  );
}

/** Tokens a day past their expiry go, spent or not. */
export async function deleteStaleTokens(db: Database): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM mail_tokens WHERE expires_at < now() - interval '1 day'`);
  return rowCount;
}
