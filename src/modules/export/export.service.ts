import type { Writable } from 'node:stream';
import type { AppContext } from '../../context';
import { AppError, appError } from '../../http/errors';
import type { FileStore } from '../../storage/file-store';
import { recordEvent } from '../analytics/analytics.service';
import * as drawingsService from '../drawings/drawings.service';
import {
  findImagesWithoutFile,
  listProjectImageFiles,
  readImageFile,
  settleAll,
  type ImageFileInfo,
} from '../images/images.service';
import { getProject } from '../projects/projects.service';
import { listStoriesOfProject } from '../stories/stories.service';
import { getUser } from '../users/users.service';
import { measureText, writePdf } from './export.render';
import {
  MIN_PRINT_DPI,
  PAPERBACK_MAX_PAGES,
  PAPERBACK_MIN_PAGES,
  POINTS_PER_INCH,
  SPINE_TEXT_MIN_PAGES,
  TRIM_SIZES,
  effectiveDpi,
  layoutBook,
  type BookLayout,
  type Content,
  type PlacedImage,
  type PrintImage,
  type TrimSize,
} from './layout';

export interface ExportOptions {
  trimSize: TrimSize;
  bleed: boolean;
  includeStories: boolean;
  blankBacks: boolean;
}

export interface ExportWarning {
  code: string;
  message: string;
}

export interface PreflightPage {
  pageNumber: number;
  kind: 'cover' | 'page' | 'drawing';
  imageId: string | null;
  drawingId: string | null;
  widthPx: number | null;
  heightPx: number | null;
  printedSizeIn: { width: number; height: number } | null;
  effectiveDpi: number | null;
  warnings: ExportWarning[];
}

export interface Preflight extends ExportOptions {
  pageCount: number;
  spineWidthIn: number;
  trimSizeIn: { width: number; height: number };
  pageSizeIn: { width: number; height: number };
  marginsIn: { outer: number; gutter: number };
  binding: {
    evenPageCount: boolean;
    paperback: { fits: boolean; minPages: number; maxPages: number };
    saddleStitch: { fits: boolean; maxPages: number };
    spineTextAllowed: boolean;
  };
  pages: PreflightPage[];
  warnings: ExportWarning[];
  warningCount: number;
}

/** Stapled booklets: a multiple of 4 pages, and not many more than this. */
const SADDLE_STITCH_MAX_PAGES = 64;
/** PNG headers of drawings are read this many at a time (S3 round trips dominate). */
const FILE_CONCURRENCY = 8;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const inches = (points: number) => round(points / POINTS_PER_INCH, 3);

/** A drawing's PNG as the book sees it: its key, and its pixel size when its file is there. */
interface DrawingFile extends drawingsService.DrawingPngFile {
  size: { width: number; height: number } | null;
}

/** Everything an export or a preflight needs, read once. */
export interface Book {
  projectId: string;
  options: ExportOptions;
  info: { title: string; author: string | null; subject: string | null; keywords: string[] };
  layout: BookLayout;
  /** The PNG key of each printed drawing. */
  drawingKeys: Map<string, string>;
  /** Printed images whose file is gone, in page order. */
  missing: PrintImage[];
  /** Whether the book has at least one coloring page. */
  hasPages: boolean;
}

/** The first 24 bytes of a PNG hold its size (IHDR); null when the file is gone. */
async function pngSize(store: FileStore, key: string): Promise<{ width: number; height: number } | null> {
  const file = await store.get(key);
  if (!file) return null;
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of file.stream) {
      head = Buffer.concat([head, Buffer.from(chunk as Buffer)]);
      if (head.length >= 24) break;
    }
  } finally {
    file.stream.destroy();
  }
  // A drawing's PNG passed the upload checks; a file that is not one anyway prints at an unknown size.
  const isPng = head.length >= 24 && head.toString('latin1', 12, 16) === 'IHDR';
  return isPng ? { width: head.readUInt32BE(16), height: head.readUInt32BE(20) } : { width: 0, height: 0 };
}

const printImage = (image: ImageFileInfo): PrintImage => ({
  source: 'image',
  imageId: image.id,
  drawingId: null,
  widthPx: image.width,
  heightPx: image.height,
});

const printDrawing = (drawing: DrawingFile): PrintImage => ({
  source: 'drawing',
  imageId: null,
  drawingId: drawing.id,
  widthPx: drawing.size?.width || null,
  heightPx: drawing.size?.height || null,
});

/**
 * Reads the project and decides the book (docs/export.md): a title page (with the project's cover image,
 * else its first `cover` image), then the `page` images by position, each followed by the drawings made on
 * it; a story's text before its first page image; then the other drawings (creation order) and the
 * stories without page images (story order). References are not printed. Any member may (404 for anyone else).
 */
export async function loadBook(
  ctx: AppContext,
  userId: string,
  projectId: string,
  options: ExportOptions,
): Promise<Book> {
  // Any member (owner, editor, viewer) exports; the children carry the owner's id, and the book's
  // author is the owner.
  const project = await getProject(ctx, userId, projectId);
  const ownerId = project.ownerId;
  const [user, images, drawingRows, stories] = await Promise.all([
    getUser(ctx.db, ctx.config, ownerId),
    listProjectImageFiles(ctx.db, ownerId, projectId),
    drawingsService.listProjectDrawingFiles(ctx.db, ownerId, projectId),
    options.includeStories ? listStoriesOfProject(ctx.db, ownerId, projectId) : Promise.resolve([]),
  ]);
  const drawings: DrawingFile[] = await settleAll(drawingRows, FILE_CONCURRENCY, async (row) => ({
    ...row,
    size: await pngSize(ctx.store, row.pngKey),
  }));

  const pageImages = images.filter((image) => image.kind === 'page');
  const cover = project.coverImageId
    ? (images.find((image) => image.id === project.coverImageId) ?? null)
    : (images.find((image) => image.kind === 'cover') ?? null);
  const pageIds = new Set(pageImages.map((image) => image.id));
  const drawingsOf = new Map<string, DrawingFile[]>();
  for (const drawing of drawings) {
    if (drawing.imageId && pageIds.has(drawing.imageId)) {
      drawingsOf.set(drawing.imageId, [...(drawingsOf.get(drawing.imageId) ?? []), drawing]);
    }
  }
  const storyById = new Map(stories.map((story) => [story.id, story]));
  const told = new Set<string>();
  const tell = (storyId: string): Content[] => {
    const story = storyById.get(storyId);
    if (!story || told.has(storyId)) return [];
    told.add(storyId);
    return [{ type: 'story', storyId, title: story.title, text: story.content }];
  };

  const contents: Content[] = [
    {
      type: 'title',
      title: project.title,
      author: user.displayName,
      cover: cover ? printImage(cover) : null,
    },
  ];
  for (const image of pageImages) {
    if (image.storyId) contents.push(...tell(image.storyId));
    contents.push({ type: 'coloring', image: printImage(image) });
    for (const drawing of drawingsOf.get(image.id) ?? []) {
      contents.push({ type: 'coloring', image: printDrawing(drawing) });
    }
  }
  for (const drawing of drawings) {
    if (!drawing.imageId || !pageIds.has(drawing.imageId)) {
      contents.push({ type: 'coloring', image: printDrawing(drawing) });
    }
  }
  for (const story of stories) contents.push(...tell(story.id));

  const layout = layoutBook(contents, options, measureText);
  const printedImageIds = [
    ...new Set(placedImages(layout).flatMap(({ placed }) => placed.image.imageId ?? [])),
  ];
  const lost = new Set(await findImagesWithoutFile(ctx, ownerId, projectId, printedImageIds));
  const missing = placedImages(layout)
    .map(({ placed }) => placed.image)
    .filter((image) =>
      image.source === 'image'
        ? lost.has(image.imageId!)
        : drawings.find((d) => d.id === image.drawingId)!.size === null,
    );
  return {
    projectId,
    options,
    info: {
      title: project.title,
      author: user.displayName,
      subject: project.description,
      keywords: project.tags,
    },
    layout,
    drawingKeys: new Map(drawings.map((drawing) => [drawing.id, drawing.pngKey])),
    missing,
    hasPages: contents.some((content) => content.type === 'coloring'),
  };
}

/** Every page that prints an image, with that image's place. */
interface PrintedImage {
  pageNumber: number;
  kind: PreflightPage['kind'];
  placed: PlacedImage;
}

function placedImages(layout: BookLayout): PrintedImage[] {
  return layout.pages.flatMap((page): PrintedImage[] => {
    const content = page.content;
    if (content.type === 'title' && content.cover) {
      return [{ pageNumber: page.number, kind: 'cover', placed: content.cover }];
    }
    if (content.type === 'coloring') {
      return [
        {
          pageNumber: page.number,
          kind: content.image.source === 'drawing' ? 'drawing' : 'page',
          placed: content,
        },
      ];
    }
    return [];
  });
}

const isMissing = (book: Book, image: PrintImage) =>
  book.missing.some((m) => m.imageId === image.imageId && m.drawingId === image.drawingId);

const describe = (image: PrintImage) =>
  image.source === 'image' ? `image ${image.imageId}` : `the PNG of drawing ${image.drawingId}`;

/** The preflight report: per printed image its DPI and problems; the book's count, spine and binding. */
export function preflightOf(book: Book): Preflight {
  const { layout, options } = book;
  const pages = placedImages(layout).map(({ pageNumber, kind, placed }): PreflightPage => {
    const { image } = placed;
    const warnings: ExportWarning[] = [];
    if (isMissing(book, image)) {
      warnings.push({ code: 'FILE_MISSING', message: `The stored file of ${describe(image)} is missing` });
    }
    let dpi: number | null = null;
    if (placed.placed && image.widthPx && image.heightPx) {
      // Rounded first: 1650 px over exactly 5.5 in is 300 DPI, not 299.99999.
      const exact = Math.round(effectiveDpi(image.widthPx, image.heightPx, placed.placed) * 1e6) / 1e6;
      dpi = Math.floor(exact);
      if (exact < MIN_PRINT_DPI) {
        const w = inches((image.widthPx / MIN_PRINT_DPI) * POINTS_PER_INCH);
        const h = inches((image.heightPx / MIN_PRINT_DPI) * POINTS_PER_INCH);
        warnings.push({
          code: 'LOW_DPI',
          message:
            `Page ${pageNumber} prints ${image.widthPx}×${image.heightPx} px at ${dpi} DPI; ` +
            `${MIN_PRINT_DPI} DPI needs a larger image, or this one printed at most ${w} × ${h} in`,
        });
      }
    }
    return {
      pageNumber,
      kind,
      imageId: image.imageId,
      drawingId: image.drawingId,
      widthPx: image.widthPx,
      heightPx: image.heightPx,
      printedSizeIn: placed.placed
        ? { width: inches(placed.placed.width), height: inches(placed.placed.height) }
        : null,
      effectiveDpi: dpi,
      warnings,
    };
  });

  const count = layout.pageCount;
  const warnings: ExportWarning[] = [];
  if (!book.hasPages) {
    warnings.push({
      code: 'NO_PAGES',
      message:
        'The project has no coloring pages (images of kind `page` or drawings with a PNG): nothing to export',
    });
  }
  if (count < PAPERBACK_MIN_PAGES) {
    warnings.push({
      code: 'BELOW_PAPERBACK_MINIMUM',
      message: `${count} pages: a paperback needs at least ${PAPERBACK_MIN_PAGES}`,
    });
  }
  if (count > PAPERBACK_MAX_PAGES) {
    warnings.push({
      code: 'ABOVE_PAPERBACK_MAXIMUM',
      message: `${count} pages: a paperback takes at most ${PAPERBACK_MAX_PAGES}`,
    });
  }
  const first = layout.pages[0].geometry;
  const trim = TRIM_SIZES[options.trimSize];
  return {
    ...options,
    pageCount: count,
    spineWidthIn: layout.spineWidthIn,
    trimSizeIn: { width: round(trim.widthIn, 3), height: round(trim.heightIn, 3) },
    pageSizeIn: { width: inches(first.mediaBox.width), height: inches(first.mediaBox.height) },
    marginsIn: { outer: layout.outerMarginIn, gutter: layout.gutterMarginIn },
    binding: {
      evenPageCount: count % 2 === 0,
      paperback: {
        fits: count >= PAPERBACK_MIN_PAGES && count <= PAPERBACK_MAX_PAGES,
        minPages: PAPERBACK_MIN_PAGES,
        maxPages: PAPERBACK_MAX_PAGES,
      },
      saddleStitch: {
        fits: count % 4 === 0 && count <= SADDLE_STITCH_MAX_PAGES,
        maxPages: SADDLE_STITCH_MAX_PAGES,
      },
      spineTextAllowed: count >= SPINE_TEXT_MIN_PAGES,
    },
    pages,
    warnings,
    warningCount: warnings.length + pages.reduce((sum, page) => sum + page.warnings.length, 0),
  };
}

export async function preflight(
  ctx: AppContext,
  userId: string,
  projectId: string,
  options: ExportOptions,
): Promise<Preflight> {
  return preflightOf(await loadBook(ctx, userId, projectId, options));
}

export const fileMissing = (image: PrintImage, missing: PrintImage[]) =>
  appError(
    'FILE_MISSING',
    `The stored file of ${describe(image)} is missing: upload it again or remove it from the project`,
    {
      extra: {
        ...(image.source === 'image' ? { imageId: image.imageId } : { drawingId: image.drawingId }),
        missing: missing.map((m) =>
          m.source === 'image' ? { imageId: m.imageId } : { drawingId: m.drawingId },
        ),
      },
    },
  );

/**
 * Everything an export checks before it writes a byte: the caller is a member of the project (404), it has a
 * coloring page (400 `EMPTY_PROJECT`), and every file it prints is in the store (409 `FILE_MISSING`
 * naming the first one and listing all). Answers the book and its warning count.
 */
export async function prepareExport(
  ctx: AppContext,
  userId: string,
  projectId: string,
  options: ExportOptions,
): Promise<{ book: Book; warningCount: number }> {
  const book = await loadBook(ctx, userId, projectId, options);
  if (!book.hasPages) {
    throw appError(
      'EMPTY_PROJECT',
      'This project has no pages to export: add images of kind `page` or drawings with a rendered PNG',
    );
  }
  if (book.missing.length > 0) throw fileMissing(book.missing[0], book.missing);
  return { book, warningCount: preflightOf(book).warningCount };
}

/** `export.created`, recorded once the checks passed and before the first byte goes out. */
export async function recordExport(
  ctx: AppContext,
  userId: string,
  book: Book,
  warningCount: number,
): Promise<void> {
  await recordEvent(ctx.db, {
    userId,
    type: 'export.created',
    projectId: book.projectId,
    properties: {
      format: 'pdf',
      ...book.options,
      pageCount: book.layout.pageCount,
      warningCount,
    },
  });
}

/**
 * Streams the PDF into `out`, reading each printed file when its page is drawn. A file that is gone by
 * then (deleted since the checks) fails the export: `out` is destroyed, the error thrown.
 */
export async function streamExport(
  ctx: AppContext,
  userId: string,
  book: Book,
  out: Writable,
  onPage?: (done: number, total: number) => Promise<void> | void,
): Promise<void> {
  const read = async (image: PrintImage): Promise<Buffer> => {
    if (image.source === 'image') {
      try {
        return (await readImageFile(ctx, userId, image.imageId!)).bytes;
      } catch (error) {
        if (error instanceof AppError && error.status === 404) throw fileMissing(image, [image]);
        throw error;
      }
    }
    const file = await ctx.store.get(book.drawingKeys.get(image.drawingId!)!);
    if (!file) throw fileMissing(image, [image]);
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  };
  await writePdf(book.layout, book.info, read, out, onPage);
}

/** `Content-Disposition` for the book: an ASCII file name, and the title itself in `filename*`. */
export function contentDisposition(title: string): string {
  const ascii =
    title
      .normalize('NFKD')
      // Accents dropped (é → e), then runs of anything else joined by single hyphens, none at either end
      // (no `/-+$/`: see lib/text.ts).
      .replace(/\p{M}/gu, '')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .join('-')
      .toLowerCase()
      .slice(0, 80) || 'coloring-book';
  const encoded = encodeURIComponent(`${title}.pdf`).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}.pdf"; filename*=UTF-8''${encoded}`;
}
