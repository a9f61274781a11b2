import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { storagePaths } from '../../src/storage';
import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createStory,
  createUser,
  type Project,
  type TestUser,
} from '../helpers/factories';
import { makeImage, makeJpeg, makePixelBombPng, makePng, makeWebp } from '../helpers/images';
import {
  IMAGE_KEYS,
  expectProblem,
  pngOfSize,
  postImage,
  storageUsed,
  storedBytes,
  storedKeys,
  textBytesOfRows,
  uploadTempFiles,
} from './helpers';

const LIMIT = 256 * 1024;
const t = useTestApp({ env: { MAX_UPLOAD_BYTES: String(LIMIT) }, validateResponses: true });

let user: TestUser;
let project: Project;

beforeAll(async () => {
  user = await createUser(t);
  project = await createProject(t, user);
});

afterEach(() => {
  expect(uploadTempFiles(t)).toEqual([]);
});

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('POST /api/images: accepted uploads', () => {
  test.each([
    ['PNG', 'image/png', 'png', makePng],
    ['JPEG', 'image/jpeg', 'jpg', makeJpeg],
    ['WebP', 'image/webp', 'webp', makeWebp],
  ] as const)(
    'when a real %s is uploaded, then 201 with Location, the Image, its bytes stored and its size counted',
    async (_name, type, ext, make) => {
      const owner = await createUser(t);
      const own = await createProject(t, owner);
      const bytes = await make(120, 80, { noise: true });
      const res = await postImage(
        t,
        owner,
        {
          projectId: own.id,
          title: 'Whale',
          prompt: 'a whale, thick outlines',
          provider: 'openai',
          model: 'gpt-image-1',
        },
        { bytes, filename: `whale.${ext}`, contentType: type },
      );
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/images/${res.body.id}`);
      expect(Object.keys(res.body).sort()).toEqual(IMAGE_KEYS);
      expect(res.body).toMatchObject({
        projectId: own.id,
        storyId: null,
        kind: 'page',
        title: 'Whale',
        originalFilename: `whale.${ext}`,
        prompt: 'a whale, thick outlines',
        provider: 'openai',
        model: 'gpt-image-1',
        mimeType: type,
        width: 120,
        height: 80,
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        position: 0,
        metadata: {},
      });
      expect(res.body.url).toMatch(
        new RegExp(`^${t.config.publicUrl}/api/files/images/${owner.id}/[0-9a-f-]+\\.${ext}\\?exp=`),
      );
      expect(res.body.thumbnailUrl).toMatch(/-thumb\.webp\?exp=\d+&sig=/);
      // The original as sent, a WebP thumbnail beside it, and nothing else.
      const keys = await storedKeys(t, `images/${owner.id}/`);
      expect(keys).toHaveLength(2);
      const original = keys.find((k) => !k.includes('-thumb'))!;
      expect((await storedBytes(t, original))!.equals(bytes)).toBe(true);
      expect(await storageUsed(t, owner.id)).toBe(bytes.length);
    },
  );

  test('when a PNG is named .jpg with a JPEG content type, then its bytes decide: image/png', async () => {
    const bytes = await makePng(10, 10);
    const res = await postImage(
      t,
      user,
      { projectId: project.id },
      { bytes, filename: 'holiday.jpg', contentType: 'image/jpeg' },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ mimeType: 'image/png', originalFilename: 'holiday.jpg' });
    expect(res.body.url).toMatch(/\.png\?/);
  });

  test('when the file name climbs directories, then only a display name is kept and no such path exists', async () => {
    const res = await postImage(
      t,
      user,
      { projectId: project.id },
      { bytes: await makePng(10, 10), filename: '../../etc/passwd.png' },
    );
    expect(res.status).toBe(201);
    expect(res.body.originalFilename).toBe('passwd.png');
    expect(res.body.url).not.toMatch(/passwd|\.\./);
    const everything = fs.readdirSync(t.dataDir, { recursive: true }) as string[];
    expect(everything.filter((name) => name.includes('passwd'))).toEqual([]);
    expect(fs.existsSync(path.resolve(storagePaths(t.config).files, '../../etc/passwd.png'))).toBe(false);
  });

  test('when fields come as text, then position is a number and metadata an object; kind is kept', async () => {
    const story = await createStory(t, user, project.id);
    const res = await postImage(
      t,
      user,
      {
        projectId: project.id,
        storyId: story.id,
        kind: 'cover',
        title: '123',
        position: '7',
        metadata: JSON.stringify({ style: 'mandala', tags: ['a'] }),
      },
      { bytes: await makePng(10, 10) },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      storyId: story.id,
      kind: 'cover',
      title: '123',
      position: 7,
      metadata: { style: 'mandala', tags: ['a'] },
    });
  });

  test('when the file is exactly MAX_UPLOAD_BYTES, then it is accepted', async () => {
    const bytes = await pngOfSize(LIMIT);
    expect(bytes.length).toBe(LIMIT);
    const res = await postImage(t, user, { projectId: project.id }, { bytes });
    expect(res.status).toBe(201);
    expect(res.body.sizeBytes).toBe(LIMIT);
  });

  test('when the image is large, then its thumbnail is a WebP of at most 512 px fetched without a token', async () => {
    const res = await postImage(t, user, { projectId: project.id }, { bytes: await makePng(1200, 800) });
    expect(res.status).toBe(201);
    const thumb = await t.http().get(res.body.thumbnailUrl);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'webp',
      width: 512,
      height: 341,
    });
  });

  test('when no position is given, then each image goes after the last one of its project', async () => {
    const own = await createProject(t, user);
    await createImage(t, user, own.id, { position: 5 });
    const next = await createImage(t, user, own.id);
    expect(next.position).toBe(6);
  });

  test('when the upload is created, then an image.created event is recorded in the same transaction', async () => {
    const image = await createImage(t, user, project.id);
    const { rows } = await t.db.query<{ type: string; properties: Record<string, unknown> }>(
      `SELECT type, properties FROM analytics_events WHERE user_id = $1 AND type = 'image.created'
         AND properties->>'imageId' = $2`,
      [user.id, image.id],
    );
    expect(rows).toEqual([
      { type: 'image.created', properties: expect.objectContaining({ imageId: image.id }) },
    ]);
  });

  test('when the same Idempotency-Key comes again with the same file, then the first answer is replayed and one image exists', async () => {
    const own = await createProject(t, user);
    const key = crypto.randomUUID();
    const bytes = await makePng(12, 12);
    const first = await postImage(t, user, { projectId: own.id }, { bytes }).set('Idempotency-Key', key);
    const again = await postImage(t, user, { projectId: own.id }, { bytes }).set('Idempotency-Key', key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await postImage(t, user, { projectId: own.id }, { bytes: await makePng(13, 12) }).set(
      'Idempotency-Key',
      key,
    );
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    const list = await t.http().get(`/api/images?projectId=${own.id}`).set(user.auth);
    expect(list.body.pagination.total).toBe(1);
  });
});

describe('POST /api/images: refused uploads store nothing and leave storage use unchanged', () => {
  let before: { keys: string[]; used: number };
  beforeEach(async () => {
    before = { keys: await storedKeys(t), used: await storageUsed(t, user.id) };
  });
  afterEach(async () => {
    expect(await storedKeys(t)).toEqual(before.keys);
    expect(await storageUsed(t, user.id)).toBe(before.used);
  });

  test.each([
    [
      'an SVG with a script',
      'evil.svg',
      'image/svg+xml',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
    ['text named .png', 'notes.png', 'image/png', 'just some text, not an image at all\n'],
  ])('when %s is uploaded, then 415 UNSUPPORTED_MEDIA_TYPE', async (_what, filename, contentType, text) => {
    const res = await postImage(
      t,
      user,
      { projectId: project.id },
      { bytes: Buffer.from(text), filename, contentType },
    );
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when a GIF is uploaded, then 415', async () => {
    const res = await postImage(
      t,
      user,
      { projectId: project.id },
      { bytes: await makeImage('gif', 10, 10), filename: 'a.gif', contentType: 'image/gif' },
    );
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when a PNG is cut off halfway, then 415: it does not decode', async () => {
    const bytes = await makePng(128, 128, { noise: true });
    const res = await postImage(
      t,
      user,
      { projectId: project.id },
      { bytes: bytes.subarray(0, Math.floor(bytes.length / 2)) },
    );
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when a small PNG declares 20000×20000 pixels, then 400 VALIDATION_ERROR naming the file', async () => {
    const res = await postImage(t, user, { projectId: project.id }, { bytes: await makePixelBombPng() });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'file', message: 'must be at most 100 megapixels' }]);
  });

  test('when the file is one byte over MAX_UPLOAD_BYTES, then 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await postImage(t, user, { projectId: project.id }, { bytes: await pngOfSize(LIMIT + 1) });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('when no file is sent, then 400 naming file', async () => {
    const res = await t.http().post('/api/images').set(user.auth).field('projectId', project.id);
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'file', message: 'is required' }]);
  });

  test('when the form has two files, then 400 saying one file is accepted', async () => {
    const png = await makePng(10, 10);
    const res = await t
      .http()
      .post('/api/images')
      .set(user.auth)
      .field('projectId', project.id)
      .attach('file', png, 'a.png')
      .attach('file', png, 'b.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.detail).toBe('Too many files: one file is accepted');
  });

  test('when the form is sent with a Content-Encoding, then 415: it is not read as a form', async () => {
    const res = await t
      .http()
      .post('/api/images')
      .set(user.auth)
      .set('Content-Encoding', 'gzip')
      .field('projectId', project.id)
      .attach('file', await makePng(10, 10), 'a.png');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(res.body.detail).toBe('A multipart body cannot have Content-Encoding "gzip"');
  });

  test('when the body is JSON instead of a form, then 415', async () => {
    const res = await t.http().post('/api/images').set(user.auth).send({ projectId: project.id });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test.each([
    ['no projectId', 'projectId', {}],
    ['metadata that is not JSON', 'metadata', { metadata: '{nope' }],
    ['a kind outside page, cover, reference', 'kind', { kind: 'poster' }],
    ['a 201-character title', 'title', { title: 'x'.repeat(201) }],
    ['a field the client may not set', 'sha256', { sha256: 'a'.repeat(64) }],
    ['a malformed storyId', 'storyId', { storyId: 'nope' }],
  ])('when the form has %s, then 400 naming %s', async (_what, field, fields: Record<string, unknown>) => {
    const base = 'projectId' in fields || field === 'projectId' ? {} : { projectId: project.id };
    const res = await postImage(t, user, { ...base, ...fields }, { bytes: await makePng(10, 10) });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  test("when the story is one of the caller's but in another project, then 400 naming storyId", async () => {
    const other = await createProject(t, user);
    const story = await createStory(t, user, other.id);
    const res = await postImage(
      t,
      user,
      { projectId: project.id, storyId: story.id },
      { bytes: await makePng(10, 10) },
    );
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'storyId', message: "must be a story of the image's project" }]);
  });
});

describe('signed URLs', () => {
  test('when the url is fetched without a token, then the original comes back; without its signature 400, tampered 403', async () => {
    const bytes = await makePng(24, 24, { noise: true });
    const image = await createImage(t, user, project.id, {}, { bytes });
    const ok = await t.http().get(image.url);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect((ok.body as Buffer).equals(bytes)).toBe(true);

    const bare = image.url.split('?')[0];
    expectProblem(await t.http().get(bare), 400, 'VALIDATION_ERROR');
    const url = new URL(image.url, 'http://api.test');
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expectProblem(await t.http().get(url.pathname + url.search), 403, 'FORBIDDEN');
    // A valid signature for the thumbnail does not open the original.
    const thumb = new URL(image.thumbnailUrl, 'http://api.test');
    expectProblem(await t.http().get(`${bare}${thumb.search}`), 403, 'FORBIDDEN');
  });
});

describe('GET /api/images', () => {
  test('when listing a project, then images come by position then creation, paged, with fresh URLs', async () => {
    const own = await createProject(t, user);
    const second = await createImage(t, user, own.id, { position: 2 });
    const first = await createImage(t, user, own.id, { position: 1 });
    const third = await createImage(t, user, own.id, { position: 2 });
    const res = await t.http().get(`/api/images?projectId=${own.id}&limit=2`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.data.map((i: { id: string }) => i.id)).toEqual([first.id, second.id]);
    expect(res.body.pagination).toEqual({ page: 1, limit: 2, total: 3, totalPages: 2 });
    expect((await t.http().get(res.body.data[0].url)).status).toBe(200);
    const next = await t.http().get(`/api/images?projectId=${own.id}&limit=2&page=2`).set(user.auth);
    expect(next.body.data.map((i: { id: string }) => i.id)).toEqual([third.id]);
    const past = await t.http().get(`/api/images?projectId=${own.id}&page=9`).set(user.auth);
    expect(past.body).toEqual({ data: [], pagination: { page: 9, limit: 20, total: 3, totalPages: 1 } });
  });

  test("when filtering by storyId, then only that story's images", async () => {
    const own = await createProject(t, user);
    const story = await createStory(t, user, own.id);
    const inStory = await createImage(t, user, own.id, { storyId: story.id });
    await createImage(t, user, own.id);
    const res = await t.http().get(`/api/images?storyId=${story.id}`).set(user.auth);
    expect(res.body.data.map((i: { id: string }) => i.id)).toEqual([inStory.id]);
  });

  test('when no filter is given, then every image of the caller and nobody else', async () => {
    const owner = await createUser(t);
    const own = await createProject(t, owner);
    const a = await createImage(t, owner, own.id);
    await createImage(t, user, project.id);
    const res = await t.http().get('/api/images').set(owner.auth);
    expect(res.body.data.map((i: { id: string }) => i.id)).toEqual([a.id]);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['page=0', 'page'],
    ['projectId=nope', 'projectId'],
    ['sort=title', 'sort'],
  ])('when the query has %s, then 400', async (query, field) => {
    const res = await t.http().get(`/api/images?${query}`).set(user.auth);
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('PUT /api/images/:id', () => {
  test('when fields are changed, then 200 with them and the file untouched', async () => {
    const image = await createImage(t, user, project.id, { title: 'Before', prompt: 'p' });
    const res = await t
      .http()
      .put(`/api/images/${image.id}`)
      .set(user.auth)
      .send({ title: 'After', prompt: null, kind: 'reference', position: 4, metadata: { a: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: image.id,
      title: 'After',
      prompt: null,
      kind: 'reference',
      position: 4,
      metadata: { a: 1 },
      sha256: image.sha256,
      sizeBytes: image.sizeBytes,
    });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(image.updatedAt));
  });

  test('when the image moves to another project without a storyId, then its story is cleared', async () => {
    const from = await createProject(t, user);
    const to = await createProject(t, user);
    const story = await createStory(t, user, from.id);
    const image = await createImage(t, user, from.id, { storyId: story.id });
    const res = await t.http().put(`/api/images/${image.id}`).set(user.auth).send({ projectId: to.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projectId: to.id, storyId: null });
    const counts = await t.http().get(`/api/projects/${from.id}`).set(user.auth);
    expect(counts.body.counts).toEqual({ stories: 1, images: 0, drawings: 0 });
  });

  test('when the image moves with a story of the new project, then both are set; a story of the old one is 400', async () => {
    const from = await createProject(t, user);
    const to = await createProject(t, user);
    const oldStory = await createStory(t, user, from.id);
    const newStory = await createStory(t, user, to.id);
    const image = await createImage(t, user, from.id, { storyId: oldStory.id });
    const bad = await t
      .http()
      .put(`/api/images/${image.id}`)
      .set(user.auth)
      .send({ projectId: to.id, storyId: oldStory.id });
    expectProblem(bad, 400, 'VALIDATION_ERROR');
    expect((await t.http().get(`/api/images/${image.id}`).set(user.auth)).body.projectId).toBe(from.id);
    const ok = await t
      .http()
      .put(`/api/images/${image.id}`)
      .set(user.auth)
      .send({ projectId: to.id, storyId: newStory.id });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ projectId: to.id, storyId: newStory.id });
  });

  test("when a moved image was the old project's cover and had drawings, then the cover is cleared and the drawings stay, detached", async () => {
    const from = await createProject(t, user);
    const to = await createProject(t, user);
    const image = await createImage(t, user, from.id);
    const drawing = await createDrawing(t, user, from.id, { imageId: image.id });
    await t
      .http()
      .put(`/api/projects/${from.id}`)
      .set(user.auth)
      .send({ coverImageId: image.id })
      .expect(200);
    await t.http().put(`/api/images/${image.id}`).set(user.auth).send({ projectId: to.id }).expect(200);
    const old = await t.http().get(`/api/projects/${from.id}`).set(user.auth);
    expect(old.body.coverImageId).toBeNull();
    const kept = await t.http().get(`/api/drawings/${drawing.id}`).set(user.auth);
    expect(kept.body).toMatchObject({ projectId: from.id, imageId: null });
  });

  test.each([
    ['an empty body', 'body', {}],
    ['the file', 'file', { file: 'x' }],
    ['a field the client may not set', 'sizeBytes', { sizeBytes: 1 }],
    ['a position out of range', 'position', { position: -1 }],
    ['metadata over 16 KB', 'metadata', { metadata: { s: 'x'.repeat(16 * 1024) } }],
  ])('when the body has %s, then 400 naming %s', async (_what, field, body: Record<string, unknown>) => {
    const image = await createImage(t, user, project.id);
    const res = await t.http().put(`/api/images/${image.id}`).set(user.auth).send(body);
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});

describe('DELETE /api/images/:id', () => {
  test('when an image is deleted, then 204, both files are gone, its size is released and its drawings stay', async () => {
    const owner = await createUser(t);
    const own = await createProject(t, owner);
    const keep = await createImage(t, owner, own.id);
    const image = await createImage(t, owner, own.id);
    const drawing = await createDrawing(t, owner, own.id, { imageId: image.id });
    await t
      .http()
      .put(`/api/projects/${own.id}`)
      .set(owner.auth)
      .send({ coverImageId: image.id })
      .expect(200);
    expect(await storedKeys(t, `images/${owner.id}/`)).toHaveLength(4);

    const res = await t.http().delete(`/api/images/${image.id}`).set(owner.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await storedKeys(t, `images/${owner.id}/`)).toHaveLength(2);
    // The kept original, and the drawing's stroke data (stored text counts too).
    expect(await storageUsed(t, owner.id)).toBe(keep.sizeBytes + (await textBytesOfRows(t, owner.id)));
    expect((await t.http().get(image.url)).status).toBe(404);
    expect((await t.http().get(`/api/images/${image.id}`).set(owner.auth)).status).toBe(404);
    expect((await t.http().get(`/api/drawings/${drawing.id}`).set(owner.auth)).body.imageId).toBeNull();
    expect((await t.http().get(`/api/projects/${own.id}`).set(owner.auth)).body).toMatchObject({
      coverImageId: null,
      counts: { stories: 0, images: 1, drawings: 1 },
    });
    expectProblem(await t.http().delete(`/api/images/${image.id}`).set(owner.auth), 404, 'NOT_FOUND');
  });
});

describe('images and their project and story', () => {
  test('when the project is read with include=images,drawings, then both are embedded in list order and counted', async () => {
    const own = await createProject(t, user);
    const b = await createImage(t, user, own.id, { position: 2 });
    const a = await createImage(t, user, own.id, { position: 1 });
    const d = await createDrawing(t, user, own.id, { imageId: a.id });
    const res = await t.http().get(`/api/projects/${own.id}?include=images,drawings`).set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body.images.map((i: { id: string }) => i.id)).toEqual([a.id, b.id]);
    expect(Object.keys(res.body.images[0]).sort()).toEqual(IMAGE_KEYS);
    expect(res.body.drawings.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect(res.body.counts).toEqual({ stories: 0, images: 2, drawings: 1 });
  });

  test("when coverImageId names one of the project's images, then it is set; another project's image is 400", async () => {
    const own = await createProject(t, user);
    const other = await createProject(t, user);
    const mine = await createImage(t, user, own.id);
    const foreign = await createImage(t, user, other.id);
    const ok = await t.http().put(`/api/projects/${own.id}`).set(user.auth).send({ coverImageId: mine.id });
    expect(ok.status).toBe(200);
    expect(ok.body.coverImageId).toBe(mine.id);
    const bad = await t
      .http()
      .put(`/api/projects/${own.id}`)
      .set(user.auth)
      .send({ coverImageId: foreign.id });
    expectProblem(bad, 400, 'VALIDATION_ERROR');
    expect((await t.http().get(`/api/projects/${own.id}`).set(user.auth)).body.coverImageId).toBe(mine.id);
  });

  test('when its story is deleted or moved to another project, then the image stays with storyId null', async () => {
    const own = await createProject(t, user);
    const other = await createProject(t, user);
    const deleted = await createStory(t, user, own.id);
    const moved = await createStory(t, user, own.id);
    const a = await createImage(t, user, own.id, { storyId: deleted.id });
    const b = await createImage(t, user, own.id, { storyId: moved.id });
    await t.http().delete(`/api/stories/${deleted.id}`).set(user.auth).expect(204);
    await t.http().put(`/api/stories/${moved.id}`).set(user.auth).send({ projectId: other.id }).expect(200);
    for (const image of [a, b]) {
      const res = await t.http().get(`/api/images/${image.id}`).set(user.auth);
      expect(res.body).toMatchObject({ projectId: own.id, storyId: null });
    }
  });
});
