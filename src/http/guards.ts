/**
 * Route guards that several feature modules put in `before`: admin only, verified email only. They live in
 * http/ (not in the users or account module) so that every feature can use them without importing another
 * feature; the two one-column reads they need are written here in database terms for the same reason.
 */
import type { RequestHandler } from 'express';
import type { AppContext } from '../context';
import type { Database } from '../db/database';
import { appError, forbidden, unauthenticated } from './errors';
import type { AuthInfo } from './route';

const accountGone = () => unauthenticated('The account for this token no longer exists');

/** For route descriptions of anything REQUIRE_VERIFIED_EMAIL guards (uploads, billing). */
export const EMAIL_NOT_VERIFIED_NOTE =
  'With `REQUIRE_VERIFIED_EMAIL=true`, a caller whose email address is not verified gets 403 ' +
  '`EMAIL_NOT_VERIFIED` (verify it through `POST /api/auth/email/verify-request` and the mailed link).';

export const emailNotVerified = () =>
  appError(
    'EMAIL_NOT_VERIFIED',
    'Verify your email address first: POST /api/auth/email/verify-request mails you a link',
  );

async function findRole(db: Database, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [userId]);
  return rows[0]?.role ?? null;
}

async function findEmailVerified(db: Database, userId: string): Promise<boolean | null> {
  const { rows } = await db.query<{ emailVerified: boolean }>(
    `SELECT email_verified AS "emailVerified" FROM users WHERE id = $1`,
    [userId],
  );
  return rows[0]?.emailVerified ?? null;
}

/**
 * Throws 403 unless the user is an admin now. The role is read from the database on every call, never
 * from the access token, so a demotion applies to the very next request.
 */
export async function requireAdmin(db: Database, userId: string): Promise<void> {
  const role = await findRole(db, userId);
  if (role === null) throw accountGone();
  if (role !== 'admin') throw forbidden('Administrators only');
}

/**
 * `requireAdmin` as route middleware, for `before: [adminOnly(ctx.db)]`: it runs after authentication and
 * before the body or query is validated, so a non-admin learns nothing about the route's input.
 */
export function adminOnly(db: Database): RequestHandler {
  return async (_req, res, next) => {
    const auth = res.locals.auth as AuthInfo | undefined;
    if (!auth) throw unauthenticated();
    await requireAdmin(db, auth.userId);
    next();
  };
}

/**
 * Throws 403 EMAIL_NOT_VERIFIED when REQUIRE_VERIFIED_EMAIL is on and the user's address is not
 * verified; does nothing (and reads nothing) when it is off. For services that are not behind a route.
 */
export async function assertEmailVerified(ctx: AppContext, db: Database, userId: string): Promise<void> {
  if (!ctx.config.mail.requireVerifiedEmail) return;
  const verified = await findEmailVerified(db, userId);
  if (verified === null) throw accountGone();
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
