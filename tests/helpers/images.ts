import crypto from 'node:crypto';
import zlib from 'node:zlib';
import sharp from 'sharp';

type Format = 'png' | 'jpeg' | 'webp' | 'gif';

/**
 * A real image made with sharp. Solid by default (tiny files); `noise: true` fills it with random pixels so
 * the file is about as large as its pixels (for size limits and truncation).
 */
export async function makeImage(
  format: Format,
  width: number,
  height: number,
  options: { noise?: boolean } = {},
): Promise<Buffer> {
  const image = options.noise
    ? sharp(crypto.randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } });
  switch (format) {
    case 'png':
      return image.png().toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
    case 'gif':
      return image.gif().toBuffer();
  }
}

export const makePng = (width = 64, height = 48, options?: { noise?: boolean }) =>
  makeImage('png', width, height, options);
export const makeJpeg = (width = 64, height = 48, options?: { noise?: boolean }) =>
  makeImage('jpeg', width, height, options);
export const makeWebp = (width = 64, height = 48, options?: { noise?: boolean }) =>
  makeImage('webp', width, height, options);

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid PNG of a few tens of KB that declares `width`×`height` pixels (20000×20000 = 400 megapixels by
 * default): one-bit greyscale, all black, so its compressed rows are almost nothing. A decompression bomb.
 */
export async function makePixelBombPng(width = 20_000, height = 20_000): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(1, 8); // bit depth
  ihdr.writeUInt8(0, 9); // greyscale
  // compression, filter, interlace: 0
  const row = Buffer.alloc(1 + Math.ceil(width / 8)); // filter byte 0, then zero bits
  const deflate = zlib.createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  for (let y = 0; y < height; y++) deflate.write(row);
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.concat(chunks)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
