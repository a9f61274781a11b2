import type { AppContext, RouteModule } from '../../context';
import { EMAIL_NOT_VERIFIED_NOTE } from '../../http/guards';
import { clientKey } from '../../http/rate-limit';
import { defineRoute, type AuthInfo } from '../../http/route';
import { ForgotPasswordBody, ResetPasswordBody, VerifyEmailBody } from './account-email.schemas';
import * as mail from './account-email.service';

const tags = ['Auth'];

export const accountEmailRoutes: RouteModule = (ctx: AppContext) => {
  const limit = ctx.config.rateLimits.mail;
  // Fail closed like the auth limits: a broken shared store must not open the door to mail bombing.
  const mailByIp = ctx.limiters.create({
    name: 'mail-ip',
    limit,
    failClosed: true,
    key: (req) => clientKey(req),
  });
  const mailByAddress = ctx.limiters.create({
    name: 'mail-address',
    limit,
    failClosed: true,
    key: (_req, res) => {
      const email = (res.locals.body as { email?: string } | undefined)?.email;
      return email ? `addr:${email.toLowerCase()}` : undefined;
    },
  });
  const mailByUser = ctx.limiters.create({
    name: 'mail-user',
    limit,
    failClosed: true,
    key: (_req, res) => {
      const auth = res.locals.auth as AuthInfo | undefined;
      return auth ? `user:${auth.userId}` : undefined;
    },
  });
  ctx.maintenance.push({ name: 'mail-tokens', run: () => mail.purgeStaleMailTokens(ctx) });
  mail.defineAccountMail(ctx);

  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/password/forgot',
      tags,
      summary: 'Mail a password-reset link',
      description:
        'Always 202 with no body, whether or not an account has this email, and in about the same time: the ' +
        'lookup and the mail happen after the response. When the address has an account, it gets a link to ' +
        '`APP_URL/reset-password?token=…` that works once, for 1 hour; a newer request replaces the older ' +
        'link. Limited to `MAIL_RATE_LIMIT` requests per minute per client IP and per address (429).',
      auth: 'none',
      before: [mailByIp],
      body: ForgotPasswordBody,
      guards: [mailByAddress],
      response: { status: 202, description: 'Accepted; a reset link is mailed when the address is known' },
      handler: async ({ body }) => {
        await mail.requestPasswordReset(ctx, body.email);
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password/reset',
      tags,
      summary: 'Set a new password with a mailed reset token',
      description:
        'The token from the reset link works once, within 1 hour, and only while it is the newest one mailed. ' +
        'A bad, used, expired or superseded token → 400 `INVALID_TOKEN`. On success every session of the user ' +
        'is revoked (their refresh tokens stop working; access tokens live until they expire), and the ' +
        'address counts as verified, since the link reached it. `newPassword` follows the register rules.',
      auth: 'none',
      before: [ctx.limiters.authByIp('password-reset')],
      body: ResetPasswordBody,
      response: { status: 204, description: 'Password changed; every session revoked' },
      errors: ['INVALID_TOKEN'],
      handler: async ({ body }) => {
        await mail.resetPassword(ctx, body.token, body.newPassword);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/email/verify-request',
      tags,
      summary: "Mail a link that verifies the caller's email address",
      description:
        'Mails a link to `APP_URL/verify-email?token=…` that works once, for 24 hours; a newer request ' +
        'replaces the older link (register mails the first one). 202 with no body; nothing is mailed when ' +
        'the address is already verified. Limited to `MAIL_RATE_LIMIT` per minute per user and per client ' +
        'IP (429). ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'required',
      before: [mailByIp, mailByUser],
      response: { status: 202, description: 'Accepted; a verification link is mailed' },
      handler: async ({ userId }) => {
        await mail.requestVerificationMail(ctx, userId);
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/email/verify',
      tags,
      summary: 'Verify an email address with a mailed token',
      description:
        'The token from the verification link works once, within 24 hours, while it is the newest one mailed ' +
        'and the account still has the address it was mailed to. A bad, used, expired or superseded token → ' +
        '400 `INVALID_TOKEN`. On success `emailVerified` is true. ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'none',
      before: [ctx.limiters.authByIp('email-verify')],
      body: VerifyEmailBody,
      response: { status: 204, description: 'The address is verified' },
      errors: ['INVALID_TOKEN'],
      handler: async ({ body }) => {
        await mail.verifyEmail(ctx, body.token);
        return { status: 204 };
      },
    }),
  ];
};
