/** Rows and how many rows a statement touched. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * The one way the code talks to PostgreSQL. Two implementations: a `pg` Pool (DATABASE_URL set) and an
 * embedded PGlite (no DATABASE_URL). Query modules take a `Database` first and never know which one,
 * nor whether they run inside a transaction.
 */
export interface Database {
  /** One statement with `$n` parameters. Pass jsonb values as `JSON.stringify(value)`. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection and hands it the same interface bound to it. Commits
   * when `fn` resolves, rolls back when it throws. Called on a transaction, it opens a savepoint.
   * Inside `fn` use only `tx`: the embedded database serialises transactions, so reaching for the outer
   * handle there waits for ever.
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** The process-wide handle: a Database plus its life cycle. */
export interface DatabasePool extends Database {
  readonly kind: 'postgres' | 'pglite';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

/** The database could not be reached (refused, timed out, shut down): the API answers 503. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * What went wrong underneath, in one line for an operator: `connect ECONNREFUSED 127.0.0.1:5432`, not only
 * "database unavailable". Node reports a refused `localhost` (IPv6 and IPv4 tried) as an AggregateError with
 * an empty message: its inner errors say where it failed.
 */
export function errorCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let text = error.message;
  if (!text && error instanceof AggregateError) {
    text = [...new Set(error.errors.map(errorCause))].join('; ');
  }
  if (!text) text = typeof code === 'string' ? code : error.name;
  if (error.cause === undefined) return text;
  const inner = errorCause(error.cause);
  return text.includes(inner) ? text : `${text}: ${inner}`;
}

/** SQLSTATE classes and codes that mean "the server is not there right now", not "your SQL is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|57014)/;
const UNAVAILABLE_NET_CODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|Cannot use a pool after calling end/i;

export function isUnavailableError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NET_CODE.has(code)))
    return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/**
 * One page of a list and the list's total. Every row of `pageSql` carries the total in a `total` column
 * (`count(*) OVER ()`, or a count subquery), which is taken off the rows. A page past the end has no rows to
 * carry it: then `countSql` (one row, one `total` column) answers it.
 */
export async function pageWithTotal<T>(
  db: Database,
  pageSql: string,
  pageParams: readonly unknown[],
  countSql: string,
  countParams: readonly unknown[],
): Promise<{ rows: T[]; total: number }> {
  const { rows } = await db.query<T & { total: number }>(pageSql, pageParams);
  const total = rows[0]?.total ?? (await db.query<{ total: number }>(countSql, countParams)).rows[0].total;
  return { rows: rows.map(({ total: _total, ...row }) => row as T), total };
}
