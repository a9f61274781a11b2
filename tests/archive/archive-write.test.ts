import fs from 'node:fs';
import path from 'node:path';
import { ArchiveAbortedError, writeArchive } from '../../src/modules/archive';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  storeApiKey,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { storedToFile, unzip, zipScratch } from './zips';

const t = useTestApp();

const AI_KEY = 'sk-archive-Zq8vN2pL4xR7tY1wE5uI9oP3';
let scratch: string;
let user: TestUser;

beforeAll(async () => {
  scratch = zipScratch();
  user = await createUser(t);
  const project = await createProject(t, user, { title: 'Secrets stay home' });
  await createStory(t, user, project.id, { content: 'Once upon a time' });
  await createImage(t, user, project.id, {}, { bytes: await makePng(64, 64, { noise: true }) });
  await createDrawing(t, user, project.id, {}, await makePng(32, 32, { noise: true }));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function archivesOf(userId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const file of t.ctx.store.list(`archives/${userId}/`)) keys.push(file.key);
  return keys;
}

test('when the user has an AI key, sessions and a password, then neither the ZIP nor any entry unpacked holds the key, the hash or a token', async () => {
  await storeApiKey(t, user, 'openai', AI_KEY, 'My key');
  // A second session, and a refresh: more tokens that must not appear.
  const login = await t
    .http()
    .post('/api/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  const refreshed = await t
    .http()
    .post('/api/auth/refresh')
    .send({ refreshToken: login.body.refreshToken })
    .expect(200);
  const { rows } = await t.db.query<{ hash: string }>(
    'SELECT password_hash AS hash FROM users WHERE id = $1',
    [user.id],
  );
  const secrets = {
    aiKey: AI_KEY,
    aiKeyEnd: AI_KEY.slice(-12),
    passwordHash: rows[0].hash,
    password: user.password,
    refreshToken: user.refreshToken,
    loginRefreshToken: login.body.refreshToken as string,
    newRefreshToken: refreshed.body.refreshToken as string,
    accessToken: user.accessToken,
  };

  const written = await writeArchive(t.ctx, user.id);
  const file = path.join(scratch, 'secrets.zip');
  const raw = await storedToFile(t.ctx.store, written.key, file);
  const entries = await unzip(file);
  // The ZIP's own bytes (stored entries, names, comments) and every entry unpacked (deflated ones hide text).
  const haystacks: Array<[string, Buffer]> = [['the ZIP bytes', raw], ...entries];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [where, bytes] of haystacks) {
      expect({ secret: name, where, found: bytes.includes(secret) }).toEqual({
        secret: name,
        where,
        found: false,
      });
    }
  }
  const account = JSON.parse(entries.find(([n]) => n === 'account.json')![1].toString());
  expect(account.user).not.toHaveProperty('passwordHash');
  expect(JSON.stringify(account)).not.toMatch(/password|apiKey|token|session/i);
  // The test would see a secret if it were there: the story's text is found the same way.
  expect(entries.some(([, bytes]) => bytes.includes('Once upon a time'))).toBe(true);
});

test('when the signal fires while the files are written, then ArchiveAbortedError and nothing is stored', async () => {
  const controller = new AbortController();
  const before = await archivesOf(user.id);
  const error = await writeArchive(t.ctx, user.id, {
    signal: controller.signal,
    onProgress: (fraction) => fraction > 0 && fraction < 1 && controller.abort(),
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArchiveAbortedError);
  expect(await archivesOf(user.id)).toEqual(before);
});

test('when the signal has fired before, then ArchiveAbortedError at once', async () => {
  await expect(writeArchive(t.ctx, user.id, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
    ArchiveAbortedError,
  );
});

test('when a stored file is gone, then the archive leaves that image out and still vouches for every entry', async () => {
  const other = await createUser(t);
  const project = await createProject(t, other);
  const kept = await createImage(t, other, project.id, {}, { bytes: await makePng(20, 20) });
  const lost = await createImage(t, other, project.id, {}, { bytes: await makePng(21, 21) });
  await t
    .http()
    .put(`/api/projects/${project.id}`)
    .set(other.auth)
    .send({ coverImageId: lost.id })
    .expect(200);
  const { rows } = await t.db.query<{ key: string }>('SELECT storage_key AS key FROM images WHERE id = $1', [
    lost.id,
  ]);
  await t.ctx.store.delete(rows[0].key);
  const written = await writeArchive(t.ctx, other.id);
  expect(written.counts.images).toBe(1);
  const file = path.join(scratch, 'lost.zip');
  await storedToFile(t.ctx.store, written.key, file);
  const entries = await unzip(file);
  const doc = JSON.parse(entries.find(([n]) => n.endsWith('/project.json'))![1].toString());
  expect(doc.images.map((i: { id: string }) => i.id)).toEqual([kept.id]);
  expect(doc.project.coverImageId).toBeNull();
  expect(entries.some(([n]) => n.includes(lost.id))).toBe(false);
});

test('when the user owns nothing, then the archive holds the account, empty templates and ratings, and the manifest', async () => {
  const nobody = await createUser(t);
  const written = await writeArchive(t.ctx, nobody.id);
  const file = path.join(scratch, 'empty.zip');
  await storedToFile(t.ctx.store, written.key, file);
  expect((await unzip(file)).map(([n]) => n)).toEqual([
    'account.json',
    'templates.json',
    'ratings.json',
    'manifest.json',
  ]);
  expect(written.counts).toEqual({
    projects: 0,
    versions: 0,
    stories: 0,
    images: 0,
    drawings: 0,
    templates: 0,
    ratings: 0,
  });
});
