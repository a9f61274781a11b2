import fs from 'node:fs';
import zlib from 'node:zlib';
import type request from 'supertest';
import { storagePaths } from '../../src/storage';
import type { TestApp } from '../helpers/app';
import type { TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { listKeys, readAll } from '../storage/stores';

/** Every key in the app's store (the local folder or the S3 bucket), sorted. */
export const storedKeys = (t: TestApp, prefix?: string) => listKeys(t.ctx.store, prefix);

/** Upload temp files still on disk (each request removes its own). */
export function uploadTempFiles(t: TestApp): string[] {
  const dir = storagePaths(t.config).uploads;
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/** The user's `storage_used_bytes`. */
export async function storageUsed(t: TestApp, userId: string): Promise<number> {
  const { rows } = await t.db.query<{ used: number }>(
    'SELECT storage_used_bytes AS used FROM users WHERE id = $1',
    [userId],
  );
  return rows[0].used;
}

/**
 * What the user's rows say is stored: image originals plus drawing PNGs (thumbnails do not count), plus
 * the stored text (migration 0010) measured here from the values themselves, not from the `text_bytes`
 * columns the accounting uses: story content, drawing data, project settings (`{}` counts 0) and template
 * content, by their UTF-8 bytes (JSON in jsonb's text form).
 */
export async function storedBytesOfRows(t: TestApp, userId: string): Promise<number> {
  const { rows } = await t.db.query<{ total: number }>(
    `SELECT (SELECT coalesce(sum(size_bytes), 0) FROM images WHERE user_id = $1)
          + (SELECT coalesce(sum(size_bytes), 0) FROM drawings WHERE user_id = $1)
          + ${TEXT_BYTES_SQL} AS total`,
    [userId],
  );
  return Number(rows[0].total);
}

/** The stored text of user `$1`, in bytes (see storedBytesOfRows). */
export const TEXT_BYTES_SQL = `(SELECT coalesce(sum(octet_length(content)), 0) FROM stories WHERE user_id = $1)
          + (SELECT coalesce(sum(octet_length(data::text)), 0) FROM drawings WHERE user_id = $1)
          + (SELECT coalesce(sum(CASE WHEN settings = '{}'::jsonb THEN 0 ELSE octet_length(settings::text) END), 0)
               FROM projects WHERE user_id = $1)
          + (SELECT coalesce(sum(octet_length(content::text)), 0) FROM templates WHERE owner_id = $1)`;

/** The user's stored text alone, in bytes. */
export async function textBytesOfRows(t: TestApp, userId: string): Promise<number> {
  const { rows } = await t.db.query<{ total: number }>(`SELECT ${TEXT_BYTES_SQL} AS total`, [userId]);
  return Number(rows[0].total);
}

/** POST /api/images with text fields (objects as JSON) and a file. */
export function postImage(
  t: TestApp,
  user: TestUser,
  fields: Record<string, unknown>,
  file: { bytes: Buffer; filename?: string; contentType?: string },
): request.Test {
  let req = t.http().post('/api/images').set(user.auth);
  for (const [name, value] of Object.entries(fields)) {
    req = req.field(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return req.attach('file', file.bytes, {
    filename: file.filename ?? 'page.png',
    contentType: file.contentType ?? 'image/png',
  });
}

/** A multipart request to a drawing route: the fields as text (objects as JSON) and an optional PNG. */
export function drawingForm(
  req: request.Test,
  fields: Record<string, unknown>,
  png?: { bytes: Buffer; filename?: string; contentType?: string },
): request.Test {
  for (const [name, value] of Object.entries(fields)) {
    req = req.field(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return png
    ? req.attach('file', png.bytes, {
        filename: png.filename ?? 'drawing.png',
        contentType: png.contentType ?? 'image/png',
      })
    : req;
}

/** The bytes stored under `key`, or null. */
export async function storedBytes(t: TestApp, key: string): Promise<Buffer | null> {
  const file = await t.ctx.store.get(key);
  return file ? readAll(file.stream) : null;
}

/** The file keys the rows of the user point to. */
export async function keysOfRows(t: TestApp, userId: string): Promise<string[]> {
  const { rows } = await t.db.query<{ key: string }>(
    `SELECT storage_key AS key FROM images WHERE user_id = $1
     UNION ALL SELECT thumbnail_key FROM images WHERE user_id = $1
     UNION ALL SELECT png_key FROM drawings WHERE user_id = $1 AND png_key IS NOT NULL`,
    [userId],
  );
  return rows.map((r) => r.key).sort();
}

export function expectProblem(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
}

export const IMAGE_KEYS = [
  'createdAt',
  'height',
  'id',
  'kind',
  'metadata',
  'mimeType',
  'model',
  'originalFilename',
  'position',
  'projectId',
  'prompt',
  'provider',
  'sha256',
  'sizeBytes',
  'storyId',
  'thumbnailUrl',
  'title',
  'updatedAt',
  'url',
  'width',
];

export const DRAWING_KEYS = [
  'createdAt',
  'data',
  'height',
  'id',
  'imageId',
  'mimeType',
  'projectId',
  'sizeBytes',
  'title',
  'updatedAt',
  'url',
  'version',
  'width',
];

/** A valid 16×16 PNG padded with an ancillary chunk to exactly `size` bytes (at least 100). */
export async function pngOfSize(size: number): Promise<Buffer> {
  const png = await makePng(16, 16);
  const iend = png.length - 12;
  const dataLength = size - png.length - 12;
  if (dataLength < 0) throw new Error(`a PNG cannot be as small as ${size} bytes`);
  const chunk = Buffer.alloc(12 + dataLength);
  chunk.writeUInt32BE(dataLength, 0);
  chunk.write('teSt', 4, 'latin1');
  chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + dataLength)), 8 + dataLength);
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}
