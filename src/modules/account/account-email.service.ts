import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
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

/** A password-reset mail job's sealed payload: only the address asked for. */
interface PasswordResetMail {
  email: string;
}

/** A verification mail job's sealed payload: the token its transaction stored (as a hash). */
interface VerificationMail {
  token: string;
}

/**
 * Queues a password-reset mail for this address: one job that carries only the (sealed) address, the same
 * insert whether or not an account has it, so the answer and its timing say nothing about which addresses
 * have accounts. The lookup and the token happen in the job (`defineAccountMail`), in one statement whether
 * or not the account exists.
 */
export async function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  await ctx.mailer.send<PasswordResetMail>(ctx.db, 'password_reset', { email });
  ctx.mailer.wake();
}

/**
 * Gives the user a new verification token and queues its mail, both in `db`'s transaction (register's,
 * or verify-request's own); nothing when the address is already verified. The caller wakes the mailer
 * after its commit.
 */
export async function queueVerificationMail(ctx: AppContext, db: Database, userId: string): Promise<void> {
  const token = newOpaqueToken();
  const issued = await q.upsertVerificationTokenForUser(db, {
    userId,
    hash: token.hash,
    ttlSeconds: EMAIL_VERIFICATION_TTL_S,
  });
  if (issued) await ctx.mailer.send<VerificationMail>(db, 'email_verification', { token: token.token });
}

/** verify-request: a new token and its mail in one transaction. */
export async function requestVerificationMail(ctx: AppContext, userId: string): Promise<void> {
  await ctx.db.transaction((tx) => queueVerificationMail(ctx, tx, userId));
  ctx.mailer.wake();
}

/**
 * How the account's mail jobs become messages when a worker runs them.
 *
 * Reset: the token is made here, right before the delivery, and replaces the account's older one (so a
 * retry mails a fresh link, and the one an earlier failed attempt made never works). Making it in the
 * request instead would need the account lookup before the answer, which is what must not happen there.
 *
 * Verification: the token was stored with the job; nothing is sent once it is spent, replaced or expired,
 * or the address changed (a late retry never mails a dead link).
 */
export function defineAccountMail(ctx: AppContext): void {
  ctx.mailer.define<PasswordResetMail>('password_reset', async ({ email }) => {
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
  ctx.mailer.define<VerificationMail>('email_verification', async ({ token }) => {
    const live = await q.findLiveToken(ctx.db, hashToken(token), 'email_verification');
    if (!live) return null;
    const link = appLink(ctx.config.appUrl, '/verify-email', token);
    return {
      to: live.email,
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
