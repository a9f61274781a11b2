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

class ClientDatabase implements Database {
  private savepoints = 0;
  constructor(private readonly client: Client) {}

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    try {
      const result = await this.client.query(sql, params as unknown[]);
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
      const result = await this.pool.query(sql, params as unknown[]);
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
