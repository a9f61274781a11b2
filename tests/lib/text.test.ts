import { trimEndOf } from '../../src/lib/text';
import { appLink } from '../../src/mail/templates';
import { contentDisposition } from '../../src/modules/export/export.service';

describe('trimEndOf', () => {
  test.each([
    ['https://example.com///', '/', 'https://example.com'],
    ['https://example.com/app', '/', 'https://example.com/app'],
    ['///', '/', ''],
    ['', '/', ''],
    ['a/b/', '/', 'a/b'],
  ])('when %j loses its trailing %j, then %j', (text, char, expected) => {
    expect(trimEndOf(text, char)).toBe(expected);
  });

  test('when a long run of the character is followed by something else, then nothing is trimmed', () => {
    const text = `${'/'.repeat(100_000)}x`;
    expect(trimEndOf(text, '/')).toBe(text);
  });
});

describe('where the trimming is used', () => {
  test('when APP_URL ends in slashes, then a mail link has exactly one before the page', () => {
    expect(appLink('https://example.com/app///', '/reset-password', 't')).toBe(
      'https://example.com/app/reset-password?token=t',
    );
  });

  test.each([
    ['Ocean Friends', 'ocean-friends'],
    ['  --Ocean -- Friends!--  ', 'ocean-friends'],
    ['Café crème', 'cafe-creme'],
    ['日本', 'coloring-book'],
    ['-'.repeat(199) + 'x', 'x'],
    [`${' '.repeat(199)}!`, 'coloring-book'],
  ])('when the title is %j, then the file name is %j.pdf', (title, slug) => {
    expect(contentDisposition(title)).toMatch(new RegExp(`^attachment; filename="${slug}\\.pdf"; `));
  });
});
