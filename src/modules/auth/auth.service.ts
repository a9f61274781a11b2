import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { appError, unauthenticated } from '../../http/errors';
import { hashToken, newOpaqueToken } from '../../lib/tokens';
import { recordEvent } from '../analytics/analytics.service';
import * as users from '../users/users.service';
import type { User } from '../users/users.service';
import * as q from './auth.queries';

export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface SessionView extends q.SessionRow {
  current: boolean;
}

const invalidCredentials = () => appError('INVALID_CREDENTIALS', 'Email or password is wrong');
const badRefreshToken = () => unauthenticated('The refresh token is invalid, expired or revoked');

function pair(ctx: AppContext, user: User, sessionId: string, refreshToken: string): AuthResult {
  return {
    user,
    accessToken: ctx.tokens.sign({ userId: user.id, sessionId }),
    refreshToken,
    tokenType: 'Bearer',
    expiresIn: ctx.tokens.ttlSeconds,
  };
}

/** Opens a session with its first refresh token (inside the caller's transaction). */
async function openSession(ctx: AppContext, tx: Database, userId: string, client: ClientInfo) {
  const ttl = ctx.config.auth.refreshTokenTtlS;
  const sessionId = await q.insertSession(tx, {
    userId,
    userAgent: client.userAgent,
    ip: client.ip,
    ttlSeconds: ttl,
  });
  const refresh = newOpaqueToken();
  await q.insertRefreshToken(tx, { sessionId, parentId: null, hash: refresh.hash, ttlSeconds: ttl });
  return { sessionId, refreshToken: refresh.token };
}

export async function register(
  ctx: AppContext,
  input: { email: string; password: string; displayName?: string },
  client: ClientInfo,
  /** More work in the same transaction once the user exists (the verification mail). */
  inTransaction?: (tx: Database, userId: string) => Promise<void>,
): Promise<AuthResult> {
  const passwordHash = await ctx.passwords.hash(input.password);
  return ctx.db.transaction(async (tx) => {
    const row = await users.insertUser(tx, {
      email: input.email,
      passwordHash,
      displayName: input.displayName ?? null,
    });
    if (!row) throw appError('EMAIL_TAKEN', 'An account with this email already exists');
    const session = await openSession(ctx, tx, row.id, client);
    await recordEvent(tx, { userId: row.id, type: 'user.registered' });
    await inTransaction?.(tx, row.id);
    return pair(ctx, users.toUser(ctx.config, row), session.sessionId, session.refreshToken);
  });
}

export async function login(
  ctx: AppContext,
  input: { email: string; password: string },
  client: ClientInfo,
): Promise<AuthResult> {
  const credentials = await users.findCredentialsByEmail(ctx.db, input.email);
  // Runs bcrypt even for an unknown email (against a dummy hash): both failures take the same time.
  const ok = await ctx.passwords.verify(input.password, credentials?.passwordHash);
  if (!ok || !credentials) throw invalidCredentials();
  return ctx.db.transaction(async (tx) => {
    const user = await users.findUser(tx, ctx.config, credentials.id);
    if (!user) throw invalidCredentials();
    const session = await openSession(ctx, tx, user.id, client);
    await recordEvent(tx, { userId: user.id, type: 'user.login' });
    return pair(ctx, user, session.sessionId, session.refreshToken);
  });
}

/**
 * Rotates a refresh token. The live token is marked rotated and a child issued. A rotated token presented
 * again is reuse: its session is revoked — except within REFRESH_REUSE_GRACE_S of its rotation while its
 * child is still the newest token, where racing tabs each get a fresh pair and nothing is revoked.
 */
export async function refresh(ctx: AppContext, refreshToken: string): Promise<AuthResult> {
  const ttl = ctx.config.auth.refreshTokenTtlS;
  const grace = ctx.config.auth.refreshReuseGraceS;
  const outcome = await ctx.db.transaction(async (tx) => {
    const token = await q.findRefreshTokenForUpdate(tx, hashToken(refreshToken));
    if (!token || token.dead) return { kind: 'invalid' } as const;
    if (token.rotatedAgoS !== null) {
      const inGrace = grace > 0 && token.rotatedAgoS <= grace && !token.childRotated;
      if (!inGrace) {
        await q.revokeSession(tx, token.sessionId);
        return { kind: 'reuse', sessionId: token.sessionId, userId: token.userId } as const;
      }
    } else {
      await q.markRotated(tx, token.id);
    }
    const user = await users.findUser(tx, ctx.config, token.userId);
    if (!user) return { kind: 'invalid' } as const;
    const next = newOpaqueToken();
    await q.insertRefreshToken(tx, {
      sessionId: token.sessionId,
      parentId: token.id,
      hash: next.hash,
      ttlSeconds: ttl,
    });
    await q.touchSession(tx, token.sessionId, ttl);
    return { kind: 'ok', result: pair(ctx, user, token.sessionId, next.token) } as const;
  });
  if (outcome.kind === 'ok') return outcome.result;
  if (outcome.kind === 'reuse') {
    ctx.logger.warn('refresh token reuse detected; session revoked', {
      sessionId: outcome.sessionId,
      userId: outcome.userId,
    });
  }
  throw badRefreshToken();
}

export async function logout(ctx: AppContext, userId: string, refreshToken: string): Promise<void> {
  await q.revokeSessionByTokenHash(ctx.db, userId, hashToken(refreshToken));
}

export async function logoutAll(ctx: AppContext, userId: string): Promise<void> {
  await q.revokeAllSessions(ctx.db, userId);
}

export async function listSessions(
  ctx: AppContext,
  userId: string,
  currentSessionId: string,
  paging: { page: number; limit: number },
): Promise<{ rows: SessionView[]; total: number }> {
  const { rows, total } = await q.findLiveSessions(
    ctx.db,
    userId,
    paging.limit,
    (paging.page - 1) * paging.limit,
  );
  return { rows: rows.map((row) => ({ ...row, current: row.id === currentSessionId })), total };
}

export async function revokeSession(ctx: AppContext, userId: string, sessionId: string): Promise<void> {
  const count = await q.revokeUserSession(ctx.db, userId, sessionId);
  if (count === 0) throw appError('NOT_FOUND', 'Session not found');
}

export async function me(ctx: AppContext, userId: string): Promise<User> {
  const user = await users.findUser(ctx.db, ctx.config, userId);
  // The token is valid but its account is gone (deleted): the token no longer stands for anyone.
  if (!user) throw unauthenticated('The account for this token no longer exists');
  return user;
}

/**
 * Revokes every session of a user but one (password change keeps the caller's; reset keeps none). Takes
 * the database handle so it runs inside the caller's transaction.
 */
export const revokeAllSessionsExcept = (db: Database, userId: string, keepSessionId?: string) =>
  q.revokeAllSessions(db, userId, keepSessionId);

export const purgeEndedSessions = (ctx: AppContext) => q.deleteEndedSessions(ctx.db);
