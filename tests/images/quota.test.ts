/**
 * Storage accounting against a small free plan: use changes with the rows, an upload that would pass the
 * plan's limit is a 403 that keeps nothing, and concurrent uploads cannot together pass it.
 */
import type request from 'supertest';
import { useTestApp } from '../helpers/app';
import { createDrawing, createImage, createProject, createUser, type TestUser } from '../helpers/factories';
import {
  drawingForm,
  expectProblem,
  keysOfRows,
  pngOfSize,
  postImage,
  storageUsed,
  storedBytesOfRows,
  storedKeys,
  textBytesOfRows,
  uploadTempFiles,
} from './helpers';

const LIMIT = 40_000;
const t = useTestApp({ env: { PLAN_FREE_STORAGE_BYTES: String(LIMIT) }, validateResponses: true });

/** Owners whose storage use must equal what their rows hold after every test. */
const owners: TestUser[] = [];
async function owner(): Promise<TestUser> {
  const user = await createUser(t);
  owners.push(user);
  return user;
}

afterEach(async () => {
  expect(uploadTempFiles(t)).toEqual([]);
  for (const user of owners) {
    expect(await storageUsed(t, user.id)).toBe(await storedBytesOfRows(t, user.id));
    // Every stored file of the user is one a row points to, and the other way round.
    expect(await storedKeys(t, `images/${user.id}/`)).toEqual(
      (await keysOfRows(t, user.id)).filter((k) => k.startsWith('images/')),
    );
    expect(await storedKeys(t, `drawings/${user.id}/`)).toEqual(
      (await keysOfRows(t, user.id)).filter((k) => k.startsWith('drawings/')),
    );
  }
});

const quotaProblem = (res: request.Response) => expectProblem(res, 403, 'STORAGE_QUOTA_EXCEEDED');

describe('the plan limit', () => {
  test('when uploads reach the limit exactly, then they are accepted; one byte more is 403 and nothing is kept', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(30_000) });
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(10_000) });
    expect(await storageUsed(t, user.id)).toBe(LIMIT);
    const me = await t.http().get('/api/auth/me').set(user.auth);
    expect(me.body).toMatchObject({ storageUsedBytes: LIMIT, storageLimitBytes: LIMIT });

    const res = await postImage(t, user, { projectId: project.id }, { bytes: await pngOfSize(200) });
    quotaProblem(res);
    expect(res.body).toMatchObject({ storageUsedBytes: LIMIT, storageLimitBytes: LIMIT });
    expect(await storedKeys(t, `images/${user.id}/`)).toHaveLength(4);
  });

  test('when an image is deleted, then its size is released and the room can be used again', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    const big = await createImage(t, user, project.id, {}, { bytes: await pngOfSize(35_000) });
    quotaProblem(await postImage(t, user, { projectId: project.id }, { bytes: await pngOfSize(10_000) }));
    await t.http().delete(`/api/images/${big.id}`).set(user.auth).expect(204);
    expect(await storageUsed(t, user.id)).toBe(0);
    const res = await postImage(t, user, { projectId: project.id }, { bytes: await pngOfSize(10_000) });
    expect(res.status).toBe(201);
  });

  test('when eight uploads of 10,000 bytes race for 40,000 bytes, then exactly four are kept and use never passes the limit', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    const bytes = await pngOfSize(10_000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => postImage(t, user, { projectId: project.id }, { bytes })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 403, 403, 403, 403]);
    for (const res of results.filter((r) => r.status === 403)) quotaProblem(res);
    expect(await storageUsed(t, user.id)).toBe(LIMIT);
    expect(await storedKeys(t, `images/${user.id}/`)).toHaveLength(8);
  });

  test('when a paid plan applies, then its limit does', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [user.id]);
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(30_000) });
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(30_000) });
    expect(await storageUsed(t, user.id)).toBe(60_000);
  });
});

describe("drawings' PNGs count", () => {
  test('when a drawing PNG would pass the limit, then 403 and nothing is stored; without a PNG the drawing is accepted', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(35_000) });
    const fields = { projectId: project.id, data: { strokes: [] }, width: 10, height: 10 };
    quotaProblem(
      await drawingForm(t.http().post('/api/drawings').set(user.auth), fields, {
        bytes: await pngOfSize(6_000),
      }),
    );
    const plain = await t.http().post('/api/drawings').set(user.auth).send(fields);
    expect(plain.status).toBe(201);
  });

  test('when a larger PNG replaces one past the room left, then 403 and the old PNG is kept; a smaller one is accepted', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    const drawing = await createDrawing(t, user, project.id, {}, await pngOfSize(20_000));
    await createImage(t, user, project.id, {}, { bytes: await pngOfSize(15_000) });
    const put = (size: number) =>
      pngOfSize(size).then((bytes) =>
        drawingForm(t.http().put(`/api/drawings/${drawing.id}`).set(user.auth), {}, { bytes }),
      );
    // 20,000 → 26,000 needs 6,000 more; 5,000 are left.
    quotaProblem(await put(26_000));
    expect((await t.http().get(`/api/drawings/${drawing.id}`).set(user.auth)).body).toMatchObject({
      version: 1,
      sizeBytes: 20_000,
    });
    const smaller = await put(1_000);
    expect(smaller.status).toBe(200);
    // 15,000 + 1,000 of files, and the drawing's stroke data (stored text counts too).
    expect(await storageUsed(t, user.id)).toBe(16_000 + (await textBytesOfRows(t, user.id)));
  });
});

describe('duplicates count again', () => {
  test('when a duplicate would pass the limit, then 403 and nothing is copied; on a larger plan it is copied and counted', async () => {
    const user = await owner();
    const project = await createProject(t, user);
    const image = await createImage(t, user, project.id, {}, { bytes: await pngOfSize(14_000) });
    await createDrawing(t, user, project.id, { imageId: image.id }, await pngOfSize(8_000));
    const before = { projects: (await t.http().get('/api/projects').set(user.auth)).body.pagination.total };

    const refused = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    quotaProblem(refused);
    expect((await t.http().get('/api/projects').set(user.auth)).body.pagination.total).toBe(before.projects);
    const text = await textBytesOfRows(t, user.id);
    expect(await storageUsed(t, user.id)).toBe(22_000 + text);

    await t.db.query(`UPDATE users SET plan = 'pro' WHERE id = $1`, [user.id]);
    const copied = await t.http().post(`/api/projects/${project.id}/duplicate`).set(user.auth);
    expect(copied.status).toBe(201);
    expect(copied.body.counts).toEqual({ stories: 0, images: 1, drawings: 1 });
    expect(await storageUsed(t, user.id)).toBe(44_000 + 2 * text);
  });
});
