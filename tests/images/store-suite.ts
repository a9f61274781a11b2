/**
 * The image and drawing tests that depend on the file store, run once per store (images-local.test.ts,
 * images-s3.test.ts): what each write leaves in the store, counted file by file, and the storage garbage
 * collector run as operators run it (`scripts/storage-gc.ts` in its own process).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DatabasePool } from '../../src/db/database';
import { PgliteDatabase } from '../../src/db/pglite-database';
import { storagePaths } from '../../src/storage';
import { fileKey } from '../../src/storage/file-store';
import { LOCAL_TEMP_DIR } from '../../src/storage/local-file-store';
import { TEST_ENV, type TestApp } from '../helpers/app';
import { createDrawing, createImage, createProject, createStory, createUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import {
  drawingForm,
  expectProblem,
  keysOfRows,
  postImage,
  storageUsed,
  storedBytes,
  storedBytesOfRows,
} from './helpers';

const root = path.resolve(__dirname, '..', '..');

/**
 * Every file the store holds, listed behind the store's back: the folder tree under DATA_DIR/files (its
 * temp folder aside) for the local store, the bucket's listing for S3.
 */
async function filesInStore(t: TestApp): Promise<string[]> {
  if (t.ctx.store.driver === 's3') {
    const keys: string[] = [];
    for await (const file of t.ctx.store.list()) keys.push(file.key);
    return keys.sort();
  }
  const dir = storagePaths(t.config).files;
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((key) => !key.startsWith(`${LOCAL_TEMP_DIR}/`))
    .sort();
}

/** GET a signed URL the way a browser would: through the API for the local store, from S3 directly. */
async function fetchSigned(
  t: TestApp,
  url: string,
): Promise<{ status: number; bytes: Buffer; type?: string }> {
  if (url.startsWith(`${t.config.publicUrl}/`)) {
    const res = await t.http().get(url);
    return { status: res.status, bytes: Buffer.from(res.body ?? []), type: res.headers['content-type'] };
  }
  const res = await fetch(url);
  return {
    status: res.status,
    bytes: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type') ?? undefined,
  };
}

/**
 * Runs `npm run storage:gc`'s program (scripts/storage-gc.ts) against this file's database and store and
 * answers its JSON report. On the embedded database the test's in-memory PGlite is copied to DATA_DIR
 * first, as the command's own database (PGlite serves one process).
 */
async function runStorageGc(t: TestApp, args: string[]): Promise<{ code: number | null; report: any }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...TEST_ENV,
    DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl ?? '',
    STORAGE_DRIVER: t.config.storage.driver,
  };
  if (t.config.storage.driver === 's3') {
    const s3 = t.config.storage.s3;
    Object.assign(env, {
      S3_BUCKET: s3.bucket,
      S3_REGION: s3.region,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  }
  if (!t.databaseUrl) {
    const dump = await (t.db as DatabasePool as PgliteDatabase).pglite.dumpDataDir('none');
    const dir = path.join(t.dataDir, 'pglite');
    fs.rmSync(dir, { recursive: true, force: true });
    const copy = await PgliteDatabase.open({ dataDir: dir, loadDataDir: dump });
    await copy.close();
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/storage-gc.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The report is the pretty-printed JSON at the end; warnings (a missing file) are log lines before it.
  const start = stdout.search(/^\{$/m);
  if (start < 0) throw new Error(`storage:gc printed no report (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout.slice(start)) };
}

export function storeSuite(t: TestApp, driver: 'local' | 's3'): void {
  test('when the app starts, then it uses the store under test', () => {
    expect(t.ctx.store.driver).toBe(driver);
  });

  test('when an image is uploaded, then its original and thumbnail are stored and served through fresh signed URLs', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const before = await filesInStore(t);
    const bytes = await makePng(600, 300, { noise: true });
    const image = await createImage(t, user, project.id, {}, { bytes });
    const added = (await filesInStore(t)).filter((k) => !before.includes(k));
    expect(added).toEqual(await keysOfRows(t, user.id));
    expect(added).toHaveLength(2);

    const original = await fetchSigned(t, image.url);
    expect(original.status).toBe(200);
    expect(original.type).toBe('image/png');
    expect(original.bytes.equals(bytes)).toBe(true);
    const thumb = await fetchSigned(t, image.thumbnailUrl);
    expect({ status: thumb.status, type: thumb.type }).toEqual({ status: 200, type: 'image/webp' });
    if (driver === 's3') {
      expect(image.url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
      expect(image.url).toMatch(/X-Amz-Expires=900/);
    } else {
      expect(image.url.startsWith(`${t.config.publicUrl}/api/files/images/`)).toBe(true);
      expect(image.url).toMatch(/\?exp=\d+&sig=[\w-]+$/);
    }
    const again = await t.http().get(`/api/images/${image.id}`).set(user.auth);
    expect((await fetchSigned(t, again.body.thumbnailUrl)).status).toBe(200);
  });

  test('when recording the row fails after its files were stored (a trigger refuses it), then the files are removed', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await t.db.exec(`
      CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      DROP TRIGGER IF EXISTS images_refuse_insert ON images;
      CREATE TRIGGER images_refuse_insert BEFORE INSERT ON images
        FOR EACH ROW WHEN (NEW.title = 'refused by the database') EXECUTE FUNCTION refuse_insert();
      DROP TRIGGER IF EXISTS drawings_refuse_insert ON drawings;
      CREATE TRIGGER drawings_refuse_insert BEFORE INSERT ON drawings
        FOR EACH ROW WHEN (NEW.title = 'refused by the database') EXECUTE FUNCTION refuse_insert();`);
    const before = await filesInStore(t);
    const png = await makePng(20, 20);

    const image = await postImage(
      t,
      user,
      { projectId: project.id, title: 'refused by the database' },
      { bytes: png },
    );
    const drawing = await drawingForm(
      t.http().post('/api/drawings').set(user.auth),
      { projectId: project.id, title: 'refused by the database', data: {}, width: 1, height: 1 },
      { bytes: png },
    );
    for (const res of [image, drawing]) {
      expectProblem(res, 500, 'INTERNAL');
      expect(JSON.stringify(res.body)).not.toMatch(/injected|trigger/);
    }
    expect(await filesInStore(t)).toEqual(before);
    expect(await storageUsed(t, user.id)).toBe(0);
  });

  test('when an image and a drawing are deleted, then exactly their files leave the store', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id);
    const drawing = await createDrawing(t, user, project.id, { imageId: image.id }, await makePng(20, 20));
    const before = await filesInStore(t);
    const own = await keysOfRows(t, user.id);
    expect(own).toHaveLength(3);

    await t.http().delete(`/api/drawings/${drawing.id}`).set(user.auth).expect(204);
    await t.http().delete(`/api/images/${image.id}`).set(user.auth).expect(204);
    expect(await filesInStore(t)).toEqual(before.filter((k) => !own.includes(k)));
    expect(await storageUsed(t, user.id)).toBe(0);
  });

  test("when a project is deleted, then its images' and drawings' files go and the other project's stay", async () => {
    const user = await createUser(t);
    const doomed = await createProject(t, user);
    const kept = await createProject(t, user);
    const story = await createStory(t, user, doomed.id);
    const image = await createImage(t, user, doomed.id, { storyId: story.id });
    await createImage(t, user, doomed.id);
    await createDrawing(t, user, doomed.id, { imageId: image.id }, await makePng(12, 12));
    await createDrawing(t, user, doomed.id);
    const survivor = await createImage(t, user, kept.id);
    const keptKeys = await keysOfRows(t, user.id);
    const before = await filesInStore(t);

    await t.http().delete(`/api/projects/${doomed.id}`).set(user.auth).expect(204);
    const survivingKeys = await keysOfRows(t, user.id);
    expect(survivingKeys).toHaveLength(2);
    const gone = keptKeys.filter((k) => !survivingKeys.includes(k));
    expect(gone).toHaveLength(5);
    expect(await filesInStore(t)).toEqual(before.filter((k) => !gone.includes(k)));
    expect(await storageUsed(t, user.id)).toBe(survivor.sizeBytes);
  });

  test('when a project is duplicated, then every file is copied once under new keys, re-pointed and counted again', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user, { title: 'Ocean' });
    const story = await createStory(t, user, project.id);
    const cover = await createImage(t, user, project.id, { storyId: story.id, kind: 'cover' });
    await createImage(t, user, project.id);
    const drawingPng = await makePng(30, 20, { noise: true });
    const drawing = await createDrawing(t, user, project.id, { imageId: cover.id }, drawingPng);
    await t
      .http()
      .put(`/api/projects/${project.id}`)
      .set(user.auth)
      .send({ coverImageId: cover.id })
      .expect(200);
    const before = await filesInStore(t);
    const used = await storageUsed(t, user.id);

    const res = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    expect(res.status).toBe(201);
    expect(res.body.counts).toEqual({ stories: 1, images: 2, drawings: 1 });
    const after = await filesInStore(t);
    expect(after).toHaveLength(before.length + 5);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(await storageUsed(t, user.id)).toBe(2 * used);
    expect(await storedBytesOfRows(t, user.id)).toBe(2 * used);

    const copy = await t
      .http()
      .get(`/api/projects/${res.body.id}?include=stories,images,drawings`)
      .set(user.auth);
    const copiedCover = copy.body.images.find((i: { kind: string }) => i.kind === 'cover');
    expect(copy.body.coverImageId).toBe(copiedCover.id);
    expect(copiedCover).toMatchObject({ storyId: copy.body.stories[0].id, sha256: cover.sha256 });
    expect(copiedCover.id).not.toBe(cover.id);
    expect(copy.body.drawings[0]).toMatchObject({ imageId: copiedCover.id, data: drawing.data, version: 1 });
    const copiedPng = await fetchSigned(t, copy.body.drawings[0].url);
    expect(copiedPng.bytes.equals(drawingPng)).toBe(true);
    expect(copy.body.drawings[0].url.split('?')[0]).not.toBe(drawing.url!.split('?')[0]);
    // Deleting the original leaves the copy's files whole.
    await t.http().delete(`/api/projects/${project.id}`).set(user.auth).expect(204);
    expect((await fetchSigned(t, copiedCover.url)).status).toBe(200);
    expect(await filesInStore(t)).toHaveLength(before.length);
  });

  test('when a duplicate fails after files were copied (a trigger refuses a row), then no copy and no row is left', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    await createImage(t, user, project.id);
    // Only a copy is refused: a copied drawing keeps its createdAt, older than the copying transaction.
    await createDrawing(t, user, project.id, { title: 'refuse my copy' }, await makePng(10, 10));
    await t.db.exec(`
      CREATE OR REPLACE FUNCTION refuse_drawing_copy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$;
      DROP TRIGGER IF EXISTS drawings_refuse_copy ON drawings;
      CREATE TRIGGER drawings_refuse_copy BEFORE INSERT ON drawings
        FOR EACH ROW WHEN (NEW.title = 'refuse my copy' AND NEW.created_at < now())
        EXECUTE FUNCTION refuse_drawing_copy();`);
    const before = await filesInStore(t);
    const used = await storageUsed(t, user.id);

    const res = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    expectProblem(res, 500, 'INTERNAL');
    expect(await filesInStore(t)).toEqual(before);
    expect(await storageUsed(t, user.id)).toBe(used);
    expect((await t.http().get('/api/projects').set(user.auth)).body.pagination.total).toBe(1);
  });

  test("when an account is deleted, then every file of its images and drawings leaves the store and others' stay", async () => {
    const bystander = await createUser(t);
    const theirs = await createImage(t, bystander, (await createProject(t, bystander)).id);
    const user = await createUser(t);
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id);
    await createDrawing(t, user, project.id, { imageId: image.id }, await makePng(10, 10));
    const own = await keysOfRows(t, user.id);
    expect(own).toHaveLength(3);
    const before = await filesInStore(t);

    await t.http().delete('/api/users/me').set(user.auth).send({ password: user.password }).expect(204);
    expect(await filesInStore(t)).toEqual(before.filter((k) => !own.includes(k)));
    expect((await fetchSigned(t, theirs.url)).status).toBe(200);
  });

  test('when storage:gc runs, then it deletes the files no row points to, keeps the rest and reports rows whose file is missing', async () => {
    const user = await createUser(t);
    const project = await createProject(t, user);
    await createImage(t, user, project.id);
    await createDrawing(t, user, project.id, {}, await makePng(10, 10));
    const lost = await createImage(t, user, project.id);
    const { rows } = await t.db.query<{ key: string }>(
      'SELECT thumbnail_key AS key FROM images WHERE id = $1',
      [lost.id],
    );
    const missing = rows[0].key;
    await t.ctx.store.delete(missing);
    // What a crash between storing files and committing their rows leaves behind.
    const orphans = [fileKey('images', user.id, 'image/png'), fileKey('drawings', user.id, 'image/png')];
    for (const key of orphans) {
      await t.ctx.store.put(key, { buffer: await makePng(4, 4) }, { contentType: 'image/png' });
    }
    const referenced = (await filesInStore(t)).filter((k) => !orphans.includes(k));

    const dry = await runStorageGc(t, ['--dry-run', '--grace=0s']);
    expect(dry.code).toBe(0);
    expect(dry.report).toMatchObject({
      driver,
      orphans: expect.arrayContaining(orphans),
      deleted: 0,
      dryRun: true,
    });
    expect(await filesInStore(t)).toEqual([...referenced, ...orphans].sort());

    const { code, report } = await runStorageGc(t, ['--grace=0s']);
    expect(code).toBe(0);
    expect({ ...report, orphans: [...report.orphans].sort() }).toMatchObject({
      driver,
      orphans: [...orphans].sort(),
      deleted: 2,
      missing: [missing],
      failed: [],
      dryRun: false,
    });
    expect(await filesInStore(t)).toEqual(referenced);
    expect(await storedBytes(t, orphans[0])).toBeNull();
    // Two runs of the script, each its own process opening the database (on PGlite a copy of it: seconds each).
  }, 120_000);
}
