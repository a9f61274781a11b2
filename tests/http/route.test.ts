import { parseDuration } from '../../src/lib/duration';
import { Semaphore } from '../../src/lib/semaphore';
import { etag, ifNoneMatchMatches, parseIfMatch } from '../../src/http/route';

describe('If-Match parsing (RFC 9110: strong comparison)', () => {
  test.each([
    ['"3"', [3]],
    [' "12" ', [12]],
    ['"1", "3"', [1, 3]],
    ['"1","3" , "5"', [1, 3, 5]],
    ['"1", , "3"', [1, 3]],
    // Weak tags never match under the strong comparison; the strong ones of the list still count.
    ['W/"3"', []],
    ['W/"3", "4"', [4]],
    // Tags that name no version add nothing.
    ['"abc"', []],
    ['"0"', []],
    ['"03"', []],
    ['"99999999999"', []],
    ['"1", "abc"', [1]],
  ])('when If-Match is %j, then it accepts versions %j', (header, versions) => {
    expect(parseIfMatch(header)).toEqual(versions);
  });

  test('when If-Match is absent or *, then any version matches (undefined)', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
    expect(parseIfMatch(' * ')).toBeUndefined();
  });

  test.each([['3'], ['"1" "2"'], ['"1'], ['*, "1"'], ['']])(
    'when If-Match is malformed (%j), then it accepts no version',
    (header) => {
      expect(parseIfMatch(header)).toEqual([]);
    },
  );

  test('when a version is formatted, then it round-trips', () => {
    expect(parseIfMatch(etag(7))).toEqual([7]);
  });
});

describe('If-None-Match (RFC 9110: weak comparison)', () => {
  test.each([
    ['"3"', true],
    ['W/"3"', true],
    ['"1", "3"', true],
    ['*', true],
    ['"4"', false],
    ['"1", "2"', false],
    ['3', false],
    ['"3" "4"', false],
    ['', false],
  ])('when If-None-Match is %j and the ETag is "3", then it matches: %s', (header, matches) => {
    expect(ifNoneMatchMatches(header, '"3"')).toBe(matches);
  });

  test('when there is no If-None-Match, then nothing matches', () => {
    expect(ifNoneMatchMatches(undefined, '"3"')).toBe(false);
  });
});

describe('durations', () => {
  test.each([
    ['900', 900],
    ['45s', 45],
    ['15m', 900],
    ['12h', 43200],
    ['30d', 2592000],
  ])('when %j is parsed, then it is %d seconds', (value, seconds) => {
    expect(parseDuration(value)).toBe(seconds);
  });

  test.each([['15x'], ['-1'], ['1.5h'], ['']])('when %j is parsed, then it is not a duration', (value) => {
    expect(parseDuration(value)).toBeNull();
  });
});

describe('Semaphore', () => {
  test('when more tasks than its limit run, then at most the limit run at once and all finish', async () => {
    const gate = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    };
    await Promise.all(Array.from({ length: 7 }, () => gate.run(task)));
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  test('when a task fails, then its slot is released', async () => {
    const gate = new Semaphore(1);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });
});
