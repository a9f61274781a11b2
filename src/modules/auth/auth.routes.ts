import type { Request, Response } from 'express';
import type { AppContext, RouteModule } from '../../context';
import type { Database } from '../../db/database';
import { ACCOUNT_FAILURES_FACTOR, clientKey } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
import { idParams, listOf, page, pageQuery } from '../../http/schemas';
import { UserSchema } from '../users/users.schemas';
import { AuthResultSchema, LoginBody, RefreshTokenBody, RegisterBody, SessionSchema } from './auth.schemas';
import * as auth from './auth.service';

const tags = ['Auth'];

function clientInfo(req: Request): auth.ClientInfo {
  return { userAgent: req.get('user-agent')?.slice(0, 512) ?? null, ip: req.ip?.slice(0, 64) ?? null };
}

/**
 * What a registration does besides the account. The account module fills it (the verification mail) where
 * the modules are wired, in modules/index.ts: account sits above auth (it revokes sessions), so auth cannot
 * import it.
 */
export interface AuthHooks {
  /**
   * Runs in register's transaction, once the user row exists: the verification token and its mail job
   * commit with the account, or not at all.
   */
  inRegister(ctx: AppContext, tx: Database, userId: string): Promise<void>;
  /** Runs after the commit; must not throw (the account exists and the answer is 201). */
  afterRegister(ctx: AppContext, userId: string): void;
}

export const authRoutes =
  (hooks: AuthHooks): RouteModule =>
  (ctx) =>
    authRouteDefs(ctx, hooks);

const authRouteDefs = (ctx: AppContext, hooks: AuthHooks) => {
  const accountOf = (res: Response) =>
    (res.locals.body as { email?: string } | undefined)?.email?.toLowerCase();
  /**
   * Failed logins count per (account, address) at AUTH_RATE_LIMIT: wrong passwords from one address never
   * lock the owner out from another. Only failures count: the owner signing in on many devices is never
   * limited. (Per address across accounts: loginFailuresByIp.)
   */
  const loginByAccountAndIp = ctx.limiters.create({
    name: 'login-account-ip',
    limit: ctx.config.rateLimits.auth,
    failClosed: true,
    onlyFailures: true,
    key: (req, res) => {
      const email = accountOf(res);
      return email ? `acct:${email}:ip:${clientKey(req)}` : undefined;
    },
  });
  /**
   * And per account across all addresses, at ACCOUNT_FAILURES_FACTOR (10) times that: a guesser with many
   * addresses (a botnet) is still stopped, while one address, or a few, cannot lock the owner out.
   */
  const loginByAccount = ctx.limiters.create({
    name: 'login-account',
    limit: ctx.config.rateLimits.auth * ACCOUNT_FAILURES_FACTOR,
    failClosed: true,
    onlyFailures: true,
    key: (_req, res) => {
      const email = accountOf(res);
      return email ? `acct:${email}` : undefined;
    },
  });

  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/register',
      tags,
      summary: 'Create an account and sign in',
      description:
        'Answers the new user and a token pair, and queues an email-verification mail. An email already ' +
        'registered → 409 `EMAIL_TAKEN`; limited per client IP (429).',
      auth: 'none',
      privateAnswer: true,
      before: [ctx.limiters.authByIp('register')],
      body: RegisterBody,
      response: {
        status: 201,
        schema: AuthResultSchema,
        description: 'The new user and a token pair; `Location: /api/auth/me`',
      },
      errors: ['EMAIL_TAKEN'],
      handler: async ({ req, body }) => {
        const result = await auth.register(ctx, body, clientInfo(req), (tx, userId) =>
          hooks.inRegister(ctx, tx, userId),
        );
        hooks.afterRegister(ctx, result.user.id);
        return { status: 201, headers: { Location: '/api/auth/me' }, body: result };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      tags,
      summary: 'Sign in with email and password',
      description:
        'A wrong email and a wrong password get the same 401 `INVALID_CREDENTIALS` in about the same time. ' +
        'Failed logins are limited per (account, client IP) and per client IP (`AUTH_RATE_LIMIT` per minute ' +
        'each), and per account across all addresses at 10 times that; correct logins do not count, so ' +
        'wrong passwords from one address never lock the owner out from another.',
      auth: 'none',
      privateAnswer: true,
      before: [ctx.limiters.loginFailuresByIp('login')],
      body: LoginBody,
      guards: [loginByAccountAndIp, loginByAccount],
      response: { status: 200, schema: AuthResultSchema },
      errors: ['INVALID_CREDENTIALS'],
      handler: async ({ req, body }) => ({ body: await auth.login(ctx, body, clientInfo(req)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      tags,
      summary: 'Exchange a refresh token for a new token pair',
      description:
        'Refresh tokens are single use. Presenting a rotated token again revokes its session (reuse ' +
        'detection), except within `REFRESH_REUSE_GRACE_S` seconds of its rotation, where racing tabs each get ' +
        'a fresh pair.',
      auth: 'none',
      privateAnswer: true,
      before: [ctx.limiters.authByIp('refresh')],
      body: RefreshTokenBody,
      response: { status: 200, schema: AuthResultSchema },
      errors: ['UNAUTHENTICATED'],
      handler: async ({ body }) => ({ body: await auth.refresh(ctx, body.refreshToken) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      tags,
      summary: 'Revoke the session of a refresh token',
      description: "A refresh token that is not the caller's is a 204 that revokes nothing.",
      auth: 'required',
      body: RefreshTokenBody,
      response: { status: 204, description: 'Signed out' },
      handler: async ({ userId, body }) => {
        await auth.logout(ctx, userId, body.refreshToken);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout-all',
      tags,
      summary: 'Revoke every session of the caller',
      description:
        "Every refresh token of the user stops working, this session's too. Access tokens already issued " +
        'stay valid until they expire (at most `ACCESS_TOKEN_TTL`).',
      auth: 'required',
      response: { status: 204, description: 'Every refresh token of the user stops working' },
      handler: async ({ userId }) => {
        await auth.logoutAll(ctx, userId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      tags,
      summary: 'The signed-in user',
      description:
        'The account behind the access token. A valid token whose account has been deleted → 401 ' +
        '`UNAUTHENTICATED`.',
      auth: 'required',
      response: { status: 200, schema: UserSchema },
      handler: async ({ userId }) => ({ body: await auth.me(ctx, userId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/sessions',
      tags,
      summary: "The caller's live sessions",
      description:
        'Sessions not revoked and not expired, newest first, paginated; `current` marks the session of the ' +
        'access token used.',
      auth: 'required',
      query: pageQuery,
      response: { status: 200, schema: listOf(SessionSchema) },
      handler: async ({ userId, auth: info, query }) => {
        const { rows, total } = await auth.listSessions(ctx, userId, info!.sessionId, query);
        return { body: page(rows, total, query.page, query.limit) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/auth/sessions/:id',
      tags,
      summary: "Revoke one of the caller's sessions",
      description:
        'Its refresh token stops working (its access tokens live until they expire). A session that is not ' +
        "the caller's, or is already revoked or expired → 404.",
      auth: 'required',
      params: idParams,
      response: { status: 204, description: 'Revoked' },
      handler: async ({ userId, params }) => {
        await auth.revokeSession(ctx, userId, params.id);
        return { status: 204 };
      },
    }),
  ];
};
