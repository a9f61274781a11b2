import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { unauthenticated } from '../../http/errors';
import * as q from './users.queries';

export type Plan = q.UserRow['plan'];

/** The `User` the API answers: never a hash, never a token. */
export interface User extends q.UserRow {
  storageLimitBytes: number;
}

export function storageLimitFor(config: Config, plan: Plan): number {
  return config.plans[plan].storageLimitBytes;
}

export function toUser(config: Config, row: q.UserRow): User {
  return { ...row, storageLimitBytes: storageLimitFor(config, row.plan) };
}

/** The caller's own account: gone (deleted while its access token is still valid) → 401, as on `/me`. */
export async function getUser(db: Database, config: Config, id: string): Promise<User> {
  const row = await q.findUserById(db, id);
  if (!row) throw unauthenticated('The account for this token no longer exists');
  return toUser(config, row);
}

export async function findUser(db: Database, config: Config, id: string): Promise<User | null> {
  const row = await q.findUserById(db, id);
  return row ? toUser(config, row) : null;
}

export const findCredentialsByEmail = q.findCredentialsByEmail;
export const insertUser = q.insertUser;

/** The profile fields a user may change themselves; anything else is refused by the route's schema. */
export interface ProfileChanges {
  displayName?: string | null;
  /** Replaced whole. */
  settings?: Record<string, unknown>;
}

export async function updateProfile(
  db: Database,
  config: Config,
  id: string,
  changes: ProfileChanges,
): Promise<User> {
  const row = await q.updateUserProfile(db, id, changes);
  // The token is valid but its account is gone (deleted).
  if (!row) throw unauthenticated('The account for this token no longer exists');
  return toUser(config, row);
}

/** Makes the account with this email an admin (or a plain user again); null when no account has it. */
export async function setRoleByEmail(
  db: Database,
  config: Config,
  email: string,
  role: q.UserRow['role'],
): Promise<User | null> {
  const row = await q.updateRoleByEmail(db, email, role);
  return row ? toUser(config, row) : null;
}
