import zlib from 'node:zlib';
import sharp from 'sharp';
import { parsePng, toEmbeddable } from '../../src/modules/export/export.render';
import { makeJpeg, makePng, makeWebp } from '../helpers/images';

/** One inch square: 600 DPI there is 600 px. */
const inch = { x: 0, y: 0, width: 72, height: 72 };

/** The first pixel of a PNG's rows (whatever the row filter, the first pixel of the first row is literal). */
const firstPixel = (idat: Buffer, channels: number) => [...zlib.inflateSync(idat).subarray(1, 1 + channels)];

describe('toEmbeddable', () => {
  test('when a plain JPEG is under 600 DPI at its printed size, then its bytes go in untouched', async () => {
    const bytes = await makeJpeg(300, 200);
    expect(await toEmbeddable(bytes, inch)).toEqual({ kind: 'jpeg', data: bytes, width: 300, height: 200 });
  });

  test('when a plain RGB or palette PNG is under 600 DPI, then its compressed rows go in as they are', async () => {
    const rgb = await makePng(300, 200);
    const image = await toEmbeddable(rgb, inch);
    if (image.kind !== 'png') throw new Error('expected a PNG');
    expect([image.width, image.height, image.png.colorType, image.png.bitDepth]).toEqual([300, 200, 2, 8]);
    // A view into the original file, not a copy.
    expect(image.png.idat.buffer).toBe(rgb.buffer);

    const indexed = await sharp(rgb).png({ palette: true, colours: 4 }).toBuffer();
    const palette = await toEmbeddable(indexed, inch);
    if (palette.kind !== 'png') throw new Error('expected a PNG');
    expect(palette.png.colorType).toBe(3);
    expect(palette.png.palette!.length % 3).toBe(0);
  });

  test('when an image is finer than 600 DPI at its printed size, then it is downscaled to 600 DPI', async () => {
    const image = await toEmbeddable(await makePng(1200, 600), inch);
    expect([image.kind, image.width, image.height]).toEqual(['png', 600, 300]);
  });

  test('when a PNG has transparency or the file is WebP, then it becomes an opaque PNG on white', async () => {
    const transparent = await sharp({
      create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const flat = await toEmbeddable(transparent, inch);
    if (flat.kind !== 'png') throw new Error('expected a PNG');
    expect([flat.png.colorType, flat.png.transparency]).toEqual([2, false]);
    expect(firstPixel(flat.png.idat, 3)).toEqual([255, 255, 255]);

    const webp = await toEmbeddable(await makeWebp(40, 30), inch);
    expect([webp.kind, webp.width, webp.height]).toEqual(['png', 40, 30]);
  });

  test('when bytes are not a PNG, then parsePng answers null', () => {
    expect(parsePng(Buffer.from('not a png at all, not at all'))).toBeNull();
  });
});
