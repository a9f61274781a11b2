import { useTestApp } from '../helpers/app';
import { createImage, createProject, createStory, createUser, type TestUser } from '../helpers/factories';
import { makePng } from '../helpers/images';
import { exportPdf, parsePdf } from './pdf';

/**
 * Stories of the most characters a story may hold (100,000), of the contents that made text processing
 * super-linear (whitespace runs followed by text, runs of empty lines) or that the standard fonts cannot
 * print, go through the preflight and the PDF export whole: right page counts, text preserved. No timing
 * is asserted (that is the layout unit tests' counted work and eslint's regexp rules); before the fix the
 * whitespace and newline cases held the server for minutes and these tests never finished.
 */
const t = useTestApp({ validateResponses: true });

const MAX = 100_000;
const STORY_TITLE = 'Worst case';
/**
 * Letter, no bleed: the text area under the page number band is 792 − 2 × 18 − 21.6 = 734.4 pt tall, body
 * lines are 12 × 1.45 = 17.4 pt: 42 lines a page, 40 under the story title (18 × 1.3 + 12 pt).
 */
const LINES_PER_PAGE = 42;
const LINES_UNDER_TITLE = 40;

interface WorstCase {
  text: string;
  /** What prints, whitespace left out (the standard fonts print `?` for what they lack). */
  printed: string;
  /** The whole book's page count when it is known without measuring glyphs. */
  pageCount?: number;
}

const cases: Record<string, WorstCase> = {
  'tabs only': { text: '\t'.repeat(MAX), printed: '', pageCount: 4 },
  'tabs, then a letter': { text: `${'\t'.repeat(MAX - 1)}x`, printed: 'x', pageCount: 4 },
  'newlines, then a letter': { text: `${'\n'.repeat(MAX - 1)}x`, printed: 'x', pageCount: 4 },
  '"\\t \\t x" repeated': { text: '\t \t x'.repeat(MAX / 5), printed: 'x'.repeat(MAX / 5) },
  'one long word': { text: 'w'.repeat(MAX), printed: 'w'.repeat(MAX) },
  CJK: { text: '漢'.repeat(MAX), printed: '?'.repeat(MAX) },
  // A lone surrogate cannot be stored as UTF-8 (it arrives as U+FFFD); a combining mark alone prints as ?.
  'lone surrogates and combining marks': {
    text: '\ud800e\u0301 '.repeat(MAX / 4),
    printed: '?e?'.repeat(MAX / 4),
  },
};

let user: TestUser;
let png: Buffer;

beforeAll(async () => {
  user = await createUser(t);
  png = await makePng(600, 750);
});

/** A project with one page image and the story: title page, the coloring page, then the story's pages. */
async function bookWith(text: string): Promise<string> {
  const project = await createProject(t, user, { title: 'Worst' });
  await createImage(t, user, project.id, {}, { bytes: png });
  const story = await createStory(t, user, project.id, { title: STORY_TITLE, content: text });
  expect(story.content).toHaveLength(MAX);
  return project.id;
}

describe('stories of 100,000 characters of the worst kinds', () => {
  test.each(Object.keys(cases))(
    'when a story is %s, then the preflight and the PDF agree on the pages and the text is all printed',
    async (name) => {
      const { text, printed, pageCount } = cases[name];
      expect(text).toHaveLength(MAX);
      const projectId = await bookWith(text);

      const preflight = await t.http().get(`/api/projects/${projectId}/export/preflight`).set(user.auth);
      expect(preflight.status).toBe(200);
      const res = await exportPdf(t, user, projectId);
      expect(res.status).toBe(200);
      const pdf = await parsePdf(res.body as Buffer);
      expect(pdf.pages).toHaveLength(preflight.body.pageCount);
      expect(res.headers['x-export-page-count']).toBe(String(preflight.body.pageCount));
      expect(preflight.body.pageCount % 2).toBe(0);
      if (pageCount !== undefined) expect(preflight.body.pageCount).toBe(pageCount);

      // Page 1 is the title page, page 2 the coloring page; the story follows (a blank page may close).
      const storyPages = pdf.pages
        .slice(2)
        .filter((page) => page.texts.some((s) => s === STORY_TITLE) || page.texts.length > 1);
      const lines = storyPages.flatMap((page) =>
        page.texts.filter((s) => s !== STORY_TITLE && !/^\d+$/.test(s)),
      );
      expect(lines.join('').replace(/\s/g, '')).toBe(printed);
      // Every story page but the last is full: nothing is lost or spread out.
      if (pageCount === undefined) {
        const expectedPages = 1 + Math.ceil(Math.max(0, lines.length - LINES_UNDER_TITLE) / LINES_PER_PAGE);
        expect(storyPages).toHaveLength(expectedPages);
        expect(preflight.body.pageCount).toBe(2 + expectedPages + (expectedPages % 2));
      }
    },
    120_000,
  );
});
