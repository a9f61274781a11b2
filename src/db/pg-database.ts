import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger';
import {
  Database,
  DatabasePool,
  DatabaseUnavailableError,
  errorCause,
  isUnavailableError,
  PoolStats,
  QueryResult,
} from './database';

// int8 (counts, byte sizes) and numeric as JS numbers, the same as PGlite answers them.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export interface PgOptions {
  url: string;
  max: number;
  connectionTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName?: string;
}

function translate(error: unknown): unknown {
  if (isUnavailableError(error) && !(error instanceof DatabaseUnavailableError)) {
    // The cause in the message too: the start-up retries and the request log show what was refused.
    return new DatabaseUnavailableError(`database unavailable: ${errorCause(error)}`, { cause: error });
  }
  return error;
}

type Client = pg.PoolClient;

/** How many distinct statements are prepared; statements past this many run unnamed (parsed every time). */
export const MAX_PREPARED_STATEMENTS = 500;
const statementNames = new Map<string, string>();

/**
 * A query with parameters as a named (prepared) statement: each connection parses it once, and PostgreSQL
 * can keep its plan, instead of parsing and planning it on every call. For the project list that was about a
 * third of the database's time per request (docs/benchmarks.md). The name is the SQL's hash, so every process
 * and connection agrees on it; pg prepares it on a connection the first time that connection sees it. Our SQL
 * is written in the code (values always travel as parameters), so the set of texts is small and fixed; the
 * cap keeps a bug that builds unbounded SQL from preparing without end. Scripts without parameters (BEGIN,
 * migrations) run as simple queries.
 */
export function statement(sql: string, params?: readonly unknown[]): pg.QueryConfig | string {
  if (params === undefined || params.length === 0) return sql;
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED_STATEMENTS) return { text: sql, values: params as unknown[] };
    name = `cb_${crypto.createHash('sha256').update(sql).digest('base64url').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

function run(target: pg.Pool | Client, sql: string, params?: readonly unknown[]): Promise<pg.QueryResult> {
  const config = statement(sql, params);
  return typeof config === 'string' ? target.query(config) : target.query(config);
}

/** A connection's socket: what pg-pool itself destroys when a connection attempt times out. */
const socketOf = (client: Client): { destroy(error?: Error): void } | undefined =>
  (client as unknown as { connection?: { stream?: { destroy(error?: Error): void } } }).connection?.stream;

/**
 * Closes a connection whose server has not answered a statement for `limitMs` (a paused or partitioned server:
 * `statement_timeout` is the server's own and cannot fire then). The statement fails with "Query read timeout",
 * which is a 503, and the pool drops the connection.
 *
 * One interval timer checks a deadline per connection, set when a statement is sent and cleared when it ends,
 * instead of pg's `query_timeout`, which arms a timer per query whose closure reaches the query and so its
 * rows. Anything made before a request waits for the database and still referenced when the rows arrive
 * tends to be promoted to V8's old generation under load, and then keeps those rows alive past the next
 * scavenges: with `query_timeout`, twice as many young objects survived each scavenge under the list
 * benchmark (5.3 against 2.6 MB) and the server's CPU per list ~15–20% higher (docs/benchmarks.md). So the
 * guard adds no closure, promise or async step to a query: for `pool.query` it follows the pool's `acquire`
 * and `release` events, and a transaction's statements mark their own start and end.
 */
class SilentServerGuard {
  private readonly deadlines = new Map<Client, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limitMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.check(), Math.min(1000, Math.max(50, limitMs / 4)));
    this.timer.unref();
  }

  /** A statement was sent on `client`: it must be answered within the limit. */
  sending(client: Client): void {
    this.deadlines.set(client, performance.now() + this.limitMs);
  }

  /** `client` waits for nothing: its statement ended, or it is checked out between statements. */
  answered(client: Client): void {
    this.deadlines.delete(client);
  }

  private check(): void {
    const now = performance.now();
    for (const [client, deadline] of this.deadlines) {
      if (deadline > now) continue;
      this.deadlines.delete(client);
      this.logger.warn('database server silent; closing the connection', { silentMs: this.limitMs });
      socketOf(client)?.destroy(new Error('Query read timeout'));
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

class ClientDatabase implements Database {
  private savepoints = 0;
  constructor(
    private readonly client: Client,
    private readonly guard: SilentServerGuard,
  ) {}

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    this.guard.sending(this.client);
    try {
      const result = await run(this.client, sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw translate(error);
    } finally {
      this.guard.answered(this.client);
    }
  }

  async exec(script: string): Promise<void> {
    this.guard.sending(this.client);
    try {
      await this.client.query(script);
    } catch (error) {
      throw translate(error);
    } finally {
      this.guard.answered(this.client);
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.exec(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      throw error;
    }
  }
}

export class PgDatabase implements DatabasePool {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly guard: SilentServerGuard;

  constructor(
    options: PgOptions,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName ?? 'colorbook-engine',
      keepAlive: true,
    });
    // A server that stops answering mid-statement must not hold a request for ever: past its statement timeout
    // and a connection timeout more, the connection is closed (the statement fails as unavailable, a 503).
    this.guard = new SilentServerGuard(options.statementTimeoutMs + options.connectionTimeoutMs, logger);
    // pool.query sends its statement as soon as it has a connection; a transaction marks its own statements.
    this.pool.on('acquire', (client) => this.guard.sending(client));
    this.pool.on('release', (_error, client) => this.guard.answered(client));
    // An idle client whose server went away emits 'error' on the pool; without a listener that kills the process.
    this.pool.on('error', (error) =>
      this.logger.warn('idle database client failed', { error: error.message }),
    );
    // Checked-out clients get a listener too: pg emits 'error' on them when the connection drops mid-use.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.logger.warn('database client failed', { error: error.message }));
    });
  }

  /**
   * A connection of its own, outside the pool, to the pool's database (not yet connected; the caller connects
   * and ends it): for what holds a connection for the life of the process, e.g. the LISTEN of the sync
   * wake-ups (src/modules/sync/sync.notify.ts).
   */
  dedicatedClient(applicationName: string): pg.Client {
    const { connectionString, connectionTimeoutMillis } = this.pool.options;
    return new pg.Client({
      connectionString,
      connectionTimeoutMillis,
      application_name: applicationName,
      keepAlive: true,
    });
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    try {
      const result = await run(this.pool, sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw translate(error);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (error) {
      throw translate(error);
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    let client: Client;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translate(error);
    }
    this.guard.answered(client); // checked out; nothing sent yet
    const tx = new ClientDatabase(client, this.guard);
    let broken = false;
    try {
      await tx.exec('BEGIN');
      const result = await fn(tx);
      await tx.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        await tx.exec('ROLLBACK');
      } catch {
        broken = true;
      }
      throw translate(error);
    } finally {
      // A client whose ROLLBACK failed is destroyed rather than handed to the next request.
      client.release(broken || undefined);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  stats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    this.guard.stop();
    await this.pool.end();
  }
}
