import type { AppContext } from '../../context';
import { unauthenticated } from '../../http/errors';
import { hashToken, newOpaqueToken } from '../../lib/tokens';
import * as q from './sync.tickets.queries';

/** How long a stream ticket may wait to be used. */
export const TICKET_TTL_S = 60;

/** Who a stream is for, and until when its credential holds. */
export interface StreamCaller {
  userId: string;
  sessionId: string;
  /** The access token's expiry (the token that asked for the ticket, for a ticket), ms since the epoch. */
  expiresAt: number;
}

const badTicket = () => unauthenticated('The stream ticket is unknown, used or expired: ask for a new one');

/**
 * Issues a single-use ticket for the caller's session, valid 60 s. Only its hash is stored; a stream opened
 * with it ends when `accessExpiresAt` (the asking access token's expiry) passes.
 */
export async function issueTicket(
  ctx: AppContext,
  caller: StreamCaller,
): Promise<{ ticket: string; expiresAt: string }> {
  const { token, hash } = newOpaqueToken();
  const expiresAt = await q.insertTicket(ctx.db, {
    hash,
    userId: caller.userId,
    sessionId: caller.sessionId,
    accessExpiresAt: new Date(caller.expiresAt),
    ttlSeconds: TICKET_TTL_S,
  });
  return { ticket: token, expiresAt: new Date(expiresAt).toISOString() };
}

/** Uses a ticket up; 401 UNAUTHENTICATED when it is unknown, used, expired, or its session is revoked. */
export async function redeemTicket(ctx: AppContext, ticket: string): Promise<StreamCaller> {
  const row = await q.takeTicket(ctx.db, hashToken(ticket));
  if (!row?.live || row.accessExpiresAt <= Date.now()) throw badTicket();
  return { userId: row.userId, sessionId: row.sessionId, expiresAt: row.accessExpiresAt };
}

export const purgeExpiredTickets = (ctx: AppContext) => q.deleteExpiredTickets(ctx.db);
