import type { Config } from '../../config';
import type { Database } from '../../db/database';
import { notFound } from '../../http/errors';
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

export async function getUser(db: Database, config: Config, id: string): Promise<User> {
  const row = await q.findUserById(db, id);
  if (!row) throw notFound('User');
  return toUser(config, row);
}

export async function findUser(db: Database, config: Config, id: string): Promise<User | null> {
  const row = await q.findUserById(db, id);
  return row ? toUser(config, row) : null;
}

export const findCredentialsByEmail = q.findCredentialsByEmail;
export const findPasswordHash = q.findPasswordHash;
export const insertUser = q.insertUser;
