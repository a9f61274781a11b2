import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createUser,
  type Project,
  type TestUser,
} from '../helpers/factories';
import { makeJpeg, makePng } from '../helpers/images';
import {
  DRAWING_KEYS,
  drawingForm,
  expectProblem,
  storageUsed,
  storedBytes,
  storedBytesOfRows,
  storedKeys,
  textBytesOfRows,
  uploadTempFiles,
} from '../images/helpers';

const MB = 1024 * 1024;
const t = useTestApp({ env: { MAX_UPLOAD_BYTES: String(256 * 1024) }, validateResponses: true });

let user: TestUser;
let project: Project;

beforeAll(async () => {
  user = await createUser(t);
  project = await createProject(t, user);
});

afterEach(async () => {
  expect(uploadTempFiles(t)).toEqual([]);
  // Storage use always equals what the rows hold.
  expect(await storageUsed(t, user.id)).toBe(await storedBytesOfRows(t, user.id));
});

const strokes = { strokes: [{ color: '#ff0000', width: 4, points: [1, 2, 3, 4] }] };
/** A `data` object of exactly `bytes` bytes of JSON. */
const dataOfSize = (bytes: number) => ({ s: 'x'.repeat(bytes - '{"s":""}'.length) });
const pngKeysOf = (owner: TestUser) => storedKeys(t, `drawings/${owner.id}/`);

describe('POST /api/drawings', () => {
  test('when the JSON form is sent, then 201 with Location, ETag "1" and no PNG', async () => {
    const image = await createImage(t, user, project.id);
    const res = await t.http().post('/api/drawings').set(user.auth).send({
      projectId: project.id,
      imageId: image.id,
      title: 'Blue whale',
      data: strokes,
      width: 800,
      height: 600,
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/drawings/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(Object.keys(res.body).sort()).toEqual(DRAWING_KEYS);
    expect(res.body).toMatchObject({
      projectId: project.id,
      imageId: image.id,
      title: 'Blue whale',
      data: strokes,
      width: 800,
      height: 600,
      mimeType: null,
      sizeBytes: null,
      url: null,
      version: 1,
    });
  });

  test('when the multipart form carries a PNG, then it is stored, counted and served through url', async () => {
    const owner = await createUser(t);
    const own = await createProject(t, owner);
    const png = await makePng(40, 30, { noise: true });
    const res = await drawingForm(
      t.http().post('/api/drawings').set(owner.auth),
      {
        projectId: own.id,
        data: JSON.stringify([{ tool: 'pen', points: [0, 1] }]),
        width: '400',
        height: '300',
      },
      { bytes: png, filename: 'render.jpg', contentType: 'image/jpeg' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      data: [{ tool: 'pen', points: [0, 1] }],
      width: 400,
      height: 300,
      mimeType: 'image/png',
      sizeBytes: png.length,
    });
    const keys = await pngKeysOf(owner);
    expect(keys).toHaveLength(1);
    expect((await storedBytes(t, keys[0]))!.equals(png)).toBe(true);
    // The PNG plus the stroke data (stored text counts too).
    expect(await storageUsed(t, owner.id)).toBe(png.length + (await textBytesOfRows(t, owner.id)));
    const fetched = await t.http().get(res.body.url);
    expect(fetched.status).toBe(200);
    expect((fetched.body as Buffer).equals(png)).toBe(true);
    const { rows } = await t.db.query(
      `SELECT 1 FROM analytics_events WHERE user_id = $1 AND type = 'drawing.created' AND properties->>'drawingId' = $2`,
      [owner.id, res.body.id],
    );
    expect(rows).toHaveLength(1);
  });

  test('when data is exactly 5 MB of JSON, then it is accepted; one byte more is a 400 naming data', async () => {
    const ok = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .send({ projectId: project.id, data: dataOfSize(5 * MB), width: 10, height: 10 });
    expect(ok.status).toBe(201);
    const over = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .send({ projectId: project.id, data: dataOfSize(5 * MB + 1), width: 10, height: 10 });
    expectProblem(over, 400, 'VALIDATION_ERROR');
    expect(over.body.errors).toEqual([{ path: 'data', message: expect.stringContaining('5242880 bytes') }]);
  });

  test('when data over 5 MB comes in the multipart form, then 400 naming data and nothing is stored', async () => {
    const before = await storedKeys(t);
    const res = await drawingForm(
      t.http().post('/api/drawings').set(user.auth),
      { projectId: project.id, data: JSON.stringify(dataOfSize(5 * MB + 1)), width: 10, height: 10 },
      { bytes: await makePng(10, 10) },
    );
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['data']);
    expect(await storedKeys(t)).toEqual(before);
  });

  test('when the JSON body is over the 8 MB drawing limit, then 413', async () => {
    const res = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .send({ projectId: project.id, data: dataOfSize(8 * MB), width: 10, height: 10 });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('when the file is not a PNG (a JPEG), then 415 and nothing is stored', async () => {
    const before = await storedKeys(t);
    const res = await drawingForm(
      t.http().post('/api/drawings').set(user.auth),
      { projectId: project.id, data: strokes, width: 10, height: 10 },
      { bytes: await makeJpeg(10, 10), filename: 'render.png', contentType: 'image/png' },
    );
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await storedKeys(t)).toEqual(before);
  });

  test('when the body is neither JSON nor a form, then 415', async () => {
    const res = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .set('Content-Type', 'text/plain')
      .send('strokes');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test.each([
    ['no data', 'data', { data: undefined }],
    ['data as a string', 'data', { data: 'strokes' }],
    ['no width', 'width', { width: undefined }],
    ['a width over 16384', 'width', { width: 16385 }],
    ['a field the client may not set', 'version', { version: 3 }],
    ['a malformed imageId', 'imageId', { imageId: 'nope' }],
  ])(
    'when the JSON body has %s, then 400 naming %s',
    async (_what, field, patch: Record<string, unknown>) => {
      const res = await t
        .http()
        .post('/api/drawings')
        .set(user.auth)
        .send({ projectId: project.id, data: strokes, width: 10, height: 10, ...patch });
      expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    },
  );

  test("when imageId is the caller's image of another project, then 400 naming imageId", async () => {
    const other = await createProject(t, user);
    const image = await createImage(t, user, other.id);
    const res = await t
      .http()
      .post('/api/drawings')
      .set(user.auth)
      .send({ projectId: project.id, imageId: image.id, data: strokes, width: 10, height: 10 });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([
      { path: 'imageId', message: "must be an image of the drawing's project" },
    ]);
  });
});

describe('GET /api/drawings', () => {
  test('when listing by project or image, then drawings come in creation order, paged', async () => {
    const own = await createProject(t, user);
    const image = await createImage(t, user, own.id);
    const a = await createDrawing(t, user, own.id, { imageId: image.id });
    const b = await createDrawing(t, user, own.id);
    const c = await createDrawing(t, user, own.id, { imageId: image.id });
    const all = await t.http().get(`/api/drawings?projectId=${own.id}&limit=2`).set(user.auth);
    expect(all.status).toBe(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual([a.id, b.id]);
    expect(all.body.pagination).toEqual({ page: 1, limit: 2, total: 3, totalPages: 2 });
    const ofImage = await t.http().get(`/api/drawings?imageId=${image.id}`).set(user.auth);
    expect(ofImage.body.data.map((d: { id: string }) => d.id)).toEqual([a.id, c.id]);
  });

  test('when one drawing is read, then it comes with its ETag', async () => {
    const drawing = await createDrawing(t, user, project.id);
    const res = await t.http().get(`/api/drawings/${drawing.id}`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual(drawing);
  });
});

describe('PUT /api/drawings/:id', () => {
  test('when fields change with a matching If-Match, then 200, version + 1, and the PNG is kept without a file', async () => {
    const png = await makePng(20, 20);
    const drawing = await createDrawing(t, user, project.id, {}, png);
    const res = await t
      .http()
      .put(`/api/drawings/${drawing.id}`)
      .set(user.auth)
      .set('If-Match', '"1"')
      .send({ title: 'Renamed', data: [{ points: [] }] });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      title: 'Renamed',
      data: [{ points: [] }],
      version: 2,
      mimeType: 'image/png',
      sizeBytes: png.length,
    });
    expect((await t.http().get(res.body.url)).status).toBe(200);
  });

  test('when If-Match is stale, then 412 with the current ETag, nothing changes and no file is kept', async () => {
    const drawing = await createDrawing(t, user, project.id);
    await t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).send({ title: 'v2' }).expect(200);
    const before = await storedKeys(t);
    const res = await drawingForm(
      t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).set('If-Match', '"1"'),
      { title: 'stale' },
      { bytes: await makePng(12, 12) },
    );
    expectProblem(res, 412, 'VERSION_CONFLICT');
    expect(res.headers.etag).toBe('"2"');
    expect(await storedKeys(t)).toEqual(before);
    expect((await t.http().get(`/api/drawings/${drawing.id}`).set(user.auth)).body.title).toBe('v2');
  });

  test('when a new PNG is sent, then it replaces the old file and storage use changes by the difference', async () => {
    const owner = await createUser(t);
    const own = await createProject(t, owner);
    const small = await makePng(10, 10);
    const large = await makePng(60, 60, { noise: true });
    const drawing = await createDrawing(t, owner, own.id, {}, small);
    const [oldKey] = await pngKeysOf(owner);
    const res = await drawingForm(
      t.http().put(`/api/drawings/${drawing.id}`).set(owner.auth),
      {},
      { bytes: large },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, sizeBytes: large.length, data: drawing.data });
    const keys = await pngKeysOf(owner);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(oldKey);
    expect((await storedBytes(t, keys[0]))!.equals(large)).toBe(true);
    expect(await storageUsed(t, owner.id)).toBe(large.length + (await textBytesOfRows(t, owner.id)));
  });

  test('when the drawing moves to another project without imageId, then its image is cleared', async () => {
    const from = await createProject(t, user);
    const to = await createProject(t, user);
    const image = await createImage(t, user, from.id);
    const drawing = await createDrawing(t, user, from.id, { imageId: image.id });
    const res = await t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).send({ projectId: to.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projectId: to.id, imageId: null, version: 2 });
  });

  test('when imageId is set to null in the JSON form, then the drawing is detached', async () => {
    const image = await createImage(t, user, project.id);
    const drawing = await createDrawing(t, user, project.id, { imageId: image.id });
    const res = await t.http().put(`/api/drawings/${drawing.id}`).set(user.auth).send({ imageId: null });
    expect(res.status).toBe(200);
    expect(res.body.imageId).toBeNull();
  });

  test.each([
    ['an empty JSON body', {}],
    ['an empty form', 'form'],
  ])('when the PUT has %s (no field, no file), then 400', async (_what, body) => {
    const drawing = await createDrawing(t, user, project.id);
    const req = t.http().put(`/api/drawings/${drawing.id}`).set(user.auth);
    const res =
      body === 'form'
        ? await req.set('Content-Type', 'multipart/form-data; boundary=empty').send('--empty--\r\n')
        : await req.send(body);
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });
});

describe('DELETE /api/drawings/:id', () => {
  test('when a drawing with a PNG is deleted, then 204, the file is gone and its size released', async () => {
    const owner = await createUser(t);
    const own = await createProject(t, owner);
    const drawing = await createDrawing(t, owner, own.id, {}, await makePng(16, 16));
    expect(await pngKeysOf(owner)).toHaveLength(1);
    const stale = await t.http().delete(`/api/drawings/${drawing.id}`).set(owner.auth).set('If-Match', '"7"');
    expectProblem(stale, 412, 'VERSION_CONFLICT');
    const res = await t.http().delete(`/api/drawings/${drawing.id}`).set(owner.auth).set('If-Match', '"1"');
    expect(res.status).toBe(204);
    expect(await pngKeysOf(owner)).toEqual([]);
    expect(await storageUsed(t, owner.id)).toBe(0);
    expectProblem(await t.http().delete(`/api/drawings/${drawing.id}`).set(owner.auth), 404, 'NOT_FOUND');
  });
});
