import type { Database } from '../../db/database';

export interface TicketRow {
  userId: string;
  sessionId: string;
  /** When the access token that asked for the ticket expires (ms since the epoch). */
  accessExpiresAt: number;
  /** The ticket was still within its 60 s when it was used. */
  live: boolean;
}

export async function insertTicket(
  db: Database,
  ticket: { hash: string; userId: string; sessionId: string; accessExpiresAt: Date; ttlSeconds: number },
): Promise<Date> {
  const { rows } = await db.query<{ expiresAt: Date }>(
    `INSERT INTO sync_tickets (token_hash, user_id, session_id, access_expires_at, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
     RETURNING expires_at AS "expiresAt"`,
    [ticket.hash, ticket.userId, ticket.sessionId, ticket.accessExpiresAt, ticket.ttlSeconds],
  );
  return rows[0].expiresAt;
}

/**
 * Uses a ticket up: it is deleted whether it is still live or not, in one statement, so two requests
 * racing with one ticket cannot both get it. Null when no such ticket exists (unknown or used).
 */
export async function takeTicket(db: Database, hash: string): Promise<TicketRow | null> {
  const { rows } = await db.query<{
    userId: string;
    sessionId: string;
    accessExpiresAt: Date;
    live: boolean;
  }>(
    `DELETE FROM sync_tickets WHERE token_hash = $1
     RETURNING user_id AS "userId", session_id AS "sessionId", access_expires_at AS "accessExpiresAt",
               expires_at > now() AS live`,
    [hash],
  );
  const row = rows[0];
  return row ? { ...row, accessExpiresAt: new Date(row.accessExpiresAt).getTime() } : null;
}

export async function deleteExpiredTickets(db: Database): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sync_tickets WHERE expires_at < now()`);
  return rowCount;
}

/** Of these sessions, the ones that are not revoked (nor expired, nor gone). */
export async function liveSessions(db: Database, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
    [sessionIds],
  );
  return new Set(rows.map((row) => row.id));
}
