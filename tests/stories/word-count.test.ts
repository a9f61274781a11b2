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
