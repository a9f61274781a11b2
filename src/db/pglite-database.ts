import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Logger } from '../lib/logger';
import { Database, DatabasePool, PoolStats, QueryResult } from './database';

type Runner = Pick<Transaction, 'query' | 'exec'>;

function toResult<T>(result: { rows: unknown[]; affectedRows?: number }): QueryResult<T> {
  return { rows: result.rows as T[], rowCount: result.affectedRows || result.rows.length };
}

class PgliteTransaction implements Database {
  private savepoints = 0;
  constructor(private readonly tx: Runner) {}

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return toResult<T>(await this.tx.query(sql, params as unknown[]));
  }

  async exec(script: string): Promise<void> {
    await this.tx.exec(script);
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.tx.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.tx.exec(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await this.tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }
}

/**
 * Keeps a second process away from the same data directory: PGlite is one process's database, and two
 * writers would corrupt it. A lock whose process is gone is taken over.
 */
function acquireDirLock(dir: string): () => void {
  const lockFile = path.join(dir, 'colorbook.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${dir} is in use by process ${holder}. It serves one process only; ` +
            'set DATABASE_URL to run several processes.',
          { cause: error },
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

/**
 * The live process that holds the embedded database in `dir` (its `colorbook.pid` lock), or null when none
 * does: operator commands name it instead of failing inside PGlite.
 */
export function embeddedDatabaseHolder(dir: string): number | null {
  let holder: number;
  try {
    holder = Number(fs.readFileSync(path.join(dir, 'colorbook.pid'), 'utf8'));
  } catch {
    return null;
  }
  return holder && holder !== process.pid && isAlive(holder) ? holder : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PgliteOptions {
  /** Directory to persist in; omitted means in memory. */
  dataDir?: string;
  /** A dump (`dumpDataDir`) to start from: tests start every file from one migrated copy. */
  loadDataDir?: Blob;
}

/** The embedded PostgreSQL: one in-process instance, queries and transactions run one at a time. */
export class PgliteDatabase implements DatabasePool {
  readonly kind = 'pglite' as const;
  private pending = 0;

  private constructor(
    readonly pglite: PGlite,
    private readonly release: () => void,
  ) {}

  static async open(options: PgliteOptions, logger?: Logger): Promise<PgliteDatabase> {
    let release = () => {};
    if (options.dataDir) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      release = acquireDirLock(options.dataDir);
    }
    try {
      const started = Date.now();
      const pglite = await PGlite.create({
        dataDir: options.dataDir ? path.join(options.dataDir, 'pgdata') : undefined,
        loadDataDir: options.loadDataDir,
      });
      logger?.info('embedded database open', {
        dataDir: options.dataDir ?? 'memory',
        ms: Date.now() - started,
      });
      return new PgliteDatabase(pglite, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    try {
      return await work();
    } finally {
      this.pending--;
    }
  }

  query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    return this.track(async () => toResult<T>(await this.pglite.query(sql, params as unknown[])));
  }

  exec(script: string): Promise<void> {
    return this.track(async () => {
      await this.pglite.exec(script);
    });
  }

  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    return this.track(() => this.pglite.transaction((tx) => fn(new PgliteTransaction(tx))));
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  stats(): PoolStats {
    return { total: 1, idle: this.pending === 0 ? 1 : 0, waiting: Math.max(0, this.pending - 1) };
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    this.release();
  }
}
