import { DatabaseUnavailableError, isUnavailableError } from '../../src/db/database';

describe('which database errors mean "unavailable" (503) rather than a bug (500)', () => {
  test.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a server shutting down',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    ['a connection exception class', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    [
      'a statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
    ['pg giving up on a silent server', new Error('Query read timeout')],
    ['pg failing to connect in time', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['our own wrapper', new DatabaseUnavailableError('down')],
  ])('when the error is %s, then it is unavailable', (_name, error) => {
    expect(isUnavailableError(error)).toBe(true);
  });

  test.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'boom'],
  ])('when the error is %s, then it is not', (_name, error) => {
    expect(isUnavailableError(error)).toBe(false);
  });
});
