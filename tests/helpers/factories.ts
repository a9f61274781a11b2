import crypto from 'node:crypto';
import type { components } from '../../client/src/index';
import type { TestApp } from './app';
import { makePng } from './images';

/** The API's response bodies, as the OpenAPI document describes them (client/src/schema.d.ts). */
type Schemas = components['schemas'];
export type User = Schemas['User'];
export type Project = Schemas['Project'];
export type Story = Schemas['Story'];
export type Image = Schemas['Image'];
export type Drawing = Schemas['Drawing'];
export type Template = Schemas['Template'];

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ Authorization: 'Bearer …' }` for supertest's `.set()`. */
  auth: { Authorization: string };
  user: User;
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

/** A registered user who is an admin. */
export async function createAdmin(t: TestApp): Promise<TestUser> {
  const user = await createUser(t);
  await promoteToAdmin(t, user.id);
  return { ...user, user: { ...user.user, role: 'admin' } };
}

/** Stores an AI-provider key for a user through the API. */
export async function storeApiKey(
  t: TestApp,
  user: TestUser,
  provider: string,
  key: string,
  label?: string,
): Promise<void> {
  const res = await t
    .http()
    .put(`/api/api-keys/${provider}`)
    .set(user.auth)
    .send({ key, ...(label ? { label } : {}) });
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`storing the key failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Creates a project for a user through the API and returns its body (`Project`). */
export async function createProject(
  t: TestApp,
  user: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<Project> {
  const res = await t
    .http()
    .post('/api/projects')
    .set(user.auth)
    .send({ title: `Project ${crypto.randomBytes(3).toString('hex')}`, ...overrides });
  if (res.status !== 201)
    throw new Error(`creating a project failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates a story in one of the user's projects through the API and returns its body (`Story`). */
export async function createStory(
  t: TestApp,
  user: TestUser,
  projectId: string,
  overrides: Record<string, unknown> = {},
): Promise<Story> {
  const res = await t
    .http()
    .post('/api/stories')
    .set(user.auth)
    .send({ projectId, title: `Story ${crypto.randomBytes(3).toString('hex')}`, ...overrides });
  if (res.status !== 201)
    throw new Error(`creating a story failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates a template for a user through the API and returns its body (`Template`). */
export async function createTemplate(
  t: TestApp,
  user: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<Template> {
  const res = await t
    .http()
    .post('/api/templates')
    .set(user.auth)
    .send({ title: `Template ${crypto.randomBytes(3).toString('hex')}`, ...overrides });
  if (res.status !== 201)
    throw new Error(`creating a template failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Uploads an image into one of the user's projects through the API (a small real PNG unless `file` is
 * given) and returns its body (`Image`). Text fields go as multipart fields (`metadata` as JSON).
 */
export async function createImage(
  t: TestApp,
  user: TestUser,
  projectId: string,
  overrides: Record<string, unknown> = {},
  file?: { bytes: Buffer; filename?: string },
): Promise<Image> {
  const bytes = file?.bytes ?? (await makePng(32, 24));
  let req = t.http().post('/api/images').set(user.auth).field('projectId', projectId);
  for (const [name, value] of Object.entries(overrides)) {
    req = req.field(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const res = await req.attach('file', bytes, file?.filename ?? 'page.png');
  if (res.status !== 201)
    throw new Error(`uploading an image failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Creates a drawing in one of the user's projects through the API and returns its body (`Drawing`): the
 * JSON form, or multipart with `png` as its rendered PNG.
 */
export async function createDrawing(
  t: TestApp,
  user: TestUser,
  projectId: string,
  overrides: Record<string, unknown> = {},
  png?: Buffer,
): Promise<Drawing> {
  const fields: Record<string, unknown> = {
    projectId,
    data: { strokes: [{ color: '#123456', points: [0, 0, 10, 10] }] },
    width: 800,
    height: 600,
    ...overrides,
  };
  let res;
  if (png) {
    let req = t.http().post('/api/drawings').set(user.auth);
    for (const [name, value] of Object.entries(fields)) {
      req = req.field(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    res = await req.attach('file', png, 'drawing.png');
  } else {
    res = await t.http().post('/api/drawings').set(user.auth).send(fields);
  }
  if (res.status !== 201)
    throw new Error(`creating a drawing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Shares `project` with `member` as `role` directly in the database (the sharing routes' invitation flow
 * ends in the same row): the owner never has a row, a member has exactly one.
 */
export async function addMember(
  t: TestApp,
  project: { id: string },
  member: { id: string },
  role: 'editor' | 'viewer',
): Promise<void> {
  await t.db.query(
    `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role`,
    [project.id, member.id, role],
  );
}
