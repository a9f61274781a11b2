import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import sharp from 'sharp';
import request from 'supertest';
import { storagePaths } from '../../src/storage';
import { parseMultipartFields } from '../../src/http/uploads';
import { useTestApp } from '../helpers/app';
import { createUser, type TestUser } from '../helpers/factories';
import { makeImage, makeJpeg, makePixelBombPng, makePng, makeWebp } from '../helpers/images';
import { listKeys, readAll } from './stores';
import { createRouteApp, UPLOAD_TEST_PATH, UploadTestBody, uploadTestRoute } from './upload-app';

const LIMIT = 256 * 1024;
const t = useTestApp({ env: { MAX_UPLOAD_BYTES: String(LIMIT) } });

let app: Express;
let user: TestUser;
let uploadsDir: string;
/** Files the store should hold: two (original and thumbnail) per accepted upload, none per refusal. */
let expectedStored = 0;

beforeAll(async () => {
  app = createRouteApp(t.ctx, [uploadTestRoute(t.ctx)]);
  user = await createUser(t);
  uploadsDir = storagePaths(t.config).uploads;
});

const tempFiles = () => (fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []);

afterEach(async () => {
  expect(tempFiles()).toEqual([]);
  expect(await listKeys(t.ctx.store, 'test/')).toHaveLength(expectedStored);
});

const post = () => request(app).post(UPLOAD_TEST_PATH).set(user.auth);
const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Polls until `predicate` holds (for what happens after a client has gone): fails after 5 s. */
async function eventually(predicate: () => boolean): Promise<void> {
  for (let waited = 0; !predicate(); waited += 10) {
    if (waited > 5000) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectProblem(res: request.Response, status: number, code: string) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

describe('upload pipeline: accepted images', () => {
  test.each([
    ['png', 'image/png', makePng],
    ['jpeg', 'image/jpeg', makeJpeg],
    ['webp', 'image/webp', makeWebp],
  ] as const)(
    'when a real %s is uploaded, then it is stored as sent with its type, size, hash and a thumbnail',
    async (ext, type, make) => {
      const bytes = await make(120, 80, { noise: true });
      const res = await post().attach('file', bytes, { filename: `photo.${ext}`, contentType: type });
      expect(res.status).toBe(201);
      expectedStored += 2;
      expect(res.body.image).toEqual({
        originalFilename: `photo.${ext}`,
        mimeType: type,
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        width: 120,
        height: 80,
        thumbnail: { mimeType: 'image/webp', width: 120, height: 80, sizeBytes: expect.any(Number) },
      });
      expect(res.body.uploadDigest).toBe(sha256(bytes));
      const stored = await t.ctx.store.get(res.body.keys.key);
      expect(stored?.contentType).toBe(type);
      expect((await readAll(stored!.stream)).equals(bytes)).toBe(true);
      expect(res.body.url.startsWith(`${t.config.publicUrl}/api/files/test/`)).toBe(true);
    },
  );

  test('when the image is large, then the thumbnail is WebP at most 512 px on its long side', async () => {
    const res = await post().attach('file', await makePng(1200, 800), 'wide.png');
    expect(res.status).toBe(201);
    expectedStored += 2;
    expect(res.body.image.thumbnail).toMatchObject({ width: 512, height: 341 });
    const thumb = await t.ctx.store.get(res.body.keys.thumbnailKey);
    const meta = await sharp(await readAll(thumb!.stream)).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'webp',
      width: 512,
      height: 341,
    });
  });

  test('when a PNG is named .jpg and sent as image/jpeg, then its bytes decide: image/png', async () => {
    const bytes = await makePng(10, 10);
    const res = await post().attach('file', bytes, { filename: 'holiday.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    expectedStored += 2;
    expect(res.body.image).toMatchObject({ mimeType: 'image/png', originalFilename: 'holiday.jpg' });
    expect(res.body.keys.key).toMatch(/\.png$/);
  });

  test('when the file name climbs directories, then only a display name is kept and no such path is touched', async () => {
    const res = await post().attach('file', await makePng(10, 10), {
      filename: '../../etc/passwd.png',
      contentType: 'image/png',
    });
    expect(res.status).toBe(201);
    expectedStored += 2;
    expect(res.body.image.originalFilename).toBe('passwd.png');
    expect(res.body.keys.key).not.toMatch(/passwd|\.\./);
    const everything = fs.readdirSync(t.dataDir, { recursive: true }) as string[];
    expect(everything.filter((name) => name.includes('passwd'))).toEqual([]);
    // Where the name would land if it were joined to the uploads folder or to the store's root:
    expect(fs.existsSync(path.resolve(uploadsDir, '../../etc/passwd.png'))).toBe(false);
    expect(fs.existsSync(path.resolve(storagePaths(t.config).files, '../../etc/passwd.png'))).toBe(false);
  });

  test('when text fields come with the file, then they are parsed as the schema wants them', async () => {
    const res = await post()
      .field('title', '123')
      .field('position', '3')
      .field('metadata', JSON.stringify({ style: 'mandala', tags: ['a'] }))
      .attach('file', await makePng(10, 10), 'a.png');
    expect(res.status).toBe(201);
    expectedStored += 2;
    expect(res.body.fields).toEqual({
      title: '123',
      position: 3,
      metadata: { style: 'mandala', tags: ['a'] },
    });
  });

  test('when the same Idempotency-Key comes with the same file, then the first answer is replayed; with another file, 422', async () => {
    const key = crypto.randomUUID();
    const bytes = await makePng(12, 12);
    const first = await post().set('Idempotency-Key', key).attach('file', bytes, 'a.png');
    expect(first.status).toBe(201);
    expectedStored += 2;
    const replay = await post().set('Idempotency-Key', key).attach('file', bytes, 'a.png');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.keys).toEqual(first.body.keys);
    const other = await post()
      .set('Idempotency-Key', key)
      .attach('file', await makePng(13, 12), 'a.png');
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});

describe('upload pipeline: refused files (nothing stored, no temp file left)', () => {
  test.each([
    [
      'an SVG with a script',
      'evil.svg',
      'image/svg+xml',
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
    ['text named .png', 'notes.png', 'image/png', 'just some text, not an image at all\n'],
    [
      'HTML named .png',
      'page.png',
      'image/png',
      '<!doctype html><html><body><script>alert(1)</script></body></html>',
    ],
  ])('when %s is uploaded, then 415 UNSUPPORTED_MEDIA_TYPE', async (_what, filename, contentType, text) => {
    const res = await post().attach('file', Buffer.from(text), { filename, contentType });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when a real GIF is uploaded, then 415: only PNG, JPEG and WebP are accepted', async () => {
    const res = await post().attach('file', await makeImage('gif', 10, 10), 'anim.gif');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test.each(['png', 'jpeg', 'webp'] as const)(
    'when a %s is cut off halfway, then 415: it does not decode',
    async (format) => {
      const bytes = await makeImage(format, 128, 128, { noise: true });
      const res = await post().attach(
        'file',
        bytes.subarray(0, Math.floor(bytes.length / 2)),
        `cut.${format}`,
      );
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  test('when a small PNG declares 20000×20000 pixels, then 400 VALIDATION_ERROR before it is decoded', async () => {
    const bomb = await makePixelBombPng(20_000, 20_000);
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post().attach('file', bomb, 'bomb.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'file', message: 'must be at most 100 megapixels' }]);
  });

  test('when the file is exactly MAX_UPLOAD_BYTES, then the size passes (415 for its bytes); one byte more is 413', async () => {
    const atLimit = await post().attach('file', Buffer.alloc(LIMIT, 'a'), 'a.txt');
    expectProblem(atLimit, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const over = await post().attach('file', Buffer.alloc(LIMIT + 1, 'a'), 'a.png');
    expectProblem(over, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('when the request has no file, then 400 naming the field', async () => {
    const res = await post().field('title', 'no file');
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'file', message: 'is required' }]);
  });

  test('when two files come in the file field, then 400', async () => {
    const png = await makePng(10, 10);
    const res = await post().attach('file', png, 'a.png').attach('file', png, 'b.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });

  test('when a file comes in an unknown field, then 400', async () => {
    const png = await makePng(10, 10);
    const res = await post().attach('avatar', png, 'b.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'avatar', message: expect.any(String) }]);
  });

  test('when there are more than 20 text fields, then 400', async () => {
    let req = post();
    for (let i = 0; i < 21; i++) req = req.field(`f${i}`, 'x');
    const res = await req.attach('file', await makePng(10, 10), 'a.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });

  test('when a text field is unknown or not of its type, then 400 listing the fields', async () => {
    const res = await post()
      .field('owner', 'me')
      .field('position', 'third')
      .field('metadata', '{not json')
      .attach('file', await makePng(10, 10), 'a.png');
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(res.body.errors).toEqual([{ path: 'metadata', message: 'must be a JSON object' }]);
    const typed = await post()
      .field('position', 'third')
      .field('owner', 'me')
      .attach('file', await makePng(10, 10), 'a.png');
    expectProblem(typed, 400, 'VALIDATION_ERROR');
    expect(typed.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['owner', 'position']);
  });

  test('when a text field is over 64 KB, then 413', async () => {
    const res = await post()
      .field('title', 'x'.repeat(64 * 1024 + 1))
      .attach('file', await makePng(10, 10), 'a.png');
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  test('when the body is JSON or has no type, then 415', async () => {
    expectProblem(await post().send({ title: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post(), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('when the multipart body is malformed, then 400 and the server keeps serving', async () => {
    const garbage = await post()
      .set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send('this is not a multipart body');
    expectProblem(garbage, 400, 'VALIDATION_ERROR');
    const noBoundary = await post().set('Content-Type', 'multipart/form-data').send('--x\r\n');
    expectProblem(noBoundary, 400, 'VALIDATION_ERROR');
    const head =
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n';
    const cut = await post()
      .set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(Buffer.concat([Buffer.from(head), await makePng(64, 64, { noise: true })]));
    expectProblem(cut, 400, 'VALIDATION_ERROR');

    const after = await post().attach('file', await makePng(10, 10), 'still-up.png');
    expect(after.status).toBe(201);
    expectedStored += 2;
  });

  test('when the client goes away mid-upload, then the temp file is removed and nothing is stored', async () => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const boundary = 'AbortBoundary';
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`;
      const req = http.request({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        method: 'POST',
        path: UPLOAD_TEST_PATH,
        headers: {
          ...user.auth,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(head.length + 200_000),
        },
      });
      req.on('error', () => undefined);
      req.write(head);
      req.write(Buffer.alloc(64 * 1024, 7));
      await eventually(() => tempFiles().length > 0);
      req.destroy();
      await eventually(() => tempFiles().length === 0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('parseMultipartFields', () => {
  test('when fields are strings, then numbers, booleans and JSON objects are parsed and strings are kept', () => {
    expect(
      parseMultipartFields(
        { title: '42', position: '7', metadata: '{"a":[1,2]}', extra: '{"left":"alone"}' },
        UploadTestBody,
      ),
    ).toEqual({ title: '42', position: 7, metadata: { a: [1, 2] }, extra: '{"left":"alone"}' });
  });

  test('when an object field is not JSON, then a 400 naming it', () => {
    expect(() => parseMultipartFields({ metadata: 'nope' }, UploadTestBody)).toThrow(
      expect.objectContaining({
        status: 400,
        errors: [{ path: 'metadata', message: 'must be a JSON object' }],
      }),
    );
  });
});
