import { parseDuration } from '../../src/lib/duration';
import { Semaphore } from '../../src/lib/semaphore';
import { etag, parseIfMatch } from '../../src/http/route';

describe('If-Match parsing', () => {
  test.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    [' "12" ', 12],
  ])('when If-Match is %j, then it names version %d', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  test('when If-Match is absent or *, then any version matches (undefined)', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  test.each([['"abc"'], ['"1", "2"'], ['']])(
    'when If-Match is %j, then it names no version (NaN)',
    (header) => {
      expect(parseIfMatch(header)).toBeNaN();
    },
  );

  test('when a version is formatted, then it round-trips', () => {
    expect(parseIfMatch(etag(7))).toBe(7);
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
