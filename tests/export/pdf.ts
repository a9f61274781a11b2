import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  decodePDFRawStream,
  type PDFObject,
} from 'pdf-lib';
import type request from 'supertest';
import type { TestApp } from '../helpers/app';
import type { TestUser } from '../helpers/factories';

/** A box as a PDF writes it, in points (origin bottom-left). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DrawnImage {
  /** Where the image lands on the page (its unit square through the CTM at `Do`). */
  box: Rect;
  /** The embedded image's own pixel size and filter. */
  widthPx: number;
  heightPx: number;
  filter: string;
}

export interface ParsedPage {
  mediaBox: Rect;
  /** The page's own TrimBox and BleedBox entries (null when the page has none). */
  trimBox: Rect | null;
  bleedBox: Rect | null;
  images: DrawnImage[];
  /** The text shown on the page, one string per show operator. */
  texts: string[];
}

export interface ParsedPdf {
  pages: ParsedPage[];
  title: string | undefined;
  author: string | undefined;
  subject: string | undefined;
  keywords: string | undefined;
  creator: string | undefined;
}

/**
 * POST /api/projects/:id/export, the body buffered whole (the PDF is binary). `received` collects the
 * bytes as they come, also when the transfer breaks off.
 */
export function exportPdf(
  t: TestApp,
  user: TestUser,
  projectId: string,
  body: Record<string, unknown> = {},
  received: Buffer[] = [],
) {
  return t
    .http()
    .post(`/api/projects/${projectId}/export`)
    .set(user.auth)
    .send({ format: 'pdf', ...body })
    .buffer(true)
    .parse((res, done) => {
      // A broken transfer is reported by superagent itself (its own 'error'/'aborted' listeners).
      res.on('data', (chunk: Buffer) => received.push(chunk));
      res.on('end', () => done(null, Buffer.concat(received)));
    }) as request.Test;
}

const rect = (value: PDFObject | undefined): Rect | null => {
  if (!(value instanceof PDFArray)) return null;
  const [x1, y1, x2, y2] = value.asArray().map((n) => (n as PDFNumber).asNumber());
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
};

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const apply = (m: Matrix, x: number, y: number) => [x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]];

/** WinAnsi hex strings (`<48656c6c6f>`) back to text; good enough for Latin text PDFKit writes. */
const fromHex = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');

function contentOf(pdf: PDFDocument, page: PDFDict): string {
  const contents = page.lookup(PDFName.of('Contents'));
  const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
  return streams
    .map((s) => (s instanceof PDFRef ? pdf.context.lookup(s) : s))
    .map((s) => Buffer.from(decodePDFRawStream(s as PDFRawStream).decode()).toString('latin1'))
    .join('\n');
}

function parsePage(pdf: PDFDocument, node: PDFDict): ParsedPage {
  const xobjects = (node.lookup(PDFName.of('Resources')) as PDFDict | undefined)?.lookup(
    PDFName.of('XObject'),
  ) as PDFDict | undefined;
  const images: DrawnImage[] = [];
  const texts: string[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const operands: string[] = [];
  // Tokens: hex strings, names, numbers, array brackets and operators.
  const tokens =
    contentOf(pdf, node).match(/<[0-9a-fA-F]*>|\/[^\s/[\]()<>]+|[-+]?\d*\.?\d+|\[|\]|[A-Za-z'"*]+/g) ?? [];
  for (const token of tokens) {
    if (token === 'q') stack.push(ctm);
    else if (token === 'Q') ctm = stack.pop()!;
    else if (token === 'cm') {
      ctm = multiply(operands.slice(-6).map(Number) as Matrix, ctm);
    } else if (token === 'Do') {
      const name = operands[operands.length - 1].slice(1);
      const stream = xobjects?.lookup(PDFName.of(name)) as PDFRawStream;
      const [x1, y1] = apply(ctm, 0, 0);
      const [x2, y2] = apply(ctm, 1, 1);
      images.push({
        box: {
          x: Math.min(x1, x2),
          y: Math.min(y1, y2),
          width: Math.abs(x2 - x1),
          height: Math.abs(y2 - y1),
        },
        widthPx: (stream.dict.lookup(PDFName.of('Width')) as PDFNumber).asNumber(),
        heightPx: (stream.dict.lookup(PDFName.of('Height')) as PDFNumber).asNumber(),
        filter: String(stream.dict.lookup(PDFName.of('Filter'))),
      });
    } else if (token === 'TJ' || token === 'Tj') {
      const start = operands.lastIndexOf('[');
      const parts = token === 'TJ' ? operands.slice(start + 1) : operands.slice(-1);
      texts.push(
        parts
          .filter((p) => p.startsWith('<'))
          .map((p) => fromHex(p.slice(1, -1)))
          .join(''),
      );
    }
    if (/^[A-Za-z'"*]+$/.test(token)) operands.length = 0;
    else operands.push(token);
  }
  return {
    mediaBox: rect(node.lookup(PDFName.of('MediaBox')))!,
    trimBox: rect(node.lookup(PDFName.of('TrimBox'))),
    bleedBox: rect(node.lookup(PDFName.of('BleedBox'))),
    images,
    texts,
  };
}

export async function parsePdf(bytes: Buffer): Promise<ParsedPdf> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  return {
    pages: pdf.getPages().map((page) => parsePage(pdf, page.node)),
    title: pdf.getTitle(),
    author: pdf.getAuthor(),
    subject: pdf.getSubject(),
    keywords: pdf.getKeywords(),
    creator: pdf.getCreator(),
  };
}

/** Whether `inner` lies inside `outer` (to a hundredth of a point). */
export const inside = (inner: Rect, outer: Rect, tolerance = 0.01) =>
  inner.x >= outer.x - tolerance &&
  inner.y >= outer.y - tolerance &&
  inner.x + inner.width <= outer.x + outer.width + tolerance &&
  inner.y + inner.height <= outer.y + outer.height + tolerance;
