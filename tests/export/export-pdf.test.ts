import sharp from 'sharp';
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
import { makeJpeg, makePng, makeWebp } from '../helpers/images';
import { exportPdf, inside, parsePdf, type ParsedPage, type Rect } from './pdf';

const t = useTestApp({ validateResponses: true });

/** Trim sizes in points, written out here rather than taken from the code under test. */
const TRIMS = {
  letter: [612, 792],
  a4: [595.2756, 841.8898],
  '8x10': [576, 720],
  '8.5x8.5': [612, 612],
  '6x9': [432, 648],
} as const;
const BLEED = 9; // 0.125 in
const GUTTER = 18; // 0.25 in: books of up to 24 pages
const BAND = 21.6; // the page-number strip, 0.3 in

let user: TestUser;
let project: Project;
const ids: Record<string, string> = {};

/**
 * The fixture book: a story, two page images (one in the story, one JPEG), a drawing with a PNG on the
 * first, a reference (not printed) and a cover-kind image (on the title page). Pages: 1 title, 2 story,
 * 3 page A, 4 drawing, 5 page B, 6 blank (even count).
 */
beforeAll(async () => {
  user = await createUser(t, { displayName: 'Ada Lovelace' });
  project = await createProject(t, user, {
    title: 'Ocean Friends',
    description: 'Whales and crabs to color',
    tags: ['ocean', 'kids'],
  });
  const story = await createStory(t, user, project.id, {
    title: 'The Whale',
    content: 'Once upon a time a whale sang.\n\nThe end.',
  });
  ids.story = story.id;
  ids.a = (
    await createImage(
      t,
      user,
      project.id,
      { storyId: story.id, position: 0 },
      { bytes: await makePng(600, 750) },
    )
  ).id;
  ids.b = (
    await createImage(
      t,
      user,
      project.id,
      { position: 1 },
      { bytes: await makeJpeg(800, 600), filename: 'b.jpg' },
    )
  ).id;
  ids.reference = (await createImage(t, user, project.id, { kind: 'reference', position: 2 })).id;
  ids.cover = (
    await createImage(t, user, project.id, { kind: 'cover', position: 3 }, { bytes: await makePng(400, 300) })
  ).id;
  ids.drawing = (await createDrawing(t, user, project.id, { imageId: ids.a }, await makePng(300, 300))).id;
});

/** The trim box of page `n` (1-based) as the contract and KDP define it. */
function expectedTrim(trimSize: keyof typeof TRIMS, bleed: boolean, n: number): Rect {
  const [width, height] = TRIMS[trimSize];
  const verso = n % 2 === 0;
  return { x: bleed && verso ? BLEED : 0, y: bleed ? BLEED : 0, width, height };
}

/** The safe area: 0.25 in (0.375 with bleed) inside the trim, 0.25 in on the gutter (≤ 24 pages). */
function expectedSafe(trim: Rect, bleed: boolean, n: number): Rect {
  const outer = bleed ? 27 : 18;
  const recto = n % 2 === 1;
  return {
    x: trim.x + (recto ? GUTTER : outer),
    y: trim.y + outer,
    width: trim.width - outer - GUTTER,
    height: trim.height - 2 * outer,
  };
}

const close = (a: Rect, b: Rect) => {
  for (const key of ['x', 'y', 'width', 'height'] as const) expect(a[key]).toBeCloseTo(b[key], 2);
};

describe('POST /api/projects/:id/export: page boxes', () => {
  test.each(
    (Object.keys(TRIMS) as Array<keyof typeof TRIMS>).flatMap((trimSize) => [
      [trimSize, false],
      [trimSize, true],
    ]) as Array<[keyof typeof TRIMS, boolean]>,
  )(
    'when %s is exported with bleed %s, then every page has the MediaBox, TrimBox and BleedBox of that size',
    async (trimSize, bleed) => {
      const res = await exportPdf(t, user, project.id, { trimSize, bleed });
      expect(res.status).toBe(200);
      const pdf = await parsePdf(res.body);
      expect(pdf.pages).toHaveLength(6);
      const [width, height] = TRIMS[trimSize];
      pdf.pages.forEach((page, i) => {
        const n = i + 1;
        const media = {
          x: 0,
          y: 0,
          width: width + (bleed ? BLEED : 0),
          height: height + (bleed ? 2 * BLEED : 0),
        };
        close(page.mediaBox, media);
        close(page.bleedBox!, media);
        const trim = expectedTrim(trimSize, bleed, n);
        close(page.trimBox!, trim);
        // Everything drawn stays inside the safe area.
        const safe = expectedSafe(trim, bleed, n);
        for (const image of page.images) expect(inside(image.box, safe)).toBe(true);
      });
      // Letter with bleed is the contract's example: 8.625 × 11.25 in.
      if (trimSize === 'letter' && bleed)
        expect([pdf.pages[0].mediaBox.width, pdf.pages[0].mediaBox.height]).toEqual([621, 810]);
    },
  );
});

describe('POST /api/projects/:id/export: content', () => {
  let pages: ParsedPage[];
  let res: Awaited<ReturnType<typeof exportPdf>>;

  beforeAll(async () => {
    res = await exportPdf(t, user, project.id);
    pages = (await parsePdf(res.body)).pages;
  });

  test('when a project is exported, then 200 application/pdf with a file name, the page count and the warning count', async () => {
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="ocean-friends.pdf"; filename*=UTF-8''Ocean%20Friends.pdf`,
    );
    expect(res.headers['x-export-page-count']).toBe('6');
    const preflight = await t.http().get(`/api/projects/${project.id}/export/preflight`).set(user.auth);
    expect(res.headers['x-export-warnings']).toBe(String(preflight.body.warningCount));
    expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(res.body.subarray(-6).toString()).toContain('%%EOF');
  });

  test('when a project is exported, then the PDF carries its title, author, subject and keywords', async () => {
    const pdf = await parsePdf(res.body);
    expect(pdf).toMatchObject({
      title: 'Ocean Friends',
      author: 'Ada Lovelace',
      subject: 'Whales and crabs to color',
      keywords: 'ocean, kids',
      creator: 'ColorBook Engine',
    });
  });

  test('when a project is exported, then title, story, pages and drawings come in order and references are left out', () => {
    // 1: title with the cover-kind image; 2: the story; 3: page A; 4: its drawing; 5: page B; 6: blank.
    expect(pages[0].texts).toEqual(expect.arrayContaining(['Ocean Friends', 'by Ada Lovelace']));
    expect(pages[0].images.map((i) => [i.widthPx, i.heightPx])).toEqual([[400, 300]]);
    expect(pages[1].texts).toEqual(
      expect.arrayContaining(['The Whale', 'Once upon a time a whale sang.', 'The end.']),
    );
    expect(pages[1].images).toEqual([]);
    expect(pages[2].images.map((i) => [i.widthPx, i.heightPx])).toEqual([[600, 750]]);
    expect(pages[3].images.map((i) => [i.widthPx, i.heightPx])).toEqual([[300, 300]]);
    expect(pages[4].images.map((i) => [i.widthPx, i.heightPx, i.filter])).toEqual([[800, 600, '/DCTDecode']]);
    expect(pages[5]).toMatchObject({ images: [], texts: [] });
    // The reference image (32×24) appears nowhere.
    expect(pages.flatMap((p) => p.images).some((i) => i.widthPx === 32)).toBe(false);
  });

  test('when a project is exported, then story and coloring pages are numbered and the title and blank pages are not', () => {
    expect(pages.map((p) => p.texts.filter((text) => /^\d+$/.test(text)))).toEqual([
      [],
      ['2'],
      ['3'],
      ['4'],
      ['5'],
      [],
    ]);
  });

  test('when a page image is placed, then it keeps its proportions and fills the safe area above the page number', () => {
    for (const [n, [w, h]] of [
      [3, [600, 750]],
      [5, [800, 600]],
    ] as const) {
      const [image] = pages[n - 1].images;
      expect(image.box.width / image.box.height).toBeCloseTo(w / h, 3);
      const safe = expectedSafe(expectedTrim('letter', false, n), false, n);
      const area = { ...safe, y: safe.y + BAND, height: safe.height - BAND };
      expect(inside(image.box, area)).toBe(true);
      // Fitted: it touches the area on one axis and is centred on the other.
      const fillsWidth = Math.abs(image.box.width - area.width) < 0.01;
      const fillsHeight = Math.abs(image.box.height - area.height) < 0.01;
      expect(fillsWidth || fillsHeight).toBe(true);
      expect(image.box.x + image.box.width / 2).toBeCloseTo(area.x + area.width / 2, 2);
      expect(image.box.y + image.box.height / 2).toBeCloseTo(area.y + area.height / 2, 2);
    }
  });

  test('when an export is made, then export.created is recorded with the trim size and page count', async () => {
    await exportPdf(t, user, project.id, { trimSize: '6x9', blankBacks: true, includeStories: false }).expect(
      200,
    );
    const { rows } = await t.db.query<{ properties: Record<string, unknown> }>(
      `SELECT properties FROM analytics_events WHERE user_id = $1 AND type = 'export.created'
        ORDER BY occurred_at DESC LIMIT 1`,
      [user.id],
    );
    expect(rows[0].properties).toMatchObject({
      format: 'pdf',
      trimSize: '6x9',
      pageCount: 8,
      blankBacks: true,
    });
  });
});

describe('POST /api/projects/:id/export: options', () => {
  test('when blankBacks is set, then every coloring page is a right-hand page with a blank page behind it', async () => {
    const res = await exportPdf(t, user, project.id, { blankBacks: true });
    const { pages } = await parsePdf(res.body);
    // 1 title, 2 story (on the title's back), 3 A, 4 blank, 5 drawing, 6 blank, 7 B, 8 blank.
    expect(pages.map((p) => p.images.length)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(pages[1].texts).toContain('The Whale');
    for (const n of [4, 6, 8]) expect(pages[n - 1]).toMatchObject({ images: [], texts: [] });
  });

  test('when includeStories is false, then no story page is printed', async () => {
    const res = await exportPdf(t, user, project.id, { includeStories: false });
    const { pages } = await parsePdf(res.body);
    expect(pages.map((p) => p.images.length)).toEqual([1, 1, 1, 1]);
    expect(pages.flatMap((p) => p.texts)).not.toContain('The Whale');
  });

  test('when images are WebP or carry an EXIF orientation, then they are converted upright and undistorted', async () => {
    const own = await createProject(t, user);
    await createImage(t, user, own.id, {}, { bytes: await makeWebp(300, 200), filename: 'w.webp' });
    // Stored 200×100 with "rotate 90° clockwise": displayed 100×200.
    const rotated = await sharp(await makeJpeg(200, 100))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const image = await createImage(t, user, own.id, {}, { bytes: rotated, filename: 'r.jpg' });
    expect([image.width, image.height]).toEqual([100, 200]);
    const { pages } = await parsePdf((await exportPdf(t, user, own.id)).body);
    const [webp] = pages[1].images;
    const [upright] = pages[2].images;
    expect([webp.widthPx, webp.heightPx, webp.filter]).toEqual([300, 200, '/FlateDecode']);
    expect([upright.widthPx, upright.heightPx]).toEqual([100, 200]);
    expect(upright.box.width / upright.box.height).toBeCloseTo(0.5, 3);
  });

  test('when stories have no page image and a drawing no image, then they come after the pages: drawings, then stories', async () => {
    const own = await createProject(t, user);
    await createStory(t, user, own.id, { title: 'Lonely tale', position: 0 });
    const told = await createStory(t, user, own.id, { title: 'Told tale', position: 1 });
    await createImage(t, user, own.id, { storyId: told.id }, { bytes: await makePng(50, 60) });
    await createDrawing(t, user, own.id, {}, await makePng(70, 70));
    const { pages } = await parsePdf((await exportPdf(t, user, own.id)).body);
    const summary = pages.map((p) =>
      p.images.length ? `${p.images[0].widthPx}px` : (p.texts.find((x) => x.endsWith('tale')) ?? null),
    );
    expect(summary).toEqual([null, 'Told tale', '50px', '70px', 'Lonely tale', null]);
  });

  test('when an Idempotency-Key is sent, then nothing is replayed: each request exports again', async () => {
    const key = 'export-twice-1';
    const first = await exportPdf(t, user, project.id).set('Idempotency-Key', key);
    const second = await exportPdf(t, user, project.id).set('Idempotency-Key', key);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect((await parsePdf(second.body)).pages).toHaveLength(6);
  });

  test('when the project names a cover image, then the title page prints it', async () => {
    const own = await createProject(t, user, { title: 'Covered' });
    const cover = await createImage(t, user, own.id, {}, { bytes: await makePng(120, 90) });
    await createImage(t, user, own.id, {}, { bytes: await makePng(60, 80) });
    await t.http().put(`/api/projects/${own.id}`).set(user.auth).send({ coverImageId: cover.id }).expect(200);
    const { pages } = await parsePdf((await exportPdf(t, user, own.id)).body);
    expect(pages[0].images.map((i) => [i.widthPx, i.heightPx])).toEqual([[120, 90]]);
    // The cover is also a page image (kind `page`), so it prints as a coloring page too.
    expect(pages.slice(1).flatMap((p) => p.images.map((i) => [i.widthPx, i.heightPx]))).toEqual([
      [120, 90],
      [60, 80],
    ]);
  });
});
