import PgBoss from 'pg-boss';
import type { Database, DatabasePool } from '../db/database';
import { errorCause, isUnavailableError } from '../db/database';
import { PgliteDatabase } from '../db/pglite-database';
import type { Logger } from '../lib/logger';

/**
 * The durable job queue: pg-boss 10 on the application's own database (PostgreSQL or the embedded PGlite),
 * through the same `Database` handle as every query (docs/jobs.md, ADR 0020). Jobs are rows in the `pgboss`
 * schema, so a job is enqueued in the same transaction as the rows it is about (`send(..., { db: tx })`):
 * it exists exactly when they do. A worker takes a job with a lease (`expireInSeconds`); a job whose
 * process died is retried once its lease has passed, with backoff, up to its retry limit, then moved to its
 * queue's dead-letter queue, whose handler records the failure.
 */

/** The queues, their retry policy and their dead-letter queue. Installed by `installJobQueue`. */
export const QUEUES = {
  /** Durable export renders (src/modules/export/export-jobs.*). The lease comes from EXPORT_JOB_TIMEOUT_S. */
  export: { retryLimit: 2, retryDelay: 5, retryBackoff: true, deadLetter: 'export-dead' },
  'export-dead': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  /** Outgoing mail: retried with backoff (15 s doubling) for about a day while SMTP is away. */
  mail: { retryLimit: 12, retryDelay: 15, retryBackoff: true, expireInSeconds: 120, deadLetter: 'mail-dead' },
  'mail-dead': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  /** The maintenance run (MAINTENANCE_SCHEDULE): expired files, records and tokens, the storage GC. */
  maintenance: { retryLimit: 1, retryDelay: 60, expireInSeconds: 1800 },
  /** The user's archive and import (src/modules/archive). */
  archive: {
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 3600,
    deadLetter: 'archive-dead',
  },
  'archive-dead': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  import: {
    retryLimit: 2,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: 3600,
    deadLetter: 'import-dead',
  },
  'import-dead': { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
  /** The operators' backup (BACKUP_SCHEDULE). */
  backup: { retryLimit: 1, retryDelay: 300, expireInSeconds: 6 * 3600 },
} as const satisfies Record<string, Omit<PgBoss.Queue, 'name'>>;

export type QueueName = keyof typeof QUEUES;

/** pg-boss's schema (its default name). */
export const JOB_SCHEMA = 'pgboss';

/** What a handler gets: the job, its attempt and a signal that aborts when the job must stop. */
export interface JobRun<T> {
  id: string;
  data: T;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
  /** Whether this is the job's last attempt (a failure now is final). */
  lastAttempt: boolean;
  /** Aborts at the job's lease end and when the worker stops. */
  signal: AbortSignal;
}

export type JobHandler<T> = (job: JobRun<T>) => Promise<void>;

interface Registration {
  queue: QueueName;
  handler: JobHandler<never>;
  concurrency: number;
}

// pg-boss's own statement texts (its `plans` module has no typings): the adapter recognises the two a
// worker runs after a handler returns.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plans = require('pg-boss/src/plans') as Record<
  'completeJobs' | 'failJobsById',
  (schema: string) => string
>;

/**
 * The statements pg-boss 10's worker loop runs to settle a job (complete, fail) without awaiting them
 * (upstream timgit/pg-boss#577): a refused connection there is an unhandled rejection, not an `error` event.
 */
const SETTLE_STATEMENTS = new Set([plans.completeJobs(JOB_SCHEMA), plans.failJobsById(JOB_SCHEMA)]);

/** How a settle statement is tried again while the database is unavailable: after 0.5, 1, 2 and 4 s. */
export const SETTLE_RETRY_DELAYS_MS = [500, 1000, 2000, 4000];

/**
 * pg-boss's database adapter over ours: parameterised statements through `query` (the pool's prepared
 * statements on PostgreSQL), and its multi-statement scripts without parameters (schema creation) through
 * PGlite's `exec`, which is the only way PGlite runs several statements at once.
 *
 * A job's complete or fail that meets an unavailable database is tried again with backoff, and if it is
 * still refused it is logged and answered as "nothing settled" instead of rejecting: the job stays active,
 * its lease runs out and the supervisor retries it, so nothing is lost and the process does not see an
 * unhandled rejection. A complete only touches active jobs, so a second try is harmless; a fail whose first
 * try committed unseen (the connection dropped after the commit) counts that attempt twice: the job gets one
 * retry fewer, and is never lost.
 */
export function bossDb(db: Database, logger?: Logger): PgBoss.Db {
  const run = async (text: string, values?: unknown[]) => {
    if (values && values.length > 0) return db.query(text, values);
    if (db instanceof PgliteDatabase) {
      const results = await db.pglite.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    }
    const result = await db.query(text);
    // A multi-statement script on `pg` answers one result per statement and no `rows`.
    return { rows: result.rows ?? [] };
  };
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (!SETTLE_STATEMENTS.has(text)) return run(text, values);
      for (let attempt = 0; ; attempt++) {
        try {
          return await run(text, values);
        } catch (error) {
          if (!isUnavailableError(error)) throw error;
          const delay = SETTLE_RETRY_DELAYS_MS[attempt];
          if (delay === undefined) {
            logger?.warn('job not settled: the database stayed unavailable; its lease will bring it back', {
              job: Array.isArray(values?.[1]) ? (values[1] as unknown[]).join(',') : undefined,
              error: errorCause(error),
            });
            return { rows: [{ count: '0' }] };
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
  };
}

/**
 * Installs or upgrades pg-boss's schema and creates (or updates) our queues. Run by `migrate()` after our
 * own migrations, so `npm run migrate`, the server's start and the test template all leave it current.
 * Safe when several processes run it at once: pg-boss takes its own advisory lock, and a queue created by
 * another process meanwhile is fine.
 */
export async function installJobQueue(db: Database, logger?: Logger): Promise<void> {
  const boss = new PgBoss({ db: bossDb(db, logger), supervise: false, schedule: false, migrate: true });
  boss.on('error', (error) => logger?.warn('job queue error', { error: errorCause(error) }));
  await boss.start();
  try {
    const existing = new Map((await boss.getQueues()).map((q) => [q.name, q]));
    // Dead-letter queues first: a queue's dead_letter is a foreign key to its queue.
    const ordered = Object.entries(QUEUES).sort(
      ([a], [b]) => Number(!a.endsWith('-dead')) - Number(!b.endsWith('-dead')),
    );
    for (const [name, options] of ordered) {
      const current = existing.get(name);
      if (!current) {
        try {
          await boss.createQueue(name, { name, ...options });
        } catch (error) {
          if (!/already exists|duplicate key/i.test(errorCause(error))) throw error;
        }
      } else if (differs(current, options)) {
        await boss.updateQueue(name, { name, ...options });
      }
    }
  } finally {
    await boss.stop({ graceful: false, close: false, wait: true });
  }
}

function differs(current: PgBoss.QueueResult, wanted: Omit<PgBoss.Queue, 'name'>): boolean {
  return (Object.keys(wanted) as Array<keyof typeof wanted>).some(
    (key) => (current as unknown as Record<string, unknown>)[key] !== wanted[key],
  );
}

export interface JobQueueOptions {
  db: DatabasePool;
  logger: Logger;
  /** How often an idle worker looks for jobs (seconds). */
  pollIntervalS: number;
  /** How often expired leases are retried and old jobs archived (seconds). */
  superviseIntervalS: number;
}

export interface SendOptions {
  /** The transaction to enqueue in: the job is committed (or rolled back) with it. */
  db?: Database;
  /** The job's lease in seconds (how long a worker may hold it before it is retried elsewhere). */
  expireInSeconds?: number;
  startAfter?: Date | number;
  /** At most one job with this key is queued at a time (pg-boss's singleton key). */
  singletonKey?: string;
  /** The job's own id (a UUID), e.g. the id of the row it works on. */
  id?: string;
  /** This job's retries and the delay before the first (seconds), instead of its queue's. */
  retryLimit?: number;
  retryDelay?: number;
}

/**
 * The process's handle on the queue. Modules register handlers (`handle`) and schedules while the app is
 * built; the server starts it as an API (`start({ work: false })`: it can enqueue) or as a worker too.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly registrations: Registration[] = [];
  private readonly schedules = new Map<QueueName, string>();
  private readonly stopping = new AbortController();
  private started: Promise<void> | undefined;
  private working = false;
  private readonly running = new Set<Promise<unknown>>();
  private readonly workerIds = new Map<QueueName, string[]>();

  constructor(private readonly options: JobQueueOptions) {
    this.boss = new PgBoss({
      db: bossDb(options.db, options.logger),
      // Our migrate() installs the schema: a start only checks it is current.
      migrate: false,
      supervise: false,
      schedule: false,
      pollingIntervalSeconds: options.pollIntervalS,
    });
    this.boss.on('error', (error) => {
      options.logger.warn('job queue error', { error: errorCause(error) });
    });
  }

  /** Registers the handler of a queue; it runs only in processes that work (WORKER on or only). */
  handle<T>(queue: QueueName, handler: JobHandler<T>, options: { concurrency?: number } = {}): void {
    this.registrations.push({
      queue,
      handler: handler as JobHandler<never>,
      concurrency: Math.max(1, options.concurrency ?? 1),
    });
  }

  /** Runs `queue` on a cron schedule, once per due time across every worker process. */
  schedule(queue: QueueName, cron: string): void {
    this.schedules.set(queue, cron);
  }

  get isWorking(): boolean {
    return this.working;
  }

  /**
   * Connects to the queue. With `work`, this process also supervises leases (pg-boss makes sure only one
   * process at a time does), keeps the schedules and runs the registered handlers.
   */
  start({ work }: { work: boolean }): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    if (work && !this.workStarted) {
      this.workStarted = this.started.then(() => this.startWorking());
    }
    return this.workStarted ?? this.started;
  }

  private workStarted: Promise<void> | undefined;

  private async startWorking(): Promise<void> {
    this.working = true;
    // Lease supervision (expired jobs retried, old ones archived) and cron run in a second pg-boss instance
    // on the same database handle: pg-boss keeps each to one process at a time through its own tables, so
    // every worker process may run them.
    const supervisor = new PgBoss({
      db: bossDb(this.options.db, this.options.logger),
      migrate: false,
      supervise: true,
      schedule: true,
      maintenanceIntervalSeconds: this.options.superviseIntervalS,
    });
    supervisor.on('error', (error) => {
      this.options.logger.warn('job supervisor error', { error: errorCause(error) });
    });
    await supervisor.start();
    this.supervisor = supervisor;
    const wanted = new Set<string>(this.schedules.keys());
    for (const schedule of await supervisor.getSchedules()) {
      if (!wanted.has(schedule.name)) await supervisor.unschedule(schedule.name);
    }
    for (const [queue, cron] of this.schedules) await supervisor.schedule(queue, cron, {}, { tz: 'UTC' });
    for (const registration of this.registrations) {
      const ids: string[] = [];
      for (let i = 0; i < registration.concurrency; i++) {
        ids.push(
          await this.boss.work<Record<string, unknown>>(
            registration.queue,
            { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: this.options.pollIntervalS },
            (jobs) => this.run(registration, jobs[0]),
          ),
        );
      }
      this.workerIds.set(registration.queue, ids);
    }
  }

  private supervisor: PgBoss | undefined;

  private async run(registration: Registration, job: PgBoss.JobWithMetadata<Record<string, unknown>>) {
    const lease = new AbortController();
    const timer = setTimeout(
      () => lease.abort(new Error(`job lease of ${job.expireInSeconds} s passed`)),
      Math.max(1, job.expireInSeconds - 1) * 1000,
    );
    timer.unref();
    const signal = AbortSignal.any([lease.signal, this.stopping.signal]);
    const work = (registration.handler as JobHandler<Record<string, unknown>>)({
      id: job.id,
      data: job.data,
      retryCount: job.retryCount,
      retryLimit: job.retryLimit,
      lastAttempt: job.retryCount >= job.retryLimit,
      signal,
    });
    this.running.add(work);
    try {
      await work;
    } catch (error) {
      this.options.logger.warn('job failed', {
        queue: registration.queue,
        job: job.id,
        attempt: job.retryCount + 1,
        of: job.retryLimit + 1,
        error: errorCause(error),
      });
      throw error;
    } finally {
      clearTimeout(timer);
      this.running.delete(work);
    }
  }

  /** Enqueues a job; in `options.db`'s transaction when given. Answers the job's id. */
  async send(queue: QueueName, data: object, options: SendOptions = {}): Promise<string> {
    const { db, ...rest } = options;
    // In a transaction, never wait for the start: its schema check needs the pool, which on PGlite (one
    // connection) the transaction holds until it ends, a deadlock. pg-boss sends without being started.
    if (!db) await this.start({ work: false });
    const id = await this.boss.send(queue, data, { ...rest, ...(db ? { db: bossDb(db) } : {}) });
    if (!id) throw new Error(`job not queued on ${queue} (a singleton already waits)`);
    return id;
  }

  /** Cancels a job that is queued, waiting for a retry or running (its worker sees it when it next looks). */
  async cancel(queue: QueueName, id: string): Promise<void> {
    await this.boss.cancel(queue, id);
  }

  /** Looks again for jobs now, instead of at the next poll (after a send this process should pick up). */
  wake(queue: QueueName): void {
    for (const id of this.workerIds.get(queue) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Runs this queue's due jobs here and now with its registered handler, one at a time, until none is due;
   * answers how many ran. For a process that does not work the queue (tests, a one-off script) or that must
   * not wait for the next poll: a failure is retried (or dead-lettered) exactly as a worker's would be.
   */
  async runDue(queue: QueueName): Promise<number> {
    const registration = this.registrations.find((r) => r.queue === queue);
    if (!registration) throw new Error(`no handler is registered for the ${queue} queue`);
    await this.start({ work: false });
    let ran = 0;
    for (;;) {
      const [job] = await this.boss.fetch<Record<string, unknown>>(queue, {
        batchSize: 1,
        includeMetadata: true,
      });
      if (!job) return ran;
      ran++;
      try {
        await this.run(registration, job);
        await this.boss.complete(queue, job.id);
      } catch (error) {
        await this.boss.fail(queue, job.id, { message: errorCause(error) });
      }
    }
  }

  /** This queue's jobs running now or due now (not those waiting for a later retry). */
  async due(queue: QueueName): Promise<number> {
    const { rows } = await this.options.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM ${JOB_SCHEMA}.job
        WHERE name = $1
          AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`,
      [queue],
    );
    return rows[0].count;
  }

  /** Counts of this queue's jobs by state (for /metrics and tests). */
  async pending(queue: QueueName): Promise<number> {
    return this.boss.getQueueSize(queue);
  }

  /**
   * Stops taking jobs, asks running ones to stop (their signal aborts after `graceMs`), and waits for them
   * up to `timeoutMs`; a job still running then is left to its lease and runs again elsewhere.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    for (const queue of this.workerIds.keys()) await this.boss.offWork(queue).catch(() => undefined);
    const waitAll = Promise.allSettled([...this.running]);
    const abortAfter = setTimeout(() => this.stopping.abort(new Error('worker stopping')), timeoutMs / 2);
    let timeLeft: NodeJS.Timeout | undefined;
    await Promise.race([
      waitAll,
      new Promise((resolve) => (timeLeft = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
    ]);
    // Neither timer may outlive the stop: a pending one keeps the process (and Jest) up to its end.
    clearTimeout(timeLeft);
    clearTimeout(abortAfter);
    if (this.supervisor)
      await this.supervisor.stop({ graceful: false, close: false, wait: true }).catch(() => undefined);
    await this.boss.stop({ graceful: false, close: false, wait: true }).catch(() => undefined);
  }
}
