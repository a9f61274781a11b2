/**
 * The print layout of a coloring book, as pure functions: trim sizes, bleed and page boxes, safe areas,
 * fitting images, effective DPI, spine width, text wrapping and the page plan. No I/O: the service feeds it
 * the project's content and a text measure (PDFKit's font metrics), the renderer draws what it returns.
 *
 * Units: points (1/72 in). Boxes are in PDF user space, origin at the bottom-left of the page, the same
 * space a PDF's MediaBox/TrimBox/BleedBox are written in. Page 1 is a right-hand page (recto).
 */

export const POINTS_PER_INCH = 72;

export const TRIM_SIZE_IDS = ['letter', 'a4', '8x10', '8.5x8.5', '6x9'] as const;
export type TrimSize = (typeof TRIM_SIZE_IDS)[number];

/** Trim sizes in inches (A4 from its millimetres, 210 × 297). */
export const TRIM_SIZES: Record<TrimSize, { widthIn: number; heightIn: number }> = {
  letter: { widthIn: 8.5, heightIn: 11 },
  a4: { widthIn: 210 / 25.4, heightIn: 297 / 25.4 },
  '8x10': { widthIn: 8, heightIn: 10 },
  '8.5x8.5': { widthIn: 8.5, heightIn: 8.5 },
  '6x9': { widthIn: 6, heightIn: 9 },
};

/** KDP's bleed: added to the top, the bottom and the outer edge, never to the gutter. */
export const BLEED_IN = 0.125;
/** The safe margin inside the trim on the top, bottom and outer edge (KDP's minimum without bleed)… */
export const OUTER_MARGIN_IN = 0.25;
/** …and with bleed (KDP asks for more: the trim may wander into the bleed). */
export const OUTER_MARGIN_WITH_BLEED_IN = 0.375;
/** The gutter (inside) margin by page count, KDP's paperback table: [up to this many pages, margin]. */
export const GUTTER_MARGINS_IN: ReadonlyArray<readonly [number, number]> = [
  [24, 0.25],
  [150, 0.375],
  [300, 0.5],
  [500, 0.625],
  [700, 0.75],
  [Infinity, 0.875],
];
/** The strip at the bottom of the safe area that holds the page number on numbered pages. */
export const PAGE_NUMBER_BAND_IN = 0.3;
/** Under this an image prints soft: a warning. */
export const MIN_PRINT_DPI = 300;
/** Over this, images are downscaled before they go into the PDF (nothing prints finer; keeps memory flat). */
export const MAX_EMBED_DPI = 600;
/** Paperback spine growth per page (white paper is ~0.00225 in, cream ~0.0025 in): the safe figure. */
export const SPINE_IN_PER_PAGE = 0.0025;
export const PAPERBACK_MIN_PAGES = 24;
export const PAPERBACK_MAX_PAGES = 828;
/** KDP prints text on the spine from this many pages. */
export const SPINE_TEXT_MIN_PAGES = 80;

const pt = (inches: number) => inches * POINTS_PER_INCH;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A rectangle in points, PDF user space (origin bottom-left). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Side = 'recto' | 'verso';

/** Odd pages are right-hand pages (recto): their gutter is on the left, their outer edge on the right. */
export const sideOf = (pageNumber: number): Side => (pageNumber % 2 === 1 ? 'recto' : 'verso');

/** `[x1, y1, x2, y2]`, the form a PDF page box is written in. */
export const boxArray = (box: Box): [number, number, number, number] => [
  box.x,
  box.y,
  box.x + box.width,
  box.y + box.height,
];

export function trimPoints(trimSize: TrimSize): { width: number; height: number } {
  const size = TRIM_SIZES[trimSize];
  return { width: pt(size.widthIn), height: pt(size.heightIn) };
}

/** The gutter margin (inches) for a book of `pageCount` pages. */
export function gutterMarginIn(pageCount: number): number {
  return GUTTER_MARGINS_IN.find(([maxPages]) => pageCount <= maxPages)![1];
}

export const outerMarginIn = (bleed: boolean) => (bleed ? OUTER_MARGIN_WITH_BLEED_IN : OUTER_MARGIN_IN);

export interface PageGeometry {
  side: Side;
  /** The whole sheet: trim plus bleed. */
  mediaBox: Box;
  /** Where the printer may print to (the sheet itself; equal to the trim without bleed). */
  bleedBox: Box;
  /** The finished page after cutting. */
  trimBox: Box;
  /** Inside the trim by the margins: everything we draw stays here. */
  safeBox: Box;
}

/**
 * The boxes of page `pageNumber` of a `pageCount`-page book. With bleed the sheet is BLEED_IN wider (on the
 * outer edge) and 2 × BLEED_IN taller, and the trim sits against the gutter: at the left of a recto, at
 * the right of a verso.
 */
export function pageGeometry(options: {
  trimSize: TrimSize;
  bleed: boolean;
  pageNumber: number;
  pageCount: number;
}): PageGeometry {
  const trim = trimPoints(options.trimSize);
  const side = sideOf(options.pageNumber);
  const bleed = options.bleed ? pt(BLEED_IN) : 0;
  const mediaBox: Box = { x: 0, y: 0, width: trim.width + bleed, height: trim.height + 2 * bleed };
  const trimBox: Box = { x: side === 'verso' ? bleed : 0, y: bleed, width: trim.width, height: trim.height };
  const outer = pt(outerMarginIn(options.bleed));
  const gutter = pt(gutterMarginIn(options.pageCount));
  const safeBox: Box = {
    x: trimBox.x + (side === 'recto' ? gutter : outer),
    y: trimBox.y + outer,
    width: trimBox.width - outer - gutter,
    height: trimBox.height - 2 * outer,
  };
  return { side, mediaBox, bleedBox: { ...mediaBox }, trimBox, safeBox };
}

/** The largest box of the image's proportions inside `area`, centred: no distortion, no cropping. */
export function fitInto(widthPx: number, heightPx: number, area: Box): Box {
  const scale = Math.min(area.width / widthPx, area.height / heightPx);
  const width = widthPx * scale;
  const height = heightPx * scale;
  return { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
}

/** Pixels per inch of an image printed at `placed` (the lower of the two axes). */
export function effectiveDpi(widthPx: number, heightPx: number, placed: Box): number {
  return Math.min(widthPx / (placed.width / POINTS_PER_INCH), heightPx / (placed.height / POINTS_PER_INCH));
}

/**
 * The pixel size to embed an image at so that it is at most `maxDpi` at its printed size, or null when
 * it already is (then it goes in as it is).
 */
export function embedSize(
  widthPx: number,
  heightPx: number,
  placed: Box,
  maxDpi = MAX_EMBED_DPI,
): { width: number; height: number } | null {
  if (effectiveDpi(widthPx, heightPx, placed) <= maxDpi) return null;
  const scale = Math.min(
    (maxDpi * placed.width) / POINTS_PER_INCH / widthPx,
    (maxDpi * placed.height) / POINTS_PER_INCH / heightPx,
  );
  return {
    width: Math.max(1, Math.ceil(widthPx * scale)),
    height: Math.max(1, Math.ceil(heightPx * scale)),
  };
}

/** The spine of a paperback of `pageCount` pages, in inches (4 decimals). */
export const spineWidthIn = (pageCount: number) => round(pageCount * SPINE_IN_PER_PAGE, 4);

// --- Text ------------------------------------------------------------------------------------------------

/** Code points outside Latin-1 that Windows-1252 (the PDF standard fonts' encoding) still has. */
const WIN_ANSI_EXTRA = new Set([
  402, 710, 732, 338, 339, 352, 353, 376, 381, 382, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8224,
  8225, 8226, 8230, 8240, 8249, 8250, 8364, 8482,
]);

const isWinAnsi = (code: number) =>
  (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

/**
 * Text the standard PDF fonts (Helvetica) can print: Windows-1252. Accented letters outside it lose their
 * accent (ő → o); anything else becomes `?`; tabs become spaces, other control characters go. One pass,
 * each character decomposed on its own: normalising the whole text would be quadratic on a long run of
 * combining marks (docs/export.md, "Text of any content").
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n').replace(/\t/g, '    ')) {
    const code = char.codePointAt(0)!;
    if (char === '\n' || isWinAnsi(code)) out += char;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    else {
      const base = [...char.normalize('NFKD')].filter((c) => isWinAnsi(c.codePointAt(0)!)).join('');
      out += base || '?';
    }
  }
  return out;
}

export type FontName = 'regular' | 'bold';

/** Measures text as the renderer will draw it (PDFKit's metrics in the service; anything in unit tests). */
export type MeasureText = (text: string, font: FontName, size: number) => number;

/**
 * Breaks text into lines no wider than `maxWidth`: at spaces, and inside a word only when the word alone is
 * too wide. Each `\n` starts a new line; empty lines are kept.
 */
export function wrapText(text: string, maxWidth: number, width: (line: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (width(candidate) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      if (width(word) <= maxWidth) {
        line = word;
        continue;
      }
      // A word wider than the line is cut by character widths: linear even for 100,000 characters.
      let start = 0;
      for (;;) {
        let end = start;
        let used = 0;
        while (end < word.length) {
          const w = width(word[end]);
          if (end > start && used + w > maxWidth) break;
          used += w;
          end++;
        }
        if (end === word.length) break;
        lines.push(word.slice(start, end));
        start = end;
      }
      line = word.slice(start);
    }
    lines.push(line);
  }
  return lines;
}

// --- The book --------------------------------------------------------------------------------------------

/** An image the book prints: an image's original or a drawing's rendered PNG. */
export interface PrintImage {
  source: 'image' | 'drawing';
  /** The image printed (source `image`); for a drawing, the image it colors, if any. */
  imageId: string | null;
  drawingId: string | null;
  /** Pixels as displayed; null when unknown (its file is missing). */
  widthPx: number | null;
  heightPx: number | null;
}

/** What goes into the book, in order (the service decides the order; see docs/export.md). */
export type Content =
  | { type: 'title'; title: string; author: string | null; cover: PrintImage | null }
  | { type: 'story'; storyId: string; title: string; text: string }
  | { type: 'coloring'; image: PrintImage };

export interface TextLine {
  text: string;
  font: FontName;
  size: number;
  /** The line's box: the text sits in it, left-aligned or centred. */
  box: Box;
  align: 'left' | 'center';
}

export interface PlacedImage {
  image: PrintImage;
  /** Where the image may go: the renderer fits the decoded image into it. */
  area: Box;
  /** Where it goes at its known pixel size (null when unknown). */
  placed: Box | null;
}

export type PageContent =
  | { type: 'title'; lines: TextLine[]; cover: PlacedImage | null }
  | { type: 'story'; storyId: string; lines: TextLine[]; continued: boolean }
  | ({ type: 'coloring' } & PlacedImage)
  | { type: 'blank' };

export interface LaidOutPage {
  number: number;
  geometry: PageGeometry;
  content: PageContent;
  /** The printed page number (coloring and story pages), or null. */
  folio: TextLine | null;
}

export interface BookLayout {
  trimSize: TrimSize;
  bleed: boolean;
  pageCount: number;
  gutterMarginIn: number;
  outerMarginIn: number;
  spineWidthIn: number;
  pages: LaidOutPage[];
}

export interface LayoutOptions {
  trimSize: TrimSize;
  bleed: boolean;
  /** Every coloring page on a recto with a blank verso behind it. */
  blankBacks: boolean;
}

export const TYPE = {
  title: { font: 'bold' as FontName, size: 28, leading: 1.2 },
  author: { font: 'regular' as FontName, size: 14, leading: 1.3 },
  storyTitle: { font: 'bold' as FontName, size: 18, leading: 1.3 },
  body: { font: 'regular' as FontName, size: 12, leading: 1.45 },
  folio: { font: 'regular' as FontName, size: 10, leading: 1 },
};
const AUTHOR_GAP = 8;
const STORY_TITLE_GAP = 12;
const COVER_GAP = pt(0.25);
/** A cover area smaller than this (a very long title on a small trim) is left out. */
const MIN_COVER_AREA = pt(1);

type Unplaced =
  | { type: 'title'; content: Extract<Content, { type: 'title' }> }
  | { type: 'story'; storyId: string; title: string | null; lines: string[] }
  | { type: 'coloring'; image: PrintImage }
  | { type: 'blank' };

/** Story text split into pages of lines; the first page also carries the title. */
function paginateStory(
  story: Extract<Content, { type: 'story' }>,
  textWidth: number,
  textHeight: number,
  measure: MeasureText,
): Unplaced[] {
  const title = toWinAnsi(story.title);
  const titleLines = wrapText(title, textWidth, (s) =>
    measure(s, TYPE.storyTitle.font, TYPE.storyTitle.size),
  );
  // trimEnd, not `replace(/\s+$/)`: the regex retries from every character of a whitespace run that is
  // followed by text, quadratic in the run (20,000 tabs took seconds).
  const body = wrapText(toWinAnsi(story.text).trimEnd(), textWidth, (s) =>
    measure(s, TYPE.body.font, TYPE.body.size),
  );
  const bodyLeading = TYPE.body.size * TYPE.body.leading;
  const titleHeight = titleLines.length * TYPE.storyTitle.size * TYPE.storyTitle.leading + STORY_TITLE_GAP;
  const pages: Unplaced[] = [];
  // An index into the lines, never `lines = lines.slice(…)`: copying the rest per page (or per skipped
  // empty line) is quadratic in the line count (100,000 newlines).
  let next = body.length === 1 && body[0] === '' ? body.length : 0;
  let first = true;
  do {
    const room = Math.max(1, Math.floor((textHeight - (first ? titleHeight : 0)) / bodyLeading));
    // A continuation page does not start with an empty line.
    if (!first) while (next < body.length && body[next] === '') next++;
    if (!first && next === body.length) break;
    pages.push({
      type: 'story',
      storyId: story.storyId,
      title: first ? title : null,
      lines: body.slice(next, next + room),
    });
    next += room;
    first = false;
  } while (next < body.length);
  return pages;
}

/** The pages in order, blank backs and the final even-count blank included. */
function sequence(
  contents: Content[],
  options: LayoutOptions,
  textBox: Box,
  measure: MeasureText,
): Unplaced[] {
  const pages: Unplaced[] = [];
  for (const content of contents) {
    if (content.type === 'title') pages.push({ type: 'title', content });
    else if (content.type === 'story')
      pages.push(...paginateStory(content, textBox.width, textBox.height, measure));
    else {
      // Single-sided: the coloring page on a recto (odd page), its verso left blank.
      if (options.blankBacks && pages.length % 2 === 1) pages.push({ type: 'blank' });
      pages.push({ type: 'coloring', image: content.image });
      if (options.blankBacks) pages.push({ type: 'blank' });
    }
  }
  // Printers bind sheets: an even page count, padded with a blank last page.
  if (pages.length % 2 === 1) pages.push({ type: 'blank' });
  return pages;
}

/** The area under the page-number band on numbered pages. */
const bodyArea = (safe: Box): Box => ({
  x: safe.x,
  y: safe.y + pt(PAGE_NUMBER_BAND_IN),
  width: safe.width,
  height: safe.height - pt(PAGE_NUMBER_BAND_IN),
});

const placeImage = (image: PrintImage, area: Box): PlacedImage => ({
  image,
  area,
  placed: image.widthPx && image.heightPx ? fitInto(image.widthPx, image.heightPx, area) : null,
});

/** Lines stacked from `top` down inside `safe`; answers the lines and the y of their bottom. */
function stack(
  texts: string[],
  style: (typeof TYPE)[keyof typeof TYPE],
  safe: Box,
  top: number,
  align: TextLine['align'],
): { lines: TextLine[]; bottom: number } {
  const leading = style.size * style.leading;
  const lines = texts.map((text, i) => ({
    text,
    font: style.font,
    size: style.size,
    align,
    box: { x: safe.x, y: top - (i + 1) * leading, width: safe.width, height: leading },
  }));
  return { lines, bottom: top - texts.length * leading };
}

function titlePage(
  content: Extract<Content, { type: 'title' }>,
  safe: Box,
  measure: MeasureText,
): Extract<PageContent, { type: 'title' }> {
  const titleTexts = wrapText(toWinAnsi(content.title), safe.width, (s) =>
    measure(s, TYPE.title.font, TYPE.title.size),
  );
  const authorTexts = content.author
    ? wrapText(`by ${toWinAnsi(content.author)}`, safe.width, (s) =>
        measure(s, TYPE.author.font, TYPE.author.size),
      )
    : [];
  const blockHeight =
    titleTexts.length * TYPE.title.size * TYPE.title.leading +
    (authorTexts.length ? AUTHOR_GAP + authorTexts.length * TYPE.author.size * TYPE.author.leading : 0);
  const safeTop = safe.y + safe.height;
  const coverRoom = safe.height - blockHeight - COVER_GAP;
  const withCover = content.cover !== null && coverRoom >= MIN_COVER_AREA;
  // Without a cover image the title sits a third of the way down.
  const top = withCover ? safeTop : safeTop - Math.max(0, (safe.height - blockHeight) / 3);
  const title = stack(titleTexts, TYPE.title, safe, top, 'center');
  const author = stack(authorTexts, TYPE.author, safe, title.bottom - AUTHOR_GAP, 'center');
  const cover = withCover
    ? placeImage(content.cover!, { x: safe.x, y: safe.y, width: safe.width, height: coverRoom })
    : null;
  return { type: 'title', lines: [...title.lines, ...author.lines], cover };
}

function storyPage(
  page: Extract<Unplaced, { type: 'story' }>,
  area: Box,
  measure: MeasureText,
): Extract<PageContent, { type: 'story' }> {
  const top = area.y + area.height;
  const title = page.title
    ? stack(
        wrapText(page.title, area.width, (s) => measure(s, TYPE.storyTitle.font, TYPE.storyTitle.size)),
        TYPE.storyTitle,
        area,
        top,
        'left',
      )
    : { lines: [], bottom: top + STORY_TITLE_GAP };
  const body = stack(page.lines, TYPE.body, area, title.bottom - STORY_TITLE_GAP, 'left');
  return {
    type: 'story',
    storyId: page.storyId,
    lines: [...title.lines, ...body.lines.filter((line) => line.text !== '')],
    continued: page.title === null,
  };
}

/**
 * Lays out the whole book: every page's boxes, what is drawn where, and the printed page numbers (on
 * coloring and story pages; not on the title page or blank pages). The gutter depends on the page count
 * and story text reflows with the gutter, so the count is settled first (it only grows, so this ends).
 */
export function layoutBook(contents: Content[], options: LayoutOptions, measure: MeasureText): BookLayout {
  let gutterIn = gutterMarginIn(0);
  let pages: Unplaced[] = [];
  for (let attempt = 0; attempt < GUTTER_MARGINS_IN.length + 1; attempt++) {
    // The text area is as wide on either side (gutter + outer margin); page 1's is as good as any.
    const safe = pageGeometry({ ...options, pageNumber: 1, pageCount: pageCountFor(gutterIn) }).safeBox;
    pages = sequence(contents, options, bodyArea(safe), measure);
    const settled = gutterMarginIn(pages.length);
    if (settled === gutterIn) break;
    gutterIn = settled;
  }
  const pageCount = pages.length;
  const laidOut = pages.map((page, i): LaidOutPage => {
    const number = i + 1;
    const geometry = pageGeometry({ ...options, pageNumber: number, pageCount });
    const area = bodyArea(geometry.safeBox);
    const folio: TextLine = {
      text: String(number),
      font: TYPE.folio.font,
      size: TYPE.folio.size,
      align: 'center',
      box: {
        x: geometry.safeBox.x,
        y: geometry.safeBox.y,
        width: geometry.safeBox.width,
        height: pt(PAGE_NUMBER_BAND_IN),
      },
    };
    switch (page.type) {
      case 'title':
        return { number, geometry, content: titlePage(page.content, geometry.safeBox, measure), folio: null };
      case 'story':
        return { number, geometry, content: storyPage(page, area, measure), folio };
      case 'coloring':
        return { number, geometry, content: { type: 'coloring', ...placeImage(page.image, area) }, folio };
      case 'blank':
        return { number, geometry, content: { type: 'blank' }, folio: null };
    }
  });
  return {
    trimSize: options.trimSize,
    bleed: options.bleed,
    pageCount,
    gutterMarginIn: gutterMarginIn(pageCount),
    outerMarginIn: outerMarginIn(options.bleed),
    spineWidthIn: spineWidthIn(pageCount),
    pages: laidOut,
  };
}

/** A page count that falls in the same gutter band as `gutterIn` (its band's upper bound, or 0). */
function pageCountFor(gutterIn: number): number {
  const index = GUTTER_MARGINS_IN.findIndex(([, margin]) => margin === gutterIn);
  return index <= 0 ? 0 : GUTTER_MARGINS_IN[index - 1][0] + 1;
}
