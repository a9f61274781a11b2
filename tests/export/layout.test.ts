import {
  effectiveDpi,
  embedSize,
  fitInto,
  gutterMarginIn,
  layoutBook,
  pageGeometry,
  spineWidthIn,
  toWinAnsi,
  trimPoints,
  wrapText,
  type Content,
  type MeasureText,
  type PrintImage,
} from '../../src/modules/export/layout';

/** Every character 6 pt wide at any size: easy arithmetic. */
const monospace: MeasureText = (text) => text.length * 6;
const width = (text: string) => text.length * 6;

const image = (id: string, widthPx = 2400, heightPx = 3000): PrintImage => ({
  source: 'image',
  imageId: id,
  drawingId: null,
  widthPx,
  heightPx,
});
const title: Content = { type: 'title', title: 'Book', author: null, cover: null };
const coloring = (id: string): Content => ({ type: 'coloring', image: image(id) });

describe('trim sizes and page boxes', () => {
  test('when trim sizes are converted, then they are the points of their inches (A4 of its millimetres)', () => {
    expect(trimPoints('letter')).toEqual({ width: 612, height: 792 });
    expect(trimPoints('8x10')).toEqual({ width: 576, height: 720 });
    expect(trimPoints('8.5x8.5')).toEqual({ width: 612, height: 612 });
    expect(trimPoints('6x9')).toEqual({ width: 432, height: 648 });
    expect(trimPoints('a4').width).toBeCloseTo(595.276, 3);
    expect(trimPoints('a4').height).toBeCloseTo(841.89, 2);
  });

  test('when there is no bleed, then media, bleed and trim boxes are the page and the safe area is 0.25 in inside', () => {
    const page = pageGeometry({ trimSize: 'letter', bleed: false, pageNumber: 1, pageCount: 10 });
    const whole = { x: 0, y: 0, width: 612, height: 792 };
    expect(page).toEqual({
      side: 'recto',
      mediaBox: whole,
      bleedBox: whole,
      trimBox: whole,
      safeBox: { x: 18, y: 18, width: 576, height: 756 },
    });
  });

  test('when there is bleed, then the page grows on the outer edge, top and bottom and the trim hugs the gutter', () => {
    const recto = pageGeometry({ trimSize: 'letter', bleed: true, pageNumber: 3, pageCount: 10 });
    const verso = pageGeometry({ trimSize: 'letter', bleed: true, pageNumber: 4, pageCount: 10 });
    // 8.625 × 11.25 in.
    expect(recto.mediaBox).toEqual({ x: 0, y: 0, width: 621, height: 810 });
    expect(recto.bleedBox).toEqual(recto.mediaBox);
    expect(recto.trimBox).toEqual({ x: 0, y: 9, width: 612, height: 792 });
    expect(verso.trimBox).toEqual({ x: 9, y: 9, width: 612, height: 792 });
    // 0.375 in outer, top and bottom with bleed; 0.25 in gutter.
    expect(recto.safeBox).toEqual({ x: 18, y: 36, width: 567, height: 738 });
    expect(verso.safeBox).toEqual({ x: 36, y: 36, width: 567, height: 738 });
  });

  test.each([
    [24, 0.25],
    [25, 0.375],
    [150, 0.375],
    [151, 0.5],
    [300, 0.5],
    [301, 0.625],
    [501, 0.75],
    [828, 0.875],
  ])('when a book has %i pages, then its gutter margin is %d in', (pages, margin) => {
    expect(gutterMarginIn(pages)).toBe(margin);
  });

  test('when a book is long, then the gutter side of each page gets the wider margin', () => {
    const recto = pageGeometry({ trimSize: 'letter', bleed: false, pageNumber: 1, pageCount: 100 });
    const verso = pageGeometry({ trimSize: 'letter', bleed: false, pageNumber: 2, pageCount: 100 });
    expect(recto.safeBox).toMatchObject({ x: 27, width: 567 });
    expect(verso.safeBox).toMatchObject({ x: 18, width: 567 });
  });

  test('when the spine is computed, then it is 0.0025 in per page', () => {
    expect(spineWidthIn(100)).toBe(0.25);
    expect(spineWidthIn(24)).toBe(0.06);
    expect(spineWidthIn(0)).toBe(0);
  });
});

describe('fitting and resolution', () => {
  const area = { x: 10, y: 20, width: 400, height: 400 };

  test('when a landscape image is fitted into a square, then it keeps its proportions, fills the width and is centred', () => {
    expect(fitInto(2000, 1000, area)).toEqual({ x: 10, y: 120, width: 400, height: 200 });
    expect(fitInto(500, 1000, area)).toEqual({ x: 110, y: 20, width: 200, height: 400 });
  });

  test('when an image prints at a size, then its DPI is pixels over inches on the tighter axis', () => {
    expect(effectiveDpi(2400, 3000, { x: 0, y: 0, width: 576, height: 720 })).toBe(300);
    expect(effectiveDpi(1200, 3000, { x: 0, y: 0, width: 576, height: 720 })).toBe(150);
  });

  test('when an image is finer than 600 DPI at its printed size, then it is embedded at 600 DPI, else as it is', () => {
    const inch = { x: 0, y: 0, width: 72, height: 72 };
    expect(embedSize(600, 600, inch)).toBeNull();
    expect(embedSize(4000, 2000, { ...inch, height: 36 })).toEqual({ width: 600, height: 300 });
  });
});

describe('text', () => {
  test('when text is wider than the line, then it breaks at spaces, keeps empty lines and splits over-long words', () => {
    expect(wrapText('aa bb cc', 30, width)).toEqual(['aa bb', 'cc']);
    expect(wrapText('one\n\ntwo', 60, width)).toEqual(['one', '', 'two']);
    expect(wrapText('abcdefghijkl', 30, width)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrapText('', 30, width)).toEqual(['']);
  });

  test('when text has characters the standard fonts lack, then accents fall back to their letter and the rest to ?', () => {
    expect(toWinAnsi('Café “quoted” — ok')).toBe('Café “quoted” — ok');
    expect(toWinAnsi('Gőz\tő')).toBe('Goz    o');
    expect(toWinAnsi('日本 🐳')).toBe('?? ?');
    expect(toWinAnsi('a\r\nb\u0007')).toBe('a\nb');
  });
});

describe('the page plan', () => {
  const options = { trimSize: 'letter' as const, bleed: false, blankBacks: false };

  test('when pages are laid out, then the title opens, coloring pages follow and an odd count is padded to even', () => {
    const book = layoutBook([title, coloring('a'), coloring('b')], options, monospace);
    expect(book.pages.map((p) => p.content.type)).toEqual(['title', 'coloring', 'coloring', 'blank']);
    expect(book.pages.map((p) => p.folio?.text ?? null)).toEqual([null, '2', '3', null]);
    expect(book.pageCount).toBe(4);
  });

  test('when blankBacks is on, then every coloring page is odd with a blank page after it, and text fills a verso', () => {
    const story: Content = { type: 'story', storyId: 's', title: 'Tale', text: 'short' };
    const book = layoutBook(
      [title, story, coloring('a'), coloring('b')],
      { ...options, blankBacks: true },
      monospace,
    );
    expect(book.pages.map((p) => p.content.type)).toEqual([
      'title',
      'story',
      'coloring',
      'blank',
      'coloring',
      'blank',
    ]);
    const plain = layoutBook([title, coloring('a')], { ...options, blankBacks: true }, monospace);
    expect(plain.pages.map((p) => p.content.type)).toEqual(['title', 'blank', 'coloring', 'blank']);
  });

  test('when a story is longer than a page, then it continues on the next pages, the title only on the first', () => {
    // 100 lines of 10 characters; a letter page holds (10.5 − 0.3) in of 17.4 pt lines.
    const text = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(5, '0')}`).join('\n');
    const story: Content = { type: 'story', storyId: 's', title: 'Tale', text };
    const book = layoutBook([title, story, coloring('a')], options, monospace);
    const storyPages = book.pages.filter((p) => p.content.type === 'story');
    expect(storyPages).toHaveLength(3);
    const lines = storyPages.map((p) =>
      p.content.type === 'story' ? p.content.lines.map((l) => l.text) : [],
    );
    expect(lines[0][0]).toBe('Tale');
    expect(lines.flat().filter((l) => l.startsWith('line'))).toHaveLength(100);
    // Every line stays inside its page's safe area, above the page number.
    for (const page of storyPages) {
      if (page.content.type !== 'story') continue;
      for (const line of page.content.lines) {
        expect(line.box.y).toBeGreaterThanOrEqual(page.geometry.safeBox.y + 21.6 - 0.001);
        expect(line.box.y + line.box.height).toBeLessThanOrEqual(
          page.geometry.safeBox.y + page.geometry.safeBox.height + 0.001,
        );
      }
    }
  });

  test('when the page count crosses 24, then the gutter widens and the text reflows to the narrower lines', () => {
    // 95 characters: 570 pt fit the 576 pt line of a short book, not the 567 pt of a longer one.
    const story: Content = { type: 'story', storyId: 's', title: 'Tale', text: 'x'.repeat(95) };
    const short = layoutBook([title, story, coloring('a')], options, monospace);
    const storyLines = (book: typeof short) =>
      book.pages.flatMap((p) =>
        p.content.type === 'story' ? p.content.lines.map((l) => l.text.length) : [],
      );
    expect(storyLines(short)).toEqual([4, 95]);
    const pages = Array.from({ length: 30 }, (_, i) => coloring(`p${i}`));
    const long = layoutBook([title, story, ...pages], options, monospace);
    expect(long.pageCount).toBe(32);
    expect(long.gutterMarginIn).toBe(0.375);
    expect(long.pages[0].geometry.safeBox.x).toBe(27);
    expect(storyLines(long)).toEqual([4, 94, 1]);
  });

  test('when the title page has a cover, then the cover fills the room under the title; without one the title sits lower', () => {
    const withCover = layoutBook(
      [{ type: 'title', title: 'Book', author: 'Ada', cover: image('c', 400, 300) }, coloring('a')],
      options,
      monospace,
    );
    const page = withCover.pages[0];
    if (page.content.type !== 'title') throw new Error('not a title page');
    const [bookLine, authorLine] = page.content.lines;
    expect([bookLine.text, authorLine.text]).toEqual(['Book', 'by Ada']);
    expect(page.content.cover!.placed!.y + page.content.cover!.placed!.height).toBeLessThan(authorLine.box.y);
    const bare = layoutBook([title, coloring('a')], options, monospace).pages[0];
    if (bare.content.type !== 'title') throw new Error('not a title page');
    expect(bare.content.lines[0].box.y).toBeLessThan(bookLine.box.y);
  });
});

/**
 * Story text of any content costs work linear in its length. Timing is never asserted: the work is counted
 * where it is done (the characters handed to the measure), and ten times the text may cost at most about ten
 * times the work. The regex and copying traps of the past (a `/\s+$/` over a long whitespace run, the rest
 * of the lines copied per page) are kept out by eslint's regexp rules and by the 100,000-character cases
 * below, which took minutes before.
 */
describe('text of any content, up to the 100,000 characters a story holds', () => {
  const options = { trimSize: 'letter' as const, bleed: false, blankBacks: false };
  const MAX = 100_000;
  /** Each maker gives a text of exactly n characters (UTF-16 code units, as the story limit counts). */
  const worstCases: Record<string, (n: number) => string> = {
    tabs: (n) => '\t'.repeat(n),
    'tabs, then a letter': (n) => `${'\t'.repeat(n - 1)}x`,
    'spaces, then a letter': (n) => `${' '.repeat(n - 1)}x`,
    '"\\t \\t x" repeated': (n) => '\t \t x'.repeat(Math.ceil(n / 5)).slice(0, n),
    'newlines, then a letter': (n) => `${'\n'.repeat(n - 1)}x`,
    'CRLF pairs, then a letter': (n) => `${'\r\n'.repeat((n - 1) / 2)}x`.padStart(n, ' '),
    'one long word': (n) => 'w'.repeat(n),
    'one-letter words': (n) => 'a '.repeat(n / 2),
    'one-letter lines': (n) => 'a\n'.repeat(n / 2),
    'no-break spaces, then a letter': (n) => `${'\u00a0'.repeat(n - 1)}x`,
    CJK: (n) => '漢'.repeat(n),
    'lone surrogates': (n) => '\ud800'.repeat(n),
    'combining marks': (n) => `a${'\u0301\u0316'.repeat(n / 2)}`.slice(0, n),
    'emoji pairs': (n) => '🐳'.repeat(n / 2),
    'control characters': (n) => '\u0007\u0085'.repeat(n / 2),
  };

  /** A width that counts its calls and the characters it is handed: 6 pt a character. */
  function countingWidth() {
    const count = { calls: 0, chars: 0 };
    const width = (s: string) => {
      count.calls++;
      count.chars += s.length;
      return s.length * 6;
    };
    return { count, width };
  }

  /** Lays out one story (title page, story, one coloring page) with a counting measure. */
  function work(text: string) {
    const { count, width } = countingWidth();
    const story: Content = { type: 'story', storyId: 's', title: 'Tale', text };
    const book = layoutBook([title, story, coloring('a')], options, (s) => width(s));
    return { ...count, book };
  }

  test.each(Object.keys(worstCases))(
    'when a story is %s, then wrapping ten times the text measures at most ~ten times as much',
    (name) => {
      const make = worstCases[name];
      expect(make(MAX).length).toBe(MAX);
      const wrap = (n: number) => {
        const { count, width } = countingWidth();
        const lines = wrapText(toWinAnsi(make(n)).trimEnd(), 576, width);
        return { ...count, lines: lines.length };
      };
      const small = wrap(MAX / 10);
      const large = wrap(MAX);
      // Quadratic work would be ~100 times; allow a little for the first and last lines.
      expect(large.calls).toBeLessThanOrEqual(11 * small.calls + 20);
      expect(large.chars).toBeLessThanOrEqual(11 * small.chars + 2000);
      expect(large.lines).toBeLessThanOrEqual(11 * small.lines + 20);
    },
  );

  test.each(Object.keys(worstCases))(
    'when a story is %s, then the whole book measures at most a line per character per layout pass',
    (name) => {
      const { chars, book } = work(worstCases[name](MAX));
      // The layout runs at most 7 passes (one per gutter band); a line is at most 96 characters here.
      expect(chars).toBeLessThanOrEqual(7 * 97 * MAX);
      expect(book.pageCount % 2).toBe(0);
    },
  );

  const storyTexts = (book: ReturnType<typeof layoutBook>) =>
    book.pages.flatMap((p) => (p.content.type === 'story' ? [p.content.lines.map((l) => l.text)] : []));

  test('when a story is 99,999 newlines and a letter, then the letter is on the page after the title page', () => {
    const { book } = work(worstCases['newlines, then a letter'](MAX));
    // The first story page shows the title (its empty lines print nothing); the next starts at the letter.
    expect(storyTexts(book)).toEqual([['Tale'], ['x']]);
    expect(book.pageCount).toBe(4);
  });

  test('when a story is whitespace only, then its page holds the title alone; trailing whitespace is dropped', () => {
    expect(storyTexts(work(worstCases.tabs(MAX)).book)).toEqual([['Tale']]);
    expect(storyTexts(work(worstCases['tabs, then a letter'](MAX)).book)).toEqual([['Tale', 'x']]);
    expect(storyTexts(work(`x${' \t\n\u00a0'.repeat(MAX / 4 - 1)}`).book)).toEqual([['Tale', 'x']]);
  });

  test('when a story is one long word, then it is cut into full lines and every character is kept', () => {
    const { book } = work(worstCases['one long word'](MAX));
    const lines = storyTexts(book).flat().slice(1);
    expect(lines.join('')).toBe('w'.repeat(MAX));
    // Over 24 pages the gutter is 0.375 in: the line is 567 pt, 94 characters of 6 pt, every line full.
    expect(book.gutterMarginIn).toBe(0.375);
    expect(new Set(lines.slice(0, -1).map((line) => line.length))).toEqual(new Set([94]));
  });
});
