import { countWords } from '../../src/modules/stories/stories.service';

describe('countWords', () => {
  test.each([
    ['', 0],
    ['   \n\t ', 0],
    ['Hello, world!', 2],
    ["don't stop", 2],
    ['well-known 3.14 fish', 3],
    ['  — … !! ', 0],
    ['Über die Brücke', 3],
    ['line one\nline two\r\nline three', 6],
    ['你好世界', 4],
    ['猫が好き cats', 5],
  ])('when the text is %j, then it counts %i words', (text, words) => {
    expect(countWords(text)).toBe(words);
  });
});

describe('countWords on the worst 100,000-character stories', () => {
  const MAX = 100_000;
  test.each([
    ['tabs', '\t'.repeat(MAX), 0],
    ['tabs, then a letter', `${'\t'.repeat(MAX - 1)}x`, 1],
    ['"\\t \\t x" repeated', '\t \t x'.repeat(MAX / 5), MAX / 5],
    ['one long word', 'w'.repeat(MAX), 1],
    ['CJK', '漢'.repeat(MAX), MAX],
    ['lone surrogates', '\ud800'.repeat(MAX), 0],
    ['a letter under combining marks', `a${'\u0301\u0316'.repeat((MAX - 2) / 2)}b`, 1],
    ['no-break spaces between letters', 'a\u00a0'.repeat(MAX / 2), MAX / 2],
  ])('when the story is %s, then its words are counted', (_name, text, words) => {
    expect(text.length).toBeLessThanOrEqual(MAX);
    expect(countWords(text)).toBe(words);
  });
});
