import type { AppContext } from '../../context';
import { appError } from '../../http/errors';
import { hashToken, newOpaqueToken } from '../../lib/tokens';
import { appLink, emailVerificationMail, passwordResetMail } from '../../mail/templates';
import { recordEvent } from '../analytics/analytics.service';
import { revokeAllSessionsExcept } from '../auth/auth.service';
import * as q from './account-email.queries';

/** Lifetimes the contract fixes. */
export const PASSWORD_RESET_TTL_S = 60 * 60;
export const EMAIL_VERIFICATION_TTL_S = 24 * 60 * 60;

const invalidToken = () =>
  appError('INVALID_TOKEN', 'This link is invalid, already used or expired; ask for a new one');

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

export const purgeStaleMailTokens = (ctx: AppContext) => q.deleteStaleTokens(ctx.db);
