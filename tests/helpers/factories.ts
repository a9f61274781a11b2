import crypto from 'node:crypto';
import type { TestApp } from './app';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
  auth: { Authorization: string };
  user: Record<string, any>;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomBytes(6).toString('hex')}@example.test`;
}

/** Registers a user through the API and returns its tokens. */
export async function createUser(
  t: TestApp,
  overrides: { email?: string; password?: string; displayName?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? 'correct horse battery';
  const res = await t
    .http()
    .post('/api/auth/register')
    .send({ email, password, ...(overrides.displayName ? { displayName: overrides.displayName } : {}) });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: res.body.user.id,
    email,
    password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    auth: bearer(res.body.accessToken),
    user: res.body.user,
  };
}

/** Makes a user an admin directly in the database (the admin:promote command does the same). */
export async function promoteToAdmin(t: TestApp, userId: string): Promise<void> {
  await t.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [userId]);
}
