import crypto from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger';
import {
  Database,
  DatabasePool,
  DatabaseUnavailableError,
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
    return new DatabaseUnavailableError('database unavailable', { cause: error });
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

class ClientDatabase implements Database {
  private savepoints = 0;
  constructor(private readonly client: Client) {}

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    try {
      const result = await run(this.client, sql, params);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw translate(error);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.client.query(script);
    } catch (error) {
      throw translate(error);
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
      // A server that stops answering mid-query must not hold a request for ever.
      query_timeout: options.statementTimeoutMs + options.connectionTimeoutMs,
      application_name: options.applicationName ?? 'colorbook-engine',
      keepAlive: true,
    });
    // An idle client whose server went away emits 'error' on the pool; without a listener that kills the process.
    this.pool.on('error', (error) =>
      this.logger.warn('idle database client failed', { error: error.message }),
    );
    // Checked-out clients get a listener too: pg emits 'error' on them when the connection drops mid-use.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.logger.warn('database client failed', { error: error.message }));
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
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new ClientDatabase(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
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
    await this.pool.end();
  }
}
