import type { RedisClientType } from 'redis';
import type Stripe from 'stripe';
import type { Config } from './config';
import type { JobQueue } from './jobs/queue';
import type { DatabasePool } from './db/database';
import type { Metrics } from './http/metrics';
import type { RateLimiters } from './http/rate-limit';
import type { RouteDef } from './http/route';
import type { Logger } from './lib/logger';
import type { Passwords } from './lib/passwords';
import type { Semaphore } from './lib/semaphore';
import type { Mailer } from './mail/mailer';
import type { AccessTokens } from './lib/tokens';
import type { FileStore } from './storage/file-store';

/** What the server hands createApp: the outside world. Tests pass their own. */
export interface AppDeps {
  config: Config;
  db: DatabasePool;
  logger: Logger;
  /** Shared rate-limit store across processes; absent means in-memory limits. */
  redis?: RedisClientType;
  /** Turned on by the server on SIGTERM: /ready answers 503 while requests drain. */
  lifecycle?: { draining: boolean };
  /** Outgoing mail; absent: createApp makes one from config.mail (SMTP_URL, else the outbox, else off). */
  mailer?: Mailer;
  /** Stripe API client; absent: createApp builds it from config.stripe (none without STRIPE_SECRET_KEY). */
  stripe?: Stripe;
  /** Where file bytes live; absent: createApp makes the store STORAGE_DRIVER names. */
  store?: FileStore;
  /** The durable job queue; absent: createApp makes one on `db` (the server starts it). */
  jobs?: JobQueue;
}

/**
 * Periodic clean-up work (expired keys, ended sessions): the `maintenance` job runs every task, once per
 * MAINTENANCE_SCHEDULE across all worker processes.
 */
export interface MaintenanceTask {
  name: string;
  run: () => Promise<number | void>;
}

/** AppDeps plus the services createApp builds once and hands every module. */
export interface AppContext extends AppDeps {
  lifecycle: { draining: boolean };
  /** Modules push their clean-up tasks here while their routes are built. */
  maintenance: MaintenanceTask[];
  /**
   * Run by the server when it starts draining (SIGTERM), before it waits for open requests: what would
   * otherwise hold the drain up to its timeout ends here (open event streams, their listener connection).
   */
  onDrain: Array<() => Promise<void> | void>;
  tokens: AccessTokens;
  passwords: Passwords;
  limiters: RateLimiters;
  /** The mail queue (password-reset and verification mail, sent after the response). */
  mailer: Mailer;
  /** This app's Prometheus registry (`/metrics`); modules may register their own metrics on it. */
  metrics: Metrics;
  /** Local disk or S3 (src/storage/file-store.ts). */
  store: FileStore;
  /**
   * The process's render slots (EXPORT_CONCURRENCY): every export render holds one, so renders never take
   * all of libuv's thread pool from bcrypt and file reads. Shared by whatever renders (the synchronous
   * export now, durable export jobs later).
   */
  renderSlots: Semaphore;
  /** The durable job queue (src/jobs/queue.ts): modules enqueue and register their handlers on it. */
  jobs: JobQueue;
}

/** A feature module: given the context, the routes it serves. */
export type RouteModule = (ctx: AppContext) => RouteDef[];
