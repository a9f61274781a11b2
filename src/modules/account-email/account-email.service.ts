import type { RequestHandler } from 'express';
import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { AppError, unauthenticated } from '../../http/errors';
import type { AuthInfo } from '../../http/route';
import { hashToken, newOpaqueToken } from '../../lib/tokens';
import { appLink, emailVerificationMail, passwordResetMail } from '../../mail/templates';
import { recordEvent } from '../analytics/analytics.service';
import { revokeAllSessionsExcept } from '../auth/auth.service';
import * as q from './account-email.queries';

/** Lifetimes the contract fixes. */
export const PASSWORD_RESET_TTL_S = 60 * 60;
export const EMAIL_VERIFICATION_TTL_S = 24 * 60 * 60;

/** For route descriptions of anything REQUIRE_VERIFIED_EMAIL guards (uploads, billing). */
export const EMAIL_NOT_VERIFIED_NOTE =
  'With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 ' +
  '`EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).';

const invalidToken = () =>
  new AppError(400, 'INVALID_TOKEN', 'This link is invalid, already used or expired; ask for a new one');

export const emailNotVerified = () =>
  new AppError(
    403,
    'EMAIL_NOT_VERIFIED',
    'Verify your email address first: POST /api/auth/email/verify-request mails you a link',
  );

/**
 * Queues a password-reset mail for this address. The lookup, the token and the mail all happen after
 * the response, in one statement whether or not an account has the address, so the answer and its
 * timing say nothing about which addresses have accounts.
 */
export function requestPasswordReset(ctx: AppContext, email: string): void {
  ctx.mailer.enqueue('password_reset', async () => {
    const token = newOpaqueToken();
    const issued = await q.upsertTokenByEmail(ctx.db, {
      email,
      purpose: 'password_reset',
      hash: token.hash,
      ttlSeconds: PASSWORD_RESET_TTL_S,
    });
    if (!issued) return null;
    const link = appLink(ctx.config.appUrl, '/reset-password', token.token);
    return { to: issued.email, link, ...passwordResetMail({ link, ttlSeconds: PASSWORD_RESET_TTL_S }) };
  });
}

/**
 * Queues a verification mail for the user's address; nothing goes out when it is already verified.
 * Never throws: register calls it after its transaction committed.
 */
export function queueVerificationMail(ctx: AppContext, userId: string): void {
  ctx.mailer.enqueue('email_verification', async () => {
    const token = newOpaqueToken();
    const issued = await q.upsertVerificationTokenForUser(ctx.db, {
      userId,
      hash: token.hash,
      ttlSeconds: EMAIL_VERIFICATION_TTL_S,
    });
    if (!issued) return null;
    const link = appLink(ctx.config.appUrl, '/verify-email', token.token);
    return {
      to: issued.email,
      link,
      ...emailVerificationMail({ link, ttlSeconds: EMAIL_VERIFICATION_TTL_S }),
    };
  });
}

/** Sets a new password with a reset token: single use, every session revoked, an analytics event. */
export async function resetPassword(ctx: AppContext, token: string, newPassword: string): Promise<void> {
  // Hashed before the transaction: bcrypt must not hold a connection (or the embedded database) that long.
  const passwordHash = await ctx.passwords.hash(newPassword);
  await ctx.db.transaction(async (tx) => {
    const spent = await q.consumeToken(tx, hashToken(token), 'password_reset');
    if (!spent) throw invalidToken();
    await q.updatePasswordAfterReset(tx, spent.userId, passwordHash);
    // In the same transaction as the new password: both happen, or neither.
    await revokeAllSessionsExcept(tx, spent.userId);
    await recordEvent(tx, { userId: spent.userId, type: 'user.password_reset' });
  });
}

export async function verifyEmail(ctx: AppContext, token: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const spent = await q.consumeToken(tx, hashToken(token), 'email_verification');
    if (!spent) throw invalidToken();
    await q.updateEmailVerified(tx, spent.userId);
  });
}

/**
 * Throws 403 EMAIL_NOT_VERIFIED when REQUIRE_VERIFIED_EMAIL is on and the user's address is not
 * verified; does nothing (and reads nothing) when it is off. For services that are not behind a route.
 */
export async function assertEmailVerified(ctx: AppContext, db: Database, userId: string): Promise<void> {
  if (!ctx.config.mail.requireVerifiedEmail) return;
  const verified = await q.findEmailVerified(db, userId);
  if (verified === null) throw unauthenticated('The account for this token no longer exists');
  if (!verified) throw emailNotVerified();
}

/**
 * Route middleware for REQUIRE_VERIFIED_EMAIL: put it first in `before` of an authenticated route
 * (before multer, so a refused upload is not read), or in `guards`. A no-op when the setting is off.
 */
export function requireVerifiedEmail(ctx: AppContext): RequestHandler {
  return (_req, res, next) => {
    if (!ctx.config.mail.requireVerifiedEmail) return next();
    const auth = res.locals.auth as AuthInfo | undefined;
    if (!auth) return next(unauthenticated());
    assertEmailVerified(ctx, ctx.db, auth.userId).then(() => next(), next);
  };
}

export const purgeStaleMailTokens = (ctx: AppContext) => q.deleteStaleTokens(ctx.db);
