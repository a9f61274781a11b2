import { PgDatabase, MAX_PREPARED_STATEMENTS, statement } from '../../src/db/pg-database';
import { createLogger } from '../../src/lib/logger';
import { describeIf, POSTGRES_ADMIN_URL, postgresAddress, postgresReachable } from '../helpers/spawn-server';

/**
 * Queries with parameters run as named statements (prepared once per connection, see pg-database.ts);
 * scripts without parameters stay simple queries, and past the cap SQL runs unnamed.
 */

describe('naming statements', () => {
  test('when the same SQL comes twice, then it gets the same name; other SQL gets another', () => {
    const first = statement('SELECT $1::int AS n', [1]);
    const again = statement('SELECT $1::int AS n', [2]);
    const other = statement('SELECT $1::int + 1 AS n', [1]);
    expect(typeof first).toBe('object');
    expect(first).toMatchObject({ name: expect.stringMatching(/^cb_[\w-]{24}$/), values: [1] });
    expect((again as { name: string }).name).toBe((first as { name: string }).name);
    expect((again as { values: unknown[] }).values).toEqual([2]);
    expect((other as { name: string }).name).not.toBe((first as { name: string }).name);
  });

  test('when a query has no parameters, then it runs as a simple query (several statements allowed)', () => {
    expect(statement('BEGIN')).toBe('BEGIN');
    expect(statement('SELECT 1; SELECT 2', [])).toBe('SELECT 1; SELECT 2');
  });
});

describeIf(postgresReachable(), `needs PostgreSQL at ${postgresAddress.host}:${postgresAddress.port}`)(
  'prepared statements on a real server',
  () => {
    test('when a query with parameters runs twice on one connection, then PostgreSQL holds it prepared and answers both', async () => {
      const db = new PgDatabase(
        { url: POSTGRES_ADMIN_URL, max: 1, connectionTimeoutMs: 5000, statementTimeoutMs: 10_000 },
        createLogger({ level: 'error', json: false, silent: true }),
      );
      try {
        const sql = 'SELECT $1::text || $2::text AS joined';
        expect((await db.query<{ joined: string }>(sql, ['a', 'b'])).rows).toEqual([{ joined: 'ab' }]);
        expect((await db.query<{ joined: string }>(sql, ['c', 'd'])).rows).toEqual([{ joined: 'cd' }]);
        const { rows } = await db.query<{ statement: string }>(
          'SELECT statement FROM pg_prepared_statements WHERE name = $1',
          [(statement(sql, ['x', 'y']) as { name: string }).name],
        );
        expect(rows).toEqual([{ statement: sql }]);
        // A parameter error in a prepared statement is the query's own error; the connection stays usable.
        await expect(db.query(sql, ['only one'])).rejects.toThrow();
        expect((await db.query<{ joined: string }>(sql, ['e', 'f'])).rows).toEqual([{ joined: 'ef' }]);
        // Inside a transaction the same statement runs on the transaction's connection.
        const inTx = await db.transaction((tx) => tx.query<{ joined: string }>(sql, ['g', 'h']));
        expect(inTx.rows).toEqual([{ joined: 'gh' }]);
      } finally {
        await db.close();
      }
    });
  },
);

// Last: it fills the process's table of names up to the cap.
describe('the cap', () => {
  test('when more distinct SQL texts come than the cap, then the extra ones run unnamed', () => {
    const names = new Set<string>();
    let unnamed = 0;
    for (let i = 0; i < MAX_PREPARED_STATEMENTS + 10; i++) {
      const config = statement(`SELECT $1::int + ${i} AS cap_probe`, [i]) as { name?: string; text: string };
      expect(config.text).toBe(`SELECT $1::int + ${i} AS cap_probe`);
      if (config.name === undefined) unnamed++;
      else names.add(config.name);
    }
    expect(names.size).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
    expect(unnamed).toBeGreaterThanOrEqual(10);
  });
});
