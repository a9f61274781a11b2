/**
 * Broken object-level authorisation, route by route: another user's image, drawing, project or story is a
 * 404 wherever it is named (path, query, body), nothing of theirs changes, and nothing is stored.
 */
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type Drawing,
  type Image,
  type Project,
  type Story,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';
import { drawingForm, expectProblem, postImage, storageUsed, storedKeys } from './helpers';

const t = useTestApp({ env: { MAX_UPLOAD_BYTES: String(64 * 1024) }, validateResponses: true });

let alice: TestUser;
let bob: TestUser;
// Filled in beforeAll.
const a = {} as { project: Project; story: Story; image: Image; drawing: Drawing };
const b = {} as { project: Project; image: Image; drawing: Drawing };
let png: Buffer;
let snapshot: { keys: string[]; aliceUsed: number; bobUsed: number; image: unknown; drawing: unknown };

beforeAll(async () => {
  png = await makePng(8, 8);
  alice = await createUser(t);
  bob = await createUser(t);
  a.project = await createProject(t, alice);
  a.story = await createStory(t, alice, a.project.id);
  a.image = await createImage(t, alice, a.project.id, { storyId: a.story.id });
  a.drawing = await createDrawing(t, alice, a.project.id, { imageId: a.image.id }, png);
  b.project = await createProject(t, bob);
  b.image = await createImage(t, bob, b.project.id);
  b.drawing = await createDrawing(t, bob, b.project.id);
});

beforeEach(async () => {
  snapshot = {
    keys: await storedKeys(t),
    aliceUsed: await storageUsed(t, alice.id),
    bobUsed: await storageUsed(t, bob.id),
    image: (await t.db.query('SELECT * FROM images WHERE id = $1', [a.image.id])).rows[0],
    drawing: (await t.db.query('SELECT * FROM drawings WHERE id = $1', [a.drawing.id])).rows[0],
  };
});

afterEach(async () => {
  expect(await storedKeys(t)).toEqual(snapshot.keys);
  expect(await storageUsed(t, alice.id)).toBe(snapshot.aliceUsed);
  expect(await storageUsed(t, bob.id)).toBe(snapshot.bobUsed);
  expect((await t.db.query('SELECT * FROM images WHERE id = $1', [a.image.id])).rows[0]).toEqual(
    snapshot.image,
  );
  expect((await t.db.query('SELECT * FROM drawings WHERE id = $1', [a.drawing.id])).rows[0]).toEqual(
    snapshot.drawing,
  );
});

const json = (method: 'get' | 'put' | 'delete' | 'post', path: string, body?: object) => {
  const req = t.http()[method](path).set(bob.auth);
  return body ? req.send(body) : req;
};

describe("another user's images and drawings are 404 on every route", () => {
  test.each([
    ['GET one image', () => json('get', `/api/images/${a.image.id}`)],
    ['PUT an image', () => json('put', `/api/images/${a.image.id}`, { title: 'mine now' })],
    ['DELETE an image', () => json('delete', `/api/images/${a.image.id}`)],
    ['list images of their project', () => json('get', `/api/images?projectId=${a.project.id}`)],
    ['list images of their story', () => json('get', `/api/images?storyId=${a.story.id}`)],
    ['GET one drawing', () => json('get', `/api/drawings/${a.drawing.id}`)],
    ['PUT a drawing', () => json('put', `/api/drawings/${a.drawing.id}`, { title: 'mine now' })],
    [
      'PUT a drawing with a new PNG',
      () => drawingForm(t.http().put(`/api/drawings/${a.drawing.id}`).set(bob.auth), {}, { bytes: png }),
    ],
    ['DELETE a drawing', () => json('delete', `/api/drawings/${a.drawing.id}`)],
    ['list drawings of their project', () => json('get', `/api/drawings?projectId=${a.project.id}`)],
    ['list drawings of their image', () => json('get', `/api/drawings?imageId=${a.image.id}`)],
    ['upload into their project', () => postImage(t, bob, { projectId: a.project.id }, { bytes: png })],
    [
      'upload into their story',
      () => postImage(t, bob, { projectId: b.project.id, storyId: a.story.id }, { bytes: png }),
    ],
    [
      'move an image into their project',
      () => json('put', `/api/images/${b.image.id}`, { projectId: a.project.id }),
    ],
    [
      'attach an image to their story',
      () => json('put', `/api/images/${b.image.id}`, { storyId: a.story.id }),
    ],
    [
      'create a drawing in their project',
      () => json('post', '/api/drawings', { projectId: a.project.id, data: {}, width: 1, height: 1 }),
    ],
    [
      'create a drawing with a PNG in their project',
      () =>
        drawingForm(
          t.http().post('/api/drawings').set(bob.auth),
          { projectId: a.project.id, data: {}, width: 1, height: 1 },
          { bytes: png },
        ),
    ],
    [
      'create a drawing of their image',
      () =>
        json('post', '/api/drawings', {
          projectId: b.project.id,
          imageId: a.image.id,
          data: {},
          width: 1,
          height: 1,
        }),
    ],
    [
      'move a drawing into their project',
      () => json('put', `/api/drawings/${b.drawing.id}`, { projectId: a.project.id }),
    ],
    [
      'attach a drawing to their image',
      () => json('put', `/api/drawings/${b.drawing.id}`, { imageId: a.image.id }),
    ],
    ['embed their images', () => json('get', `/api/projects/${a.project.id}?include=images,drawings`)],
    ['duplicate their project', () => json('post', `/api/projects/${a.project.id}/duplicate`, {})],
    ['delete their project', () => json('delete', `/api/projects/${a.project.id}`)],
  ])('when bob tries to %s, then 404 NOT_FOUND', async (_what, send) => {
    expectProblem(await send(), 404, 'NOT_FOUND');
  });

  test("when bob names alice's image as his project's cover, then 400 and his project is unchanged", async () => {
    const res = await json('put', `/api/projects/${b.project.id}`, { coverImageId: a.image.id });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect((await json('get', `/api/projects/${b.project.id}`)).body.coverImageId).toBeNull();
  });

  test("when alice reads her image after bob's attempts, then its signed URL still serves her file", async () => {
    const res = await t.http().get(`/api/images/${a.image.id}`).set(alice.auth);
    expect(res.status).toBe(200);
    expect((await t.http().get(res.body.url)).status).toBe(200);
  });
});

describe('malformed ids and anonymous callers', () => {
  test.each([
    ['get', '/api/images/not-a-uuid'],
    ['put', '/api/images/not-a-uuid'],
    ['delete', '/api/images/not-a-uuid'],
    ['get', '/api/drawings/not-a-uuid'],
    ['put', '/api/drawings/not-a-uuid'],
    ['delete', '/api/drawings/not-a-uuid'],
    ['get', '/api/images?storyId=not-a-uuid'],
    ['get', '/api/drawings?imageId=not-a-uuid'],
  ] as const)('when %s %s has a malformed id, then 400 VALIDATION_ERROR', async (method, path) => {
    const res = await json(method, path, method === 'put' ? { title: 'x' } : undefined);
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });

  test.each([
    ['get', '/api/images'],
    ['post', '/api/images'],
    ['get', '/api/images/00000000-0000-4000-8000-000000000000'],
    ['put', '/api/images/00000000-0000-4000-8000-000000000000'],
    ['delete', '/api/images/00000000-0000-4000-8000-000000000000'],
    ['get', '/api/drawings'],
    ['post', '/api/drawings'],
    ['get', '/api/drawings/00000000-0000-4000-8000-000000000000'],
    ['put', '/api/drawings/00000000-0000-4000-8000-000000000000'],
    ['delete', '/api/drawings/00000000-0000-4000-8000-000000000000'],
  ] as const)('when %s %s has no token, then 401', async (method, path) => {
    const res = await t.http()[method](path);
    expectProblem(res, 401, 'UNAUTHENTICATED');
  });
});
