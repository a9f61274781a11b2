import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type PDFDocumentClass from 'pdfkit';
import sharp from 'sharp';
import {
  boxArray,
  embedSize,
  fitInto,
  type BookLayout,
  type Box,
  type LaidOutPage,
  type MeasureText,
  type PlacedImage,
  type PrintImage,
  type TextLine,
} from './layout';

/** The PDF standard fonts: nothing to embed, metrics built into PDFKit (Windows-1252 text only). */
const FONTS = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;

/**
 * Bytes the PDF may hold in memory before the next page is drawn: PDFKit's unread output plus what the
 * response has not yet handed to the socket. A slow client slows the export instead of growing memory.
 */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

let pdfkit: typeof PDFDocumentClass | undefined;

/** PDFKit, loaded on the first export or preflight: ~0.4 s and its font tables, for nothing until then. */
function newPdf(options: PDFKit.PDFDocumentOptions): PDFKit.PDFDocument {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  pdfkit ??= require('pdfkit') as typeof PDFDocumentClass;
  return new pdfkit(options);
}

let measuringDoc: PDFKit.PDFDocument | undefined;

/** Text width with PDFKit's metrics for the standard fonts (what the renderer draws with). */
export const measureText: MeasureText = (text, font, size) => {
  measuringDoc ??= newPdf({ autoFirstPage: false });
  return measuringDoc.font(FONTS[font]).fontSize(size).widthOfString(text);
};

/** The client went away mid-export: stop quietly (nothing to answer, nothing to log as an error). */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection during the export');
    this.name = 'ClientGoneError';
  }
}

export interface PdfInfo {
  title: string;
  author: string | null;
  subject: string | null;
  keywords: string[];
}

/** The parts of a PNG a PDF image needs: its header fields and its compressed rows (IDAT), not decoded. */
export interface PngData {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha. */
  colorType: number;
  interlaced: boolean;
  palette: Buffer | null;
  /** A tRNS chunk: transparency by colour or palette entry. */
  transparency: boolean;
  idat: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Reads a PNG's chunks (slices of `bytes`, nothing decoded); null when it is not a PNG. */
export function parsePng(bytes: Buffer): PngData | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  const idat: Buffer[] = [];
  let header: Omit<PngData, 'palette' | 'transparency' | 'idat'> | null = null;
  let palette: Buffer | null = null;
  let transparency = false;
  for (let pos = 8; pos + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8],
        colorType: data[9],
        interlaced: data[12] === 1,
      };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = true;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  return header
    ? { ...header, palette, transparency, idat: idat.length === 1 ? idat[0] : Buffer.concat(idat) }
    : null;
}

/**
 * Whether PDF's FlateDecode with the PNG predictor reads these rows as they are: grey, RGB or palette,
 * 8 bits (fewer for grey and palette), not interlaced, no transparency.
 */
const embeddableAsIs = (png: PngData) =>
  !png.interlaced &&
  !png.transparency &&
  ((png.colorType === 2 && png.bitDepth === 8) ||
    (png.colorType === 0 || png.colorType === 3 ? png.bitDepth <= 8 : false));

/**
 * A PNG image XObject for PDFKit's `image()`, made from the PNG's compressed rows. PDFKit's own PNG reader
 * copies those rows byte by byte into a JavaScript array (about 8 bytes of heap per byte of file, tens of
 * MB per page); this hands the same bytes to the PDF as one Buffer.
 */
class PngXObject {
  obj: { end(chunk?: Buffer): void } | null = null;
  readonly width: number;
  readonly height: number;

  constructor(
    readonly label: string,
    private png: PngData | null,
  ) {
    this.width = png!.width;
    this.height = png!.height;
  }

  embed(doc: PDFKit.PDFDocument): void {
    const png = this.png!;
    const colors = png.colorType === 2 ? 3 : 1;
    const ref = (doc as unknown as { ref(data?: object): { end(chunk?: Buffer): void } }).ref;
    let colorSpace: unknown = colors === 3 ? 'DeviceRGB' : 'DeviceGray';
    if (png.colorType === 3 && png.palette) {
      const palette = ref.call(doc);
      palette.end(png.palette);
      colorSpace = ['Indexed', 'DeviceRGB', png.palette.length / 3 - 1, palette];
    }
    this.obj = ref.call(doc, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: png.width,
      Height: png.height,
      BitsPerComponent: png.bitDepth,
      ColorSpace: colorSpace,
      Filter: 'FlateDecode',
      DecodeParms: { Predictor: 15, Colors: colors, BitsPerComponent: png.bitDepth, Columns: png.width },
    });
    this.obj.end(png.idat);
    this.png = null;
  }
}

/** An image ready for the PDF: JPEG bytes (PDFKit embeds them as they are) or a PNG's parts. */
export type EmbeddableImage =
  | { kind: 'jpeg'; data: Buffer; width: number; height: number }
  | { kind: 'png'; png: PngData; width: number; height: number };

/**
 * Turns a stored original into what the PDF can take without decoding it: a JPEG (sRGB or grey), or a PNG
 * of grey, RGB or palette rows without transparency; upright; at most MAX_EMBED_DPI at its printed size.
 * A file that already is all that goes in untouched; anything else (WebP, alpha, 16 bits, interlaced,
 * rotated, too fine) is converted by sharp — transparency flattened on white paper — one image at a time.
 */
export async function toEmbeddable(bytes: Buffer, area: Box): Promise<EmbeddableImage> {
  const meta = await sharp(bytes).metadata();
  const orientation = meta.orientation ?? 1;
  const [width, height] =
    orientation >= 5 ? [meta.height ?? 1, meta.width ?? 1] : [meta.width ?? 1, meta.height ?? 1];
  const target = embedSize(width, height, fitInto(width, height, area));
  if (target === null && orientation === 1) {
    if (meta.format === 'jpeg' && (meta.space === 'srgb' || meta.space === 'b-w')) {
      return { kind: 'jpeg', data: bytes, width, height };
    }
    const png = meta.format === 'png' ? parsePng(bytes) : null;
    if (png && embeddableAsIs(png)) return { kind: 'png', png, width, height };
  }
  let image = sharp(bytes, { sequentialRead: true }).rotate();
  if (target) image = image.resize(target.width, target.height, { fit: 'inside' });
  image = image.flatten({ background: '#ffffff' }).toColourspace((meta.channels ?? 3) <= 2 ? 'b-w' : 'srgb');
  if (meta.format === 'jpeg') {
    const { data, info } = await image.jpeg({ quality: 92 }).toBuffer({ resolveWithObject: true });
    return { kind: 'jpeg', data, width: info.width, height: info.height };
  }
  const { data, info } = await image.png().toBuffer({ resolveWithObject: true });
  return { kind: 'png', png: parsePng(data)!, width: info.width, height: info.height };
}

/** PDFKit draws from the top-left; our boxes are in PDF space (bottom-left). */
const topOf = (box: Box, page: LaidOutPage) => page.geometry.mediaBox.height - (box.y + box.height);

function drawLine(doc: PDFKit.PDFDocument, line: TextLine, page: LaidOutPage): void {
  doc.font(FONTS[line.font]).fontSize(line.size).fillColor('black');
  const width = doc.widthOfString(line.text);
  const x = line.align === 'center' ? line.box.x + (line.box.width - width) / 2 : line.box.x;
  // PDFKit places a line's top at y; centre the glyphs (about 1.15 em tall) in the line's box.
  const y = topOf(line.box, page) + Math.max(0, (line.box.height - line.size * 1.15) / 2);
  doc.text(line.text, x, y, { lineBreak: false });
}

async function drawImage(
  doc: PDFKit.PDFDocument,
  placed: PlacedImage,
  page: LaidOutPage,
  read: (image: PrintImage) => Promise<Buffer>,
  label: string,
): Promise<void> {
  const image = await toEmbeddable(await read(placed.image), placed.area);
  // Fitted to the decoded size, so a file whose size differs from its row is never distorted.
  const box = fitInto(image.width, image.height, placed.area);
  const src = image.kind === 'jpeg' ? image.data : (new PngXObject(label, image.png) as unknown as Buffer);
  doc.image(src, box.x, topOf(box, page), {
    width: box.width,
    height: box.height,
    ignoreOrientation: true,
  } as PDFKit.Mixins.ImageOption);
}

/** Waits until the PDF buffered in memory is under HIGH_WATER_BYTES again. */
async function room(doc: Readable, out: Writable): Promise<void> {
  while (doc.readableLength + out.writableLength > HIGH_WATER_BYTES) {
    if (out.destroyed) throw new ClientGoneError();
    if (out.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
    } else {
      // The pipe resumes on the next tick after a drain.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Writes the book as a PDF into `out`, page by page: each page's image is read (`read`), converted when
 * needed, drawn and flushed before the next one is read, so memory holds one page's image at a time.
 * On any failure the PDF is left unfinished and `out` is destroyed: a reader sees a broken transfer,
 * never a short file that looks complete.
 */
export async function writePdf(
  layout: BookLayout,
  info: PdfInfo,
  read: (image: PrintImage) => Promise<Buffer>,
  out: Writable,
  onPage?: (done: number, total: number) => Promise<void> | void,
): Promise<void> {
  const doc = newPdf({
    autoFirstPage: false,
    bufferPages: false,
    compress: true,
    pdfVersion: '1.4',
    displayTitle: true,
    info: {
      Title: info.title,
      ...(info.author ? { Author: info.author } : {}),
      ...(info.subject ? { Subject: info.subject } : {}),
      ...(info.keywords.length ? { Keywords: info.keywords.join(', ') } : {}),
      Creator: 'ColorBook Engine',
    },
  });
  doc.pipe(out);
  let drawn = 0;
  try {
    for (const page of layout.pages) {
      if (out.destroyed) throw new ClientGoneError();
      const { mediaBox, trimBox, bleedBox } = page.geometry;
      doc.addPage({ size: [mediaBox.width, mediaBox.height], margin: 0 });
      const dictionary = (doc.page as unknown as { dictionary: { data: Record<string, unknown> } })
        .dictionary;
      dictionary.data.TrimBox = boxArray(trimBox);
      dictionary.data.BleedBox = boxArray(bleedBox);
      const content = page.content;
      const label = `CB${page.number}`;
      if (content.type === 'title') {
        content.lines.forEach((line) => drawLine(doc, line, page));
        if (content.cover) await drawImage(doc, content.cover, page, read, label);
      } else if (content.type === 'story') {
        content.lines.forEach((line) => drawLine(doc, line, page));
      } else if (content.type === 'coloring') {
        await drawImage(doc, content, page, read, label);
      }
      if (page.folio) drawLine(doc, page.folio, page);
      await room(doc, out);
      // A durable export job records its progress here, and stops (by throwing) when it was canceled.
      await onPage?.(++drawn, layout.pages.length);
    }
    const done = finished(out);
    doc.end();
    await done.catch(() => {
      throw new ClientGoneError();
    });
  } catch (error) {
    doc.unpipe(out);
    out.destroy();
    throw error;
  }
}
