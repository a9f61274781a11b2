import { useTestApp } from '../helpers/app';
import {
  createDrawing,
  createImage,
  createProject,
  createUser,
  type Drawing,
  type Image,
  type Project,
  type TestUser,
} from '../helpers/factories';
import { makePng } from '../helpers/images';

const t = useTestApp({ validateResponses: true });

let user: TestUser;
let project: Project;
let sharpImage: Image;
let softImage: Image;
let drawing: Drawing;

const preflight = (projectId: string, query = '') =>
  t.http().get(`/api/projects/${projectId}/export/preflight${query}`).set(user.auth);

/**
 * On 6 × 9 in without bleed the safe area is 5.5 in wide (0.25 in each side) and 8.2 in tall (0.25 in top
 * and bottom, 0.3 in for the page number). A 1650 × 2100 px image fills its width: 5.5 × 7 in, 300 DPI.
 */
beforeAll(async () => {
  user = await createUser(t);
  project = await createProject(t, user);
  sharpImage = await createImage(t, user, project.id, {}, { bytes: await makePng(1650, 2100) });
  softImage = await createImage(t, user, project.id, {}, { bytes: await makePng(825, 1050) });
  drawing = await createDrawing(t, user, project.id, {}, await makePng(550, 700));
});

describe('GET /api/projects/:id/export/preflight', () => {
  test('when the images are of known sizes, then each page reports its printed size and effective DPI', async () => {
    const res = await preflight(project.id, '?trimSize=6x9');
    expect(res.status).toBe(200);
    expect(res.body.pages).toEqual([
      {
        pageNumber: 2,
        kind: 'page',
        imageId: sharpImage.id,
        drawingId: null,
        widthPx: 1650,
        heightPx: 2100,
        printedSizeIn: { width: 5.5, height: 7 },
        effectiveDpi: 300,
        warnings: [],
      },
      {
        pageNumber: 3,
        kind: 'page',
        imageId: softImage.id,
        drawingId: null,
        widthPx: 825,
        heightPx: 1050,
        printedSizeIn: { width: 5.5, height: 7 },
        effectiveDpi: 150,
        warnings: [
          {
            code: 'LOW_DPI',
            message:
              'Page 3 prints 825×1050 px at 150 DPI; 300 DPI needs a larger image, or this one printed at most 2.75 × 3.5 in',
          },
        ],
      },
      {
        pageNumber: 4,
        kind: 'drawing',
        imageId: null,
        drawingId: drawing.id,
        widthPx: 550,
        heightPx: 700,
        printedSizeIn: { width: 5.5, height: 7 },
        effectiveDpi: 100,
        warnings: [expect.objectContaining({ code: 'LOW_DPI' })],
      },
    ]);
  });

  test('when the book is checked, then it reports page count, spine, binding, margins and its own warnings', async () => {
    const res = await preflight(project.id, '?trimSize=6x9');
    expect(res.body).toMatchObject({
      trimSize: '6x9',
      bleed: false,
      includeStories: true,
      blankBacks: false,
      // Title, three coloring pages: 4, even.
      pageCount: 4,
      spineWidthIn: 0.01,
      trimSizeIn: { width: 6, height: 9 },
      pageSizeIn: { width: 6, height: 9 },
      marginsIn: { outer: 0.25, gutter: 0.25 },
      binding: {
        evenPageCount: true,
        paperback: { fits: false, minPages: 24, maxPages: 828 },
        saddleStitch: { fits: true, maxPages: 64 },
        spineTextAllowed: false,
      },
      warnings: [{ code: 'BELOW_PAPERBACK_MINIMUM', message: '4 pages: a paperback needs at least 24' }],
      // The book's one, and the two low-resolution pages.
      warningCount: 3,
    });
  });

  test('when bleed is asked for, then the page grows and the wider outer margin lowers the DPI', async () => {
    const res = await preflight(project.id, '?trimSize=6x9&bleed=true');
    expect(res.body.pageSizeIn).toEqual({ width: 6.125, height: 9.25 });
    expect(res.body.marginsIn).toEqual({ outer: 0.375, gutter: 0.25 });
    // 1650 px over 6 − 0.375 − 0.25 = 5.375 in.
    expect(res.body.pages[0]).toMatchObject({
      printedSizeIn: { width: 5.375 },
      effectiveDpi: 306,
      warnings: [],
    });
  });

  test('when no trim size is given, then letter: 8 in wide, and the 1650 px image drops under 300 DPI', async () => {
    const res = await preflight(project.id);
    expect(res.body).toMatchObject({ trimSize: 'letter', pageSizeIn: { width: 8.5, height: 11 } });
    // 1650 × 2100 into 8 × 10.2 in: width-bound, 1650 px over 8 in → 206.25 DPI.
    expect(res.body.pages[0]).toMatchObject({
      printedSizeIn: { width: 8, height: 10.182 },
      effectiveDpi: 206,
      warnings: [{ code: 'LOW_DPI' }],
    });
  });

  test('when the book passes 24 pages, then the gutter margin grows to 0.375 in and the spine follows the count', async () => {
    const own = await createProject(t, user);
    for (let i = 0; i < 12; i++) await createImage(t, user, own.id);
    // blankBacks: title, blank, then 12 × (page, blank) = 26 pages.
    const res = await preflight(own.id, '?blankBacks=true');
    expect(res.body).toMatchObject({
      pageCount: 26,
      spineWidthIn: 0.065,
      marginsIn: { gutter: 0.375 },
      binding: { paperback: { fits: true }, saddleStitch: { fits: false } },
      warnings: [],
    });
    expect(res.body.pages.map((p: { pageNumber: number }) => p.pageNumber)).toEqual(
      Array.from({ length: 12 }, (_, i) => 3 + 2 * i),
    );
  });
});
