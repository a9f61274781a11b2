import { pageWithTotal, type Database } from '../../db/database';

export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export async function insertSession(
  db: Database,
  session: { userId: string; userAgent: string | null; ip: string | null; ttlSeconds: number },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO sessions (user_id, user_agent, ip, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
    [session.userId, session.userAgent, session.ip, session.ttlSeconds],
  );
  return rows[0].id;
}

export async function insertRefreshToken(
  db: Database,
  token: { sessionId: string; parentId: string | null; hash: string; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_tokens (session_id, parent_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [token.sessionId, token.parentId, token.hash, token.ttlSeconds],
  );
}

export interface RefreshTokenState {
  id: string;
  sessionId: string;
  userId: string;
  /** The token is past its expiry, or its session is revoked or expired. */
  dead: boolean;
  /** Seconds since this token was rotated; null while it is the live one. */
  rotatedAgoS: number | null;
  /** Whether a token made from this one has itself been rotated (then this is not the newest's parent). */
  childRotated: boolean;
}

/** Looks a refresh token up by hash and locks its row, so concurrent refreshes of one token queue. */
export async function findRefreshTokenForUpdate(
  db: Database,
  hash: string,
): Promise<RefreshTokenState | null> {
  const { rows } = await db.query<RefreshTokenState>(
    `SELECT rt.id, rt.session_id AS "sessionId", s.user_id AS "userId",
            (rt.expires_at <= now() OR s.revoked_at IS NOT NULL OR s.expires_at <= now()) AS dead,
            extract(epoch FROM now() - rt.rotated_at)::float8 AS "rotatedAgoS",
            EXISTS (SELECT 1 FROM refresh_tokens c WHERE c.parent_id = rt.id AND c.rotated_at IS NOT NULL) AS "childRotated"
       FROM refresh_tokens rt
       JOIN sessions s ON s.id = rt.session_id
      WHERE rt.token_hash = $1
        FOR UPDATE OF rt`,
    [hash],
  );
  return rows[0] ?? null;
}

export async function markRotated(db: Database, tokenId: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1 AND rotated_at IS NULL', [
    tokenId,
  ]);
}

export async function touchSession(db: Database, sessionId: string, ttlSeconds: number): Promise<void> {
  await db.query(
    `UPDATE sessions SET last_used_at = now(), expires_at = now() + make_interval(secs => $2) WHERE id = $1`,
    [sessionId, ttlSeconds],
  );
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
}

/** Revokes the session a refresh token belongs to, only when it is the user's own. */
export async function revokeSessionByTokenHash(db: Database, userId: string, hash: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = now()
      WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $2)
        AND user_id = $1 AND revoked_at IS NULL`,
    [userId, hash],
  );
  return rowCount;
}

export async function revokeUserSession(db: Database, userId: string, sessionId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = now()
      WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [userId, sessionId],
  );
  return rowCount;
}

/** Revokes every live session of a user, optionally keeping one (the caller's on password change). */
export async function revokeAllSessions(
  db: Database,
  userId: string,
  exceptSessionId?: string,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE sessions SET revoked_at = now()
      WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
    [userId, exceptSessionId ?? null],
  );
  return rowCount;
}

export async function findLiveSessions(
  db: Database,
  userId: string,
  limit: number,
  offset: number,
): Promise<{ rows: SessionRow[]; total: number }> {
  return pageWithTotal<SessionRow>(
    db,
    `SELECT id, created_at AS "createdAt", last_used_at AS "lastUsedAt", user_agent AS "userAgent", ip,
            count(*) OVER ()::int AS total
       FROM sessions
      WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
      ORDER BY created_at DESC, id
      LIMIT $2 OFFSET $3`,
    [userId, limit, offset],
    `SELECT count(*)::int AS total FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [userId],
  );
}

/** Sessions that ended over a week ago go, with their tokens (cascade). */
export async function deleteEndedSessions(db: Database): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM sessions
      WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`,
  );
  return rowCount;
}
