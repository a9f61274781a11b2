import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { ChangePasswordBody, DeleteMeBody } from './account.schemas';
import * as account from './account.service';

// Documented with the caller's profile, under /api/users/me.
const tags = ['Users'];

export const accountRoutes: RouteModule = (ctx: AppContext) => {
  // Password checks with a stolen access token must not become a way to guess the password: only wrong
  // passwords count, per user, failing closed like the login limits.
  const passwordChecks = ctx.limiters.create({
    name: 'password-check',
    limit: ctx.config.rateLimits.auth,
    failClosed: true,
    onlyFailures: true,
    key: (_req, res) => (res.locals.auth as { userId?: string } | undefined)?.userId,
  });

  return [
    defineRoute({
      method: 'post',
      path: '/api/users/me/password',
      tags,
      summary: "Change the caller's password",
      description:
        'Needs the current password (wrong → 403 `INVALID_PASSWORD`). Every other session is revoked; the ' +
        'session of the access token used stays signed in. Not idempotent by key: a stored fingerprint would ' +
        'be an unsalted hash of the passwords.',
      auth: 'required',
      before: [passwordChecks],
      body: ChangePasswordBody,
      idempotent: false,
      response: { status: 204, description: 'Changed' },
      errors: ['INVALID_PASSWORD'],
      handler: async ({ userId, auth, body }) => {
        await account.changePassword(ctx, userId, auth!.sessionId, body);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/users/me',
      tags,
      summary: "Delete the caller's account",
      description:
        'Needs the password (wrong → 403 `INVALID_PASSWORD`). Every row of the user goes in one transaction; ' +
        'their stored files are deleted after it commits.',
      auth: 'required',
      before: [passwordChecks],
      body: DeleteMeBody,
      response: { status: 204, description: 'Deleted' },
      errors: ['INVALID_PASSWORD'],
      handler: async ({ userId, body }) => {
        await account.deleteAccount(ctx, userId, body.password);
        return { status: 204 };
      },
    }),
  ];
};
