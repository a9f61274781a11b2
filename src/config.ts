import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cronParser from 'cron-parser';
import Joi from 'joi';
import { parseDuration } from './lib/duration';
import { trimEndOf } from './lib/text';

/**
 * The whole configuration, read once from the environment, validated with Joi and frozen.
 * Nothing else in the code base reads `process.env`.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  logLevel: string;
  database: {
    url: string | undefined;
    poolMax: number;
    connectionTimeoutMs: number;
    statementTimeoutMs: number;
  };
  auth: {
    jwtSecret: string;
    issuer: string;
    audience: string;
    accessTokenTtlS: number;
    refreshTokenTtlS: number;
    refreshReuseGraceS: number;
    bcryptCost: number;
    /** Most bcrypt hashes computed at once; leaves a core for the event loop under a login storm. */
    bcryptConcurrency: number;
  };
  /** Master keys for the AI-key vault; the first one is current. */
  encryptionKeys: { id: string; key: Buffer }[];
  http: {
    corsOrigins: string[];
    trustProxy: number;
    jsonLimitBytes: number;
    drawingJsonLimitBytes: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    shutdownTimeoutMs: number;
    /** gzip/br for answers over 1 KB when the client accepts them; off behind a proxy that compresses. */
    compression: boolean;
  };
  rateLimits: {
    windowMs: number;
    auth: number;
    api: number;
    mail: number;
  };
  export: {
    /** Export renders at once in this process (EXPORT_CONCURRENCY); the rest wait for a slot. */
    concurrency: number;
    /** Longest wait for a render slot before the export is refused with 503 (EXPORT_QUEUE_TIMEOUT_MS). */
    queueTimeoutMs: number;
    /** Hours a finished export job's file (and row) is kept (EXPORT_RETENTION_H). */
    retentionH: number;
    /**
     * Longest an export job may run (EXPORT_JOB_TIMEOUT_S): its lease. A job whose process died is run
     * again once its lease has passed; a render still going at the limit is stopped and retried.
     */
    jobTimeoutS: number;
  };
  /** The durable job queue (pg-boss, docs/jobs.md). */
  jobs: {
    /** `on`: API and worker in one process; `off`: API only; `only`: worker only (WORKER). */
    worker: 'on' | 'off' | 'only';
    /** With WORKER=only: the port of `/health` (WORKER_HEALTH_PORT). */
    healthPort: number;
    /** How often an idle worker looks for new jobs, in seconds (JOB_POLL_INTERVAL_S). */
    pollIntervalS: number;
    /** How often expired leases are looked for and retried, in seconds (JOB_SUPERVISE_INTERVAL_S). */
    superviseIntervalS: number;
    /** Cron expression of the maintenance run, once per schedule across all processes (MAINTENANCE_SCHEDULE). */
    maintenanceSchedule: string;
  };
  /** The live change stream (GET /api/sync/stream, docs/sync.md). */
  syncStream: {
    /** Seconds between heartbeat comments on an open stream (SYNC_HEARTBEAT_S). */
    heartbeatS: number;
    /** Seconds between the checks that an open stream's session is still live (SYNC_SESSION_CHECK_S). */
    sessionCheckS: number;
    /** How a process learns of commits: PostgreSQL LISTEN, or polling the log (SYNC_NOTIFY). */
    notify: 'listen' | 'poll';
  };
  redisUrl: string | undefined;
  /** Prefix of every Redis key this deployment writes (several deployments may share one Redis). */
  redisPrefix: string;
  storage: {
    driver: 'local' | 's3';
    maxUploadBytes: number;
    /** The largest archive `POST /api/users/me/imports` takes (IMPORT_MAX_BYTES); it unpacks to at most 20×. */
    importMaxBytes: number;
    signedUrlTtlS: number;
    s3: {
      bucket: string | undefined;
      region: string;
      endpoint: string | undefined;
      /** The endpoint browsers reach, which presigned URLs name; `endpoint` when unset. */
      publicEndpoint: string | undefined;
      forcePathStyle: boolean;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
    };
  };
  plans: {
    /** collaborators: people a project may be shared with (members and pending invitations), by the owner's plan. */
    free: { storageLimitBytes: number; collaborators: number };
    pro: { storageLimitBytes: number; collaborators: number };
    enterprise: { storageLimitBytes: number; collaborators: number };
  };
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    apiUrl: string | undefined;
    prices: {
      proMonthly: string | undefined;
      proYearly: string | undefined;
      enterpriseMonthly: string | undefined;
      enterpriseYearly: string | undefined;
    };
  };
  mail: {
    smtpUrl: string | undefined;
    from: string;
    requireVerifiedEmail: boolean;
    /** Retries of a mail job whose delivery failed (MAIL_RETRY_LIMIT), then it is dead-lettered. */
    retryLimit: number;
    /** Seconds before the first retry, doubling each time with jitter (MAIL_RETRY_DELAY_S). */
    retryDelayS: number;
  };
  appUrl: string;
  /** This API's own address as browsers reach it (no trailing slash): the origin of local file URLs. */
  publicUrl: string;
  /** PUBLIC_URL was not set: publicUrl is the guess of defaultPublicUrl (warned about in production). */
  publicUrlIsDefault: boolean;
  analyticsRetentionDays: number;
  /** Days the sync change log keeps its rows (SYNC_RETENTION_DAYS, docs/sync.md). */
  syncRetentionDays: number;
  metricsToken: string | undefined;
  /** Operator backups (`npm run backup`, `npm run restore`; docs/backups.md). */
  backup: {
    /** Where backups go: a folder (BACKUP_TARGET, default DATA_DIR/backups) or an S3 bucket and prefix. */
    target: BackupTargetConfig;
    /** BACKUP_TARGET was not set: backups go to DATA_DIR/backups, on the same disk as the data. */
    targetIsDefault: boolean;
    /** The newest backup of each of the last this many days is kept (BACKUP_KEEP_DAILY). */
    keepDaily: number;
    /** The newest backup of each of the last this many ISO weeks is kept (BACKUP_KEEP_WEEKLY). */
    keepWeekly: number;
    /** The folder holding pg_dump and pg_restore (BACKUP_PG_BIN_DIR); found on PATH when unset. */
    pgBinDir: string | undefined;
    /** A cron expression: the workers back up on it, once per due time across processes (BACKUP_SCHEDULE). */
    schedule: string | undefined;
  };
}

/** A folder on this machine, or `s3://bucket/prefix` on the S3 service the S3_* variables name. */
export type BackupTargetConfig =
  { kind: 'local'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

const duration = Joi.string()
  .trim()
  .custom((value: string, helpers) => {
    const seconds = parseDuration(value);
    if (seconds === null || seconds <= 0) return helpers.error('any.invalid');
    return seconds;
  }, 'duration')
  .messages({ 'any.invalid': '{{#label}} must be seconds (900) or a duration such as 15m, 12h or 30d' });

const bool = Joi.boolean().truthy('1', 'yes', 'on').falsy('0', 'no', 'off', '');

/** A cron expression as the job queue reads it (5 fields, or 6 with seconds; UTC). */
const cron = Joi.string()
  .max(100)
  .custom((value: string, helpers) => {
    try {
      cronParser.parseExpression(value, { tz: 'UTC' });
      return value;
    } catch (error) {
      return helpers.message({ custom: `{{#label}} is not a cron expression: ${(error as Error).message}` });
    }
  });

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  PORT: Joi.number().port().default(3000),
  HOST: Joi.string().default('0.0.0.0'),
  DATA_DIR: Joi.string().default('./data'),
  LOG_LEVEL: Joi.string().valid('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly').optional(),

  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .optional(),
  DB_POOL_MAX: Joi.number().integer().min(1).max(200).default(10),
  DB_CONNECTION_TIMEOUT_MS: Joi.number().integer().min(100).default(3000),
  DB_STATEMENT_TIMEOUT_MS: Joi.number().integer().min(100).default(15000),

  JWT_SECRET: Joi.string().min(32).optional(),
  JWT_ISSUER: Joi.string().default('colorbook-engine'),
  JWT_AUDIENCE: Joi.string().default('colorbook-api'),
  ACCESS_TOKEN_TTL: duration.default(15 * 60),
  REFRESH_TOKEN_TTL: duration.default(30 * 86400),
  REFRESH_REUSE_GRACE_S: Joi.number().integer().min(0).max(300).default(10),
  BCRYPT_COST: Joi.number().integer().min(4).max(15).default(12),
  BCRYPT_CONCURRENCY: Joi.number().integer().min(1).max(64).optional(),
  ENCRYPTION_KEYS: Joi.string().optional(),

  CORS_ORIGINS: Joi.string().allow('').default(''),
  TRUST_PROXY: Joi.number().integer().min(0).max(10).default(0),
  JSON_BODY_LIMIT: Joi.number()
    .integer()
    .min(1024)
    .default(1 * MB),
  DRAWING_JSON_BODY_LIMIT: Joi.number()
    .integer()
    .min(1024)
    .default(8 * MB),
  REQUEST_TIMEOUT_MS: Joi.number().integer().min(1000).default(120_000),
  HEADERS_TIMEOUT_MS: Joi.number().integer().min(1000).default(20_000),
  KEEP_ALIVE_TIMEOUT_MS: Joi.number().integer().min(1000).default(65_000),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(100).default(25_000),
  COMPRESSION: bool.default(true),

  RATE_LIMIT_WINDOW_MS: Joi.number().integer().min(1000).default(60_000),
  AUTH_RATE_LIMIT: Joi.number().integer().min(1).default(10),
  API_RATE_LIMIT: Joi.number().integer().min(1).default(600),
  MAIL_RATE_LIMIT: Joi.number().integer().min(1).default(5),
  EXPORT_CONCURRENCY: Joi.number().integer().min(1).max(64).default(1),
  EXPORT_QUEUE_TIMEOUT_MS: Joi.number().integer().min(100).max(600_000).default(30_000),
  EXPORT_RETENTION_H: Joi.number()
    .integer()
    .min(1)
    .max(24 * 365)
    .default(24),
  EXPORT_JOB_TIMEOUT_S: Joi.number()
    .integer()
    .min(5)
    .max(23 * 3600)
    .default(900),
  WORKER: Joi.string().valid('on', 'off', 'only').default('on'),
  WORKER_HEALTH_PORT: Joi.number().port().default(3001),
  JOB_POLL_INTERVAL_S: Joi.number().min(0.5).max(60).default(1),
  JOB_SUPERVISE_INTERVAL_S: Joi.number().integer().min(1).max(3600).default(60),
  MAINTENANCE_SCHEDULE: cron.default('7 * * * *'),
  BACKUP_SCHEDULE: cron.optional(),
  SYNC_HEARTBEAT_S: Joi.number().integer().min(1).max(300).default(25),
  SYNC_SESSION_CHECK_S: Joi.number().integer().min(1).max(30).default(30),
  SYNC_NOTIFY: Joi.string().valid('listen', 'poll').default('listen'),
  REDIS_KEY_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9:_-]{1,64}$/)
    .default('cb:'),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .optional(),

  STORAGE_DRIVER: Joi.string().valid('local', 's3').default('local'),
  MAX_UPLOAD_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(10 * MB),
  IMPORT_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(512 * MB),
  SIGNED_URL_TTL: Joi.number().integer().min(1).max(604800).default(900),
  S3_BUCKET: Joi.string().when('STORAGE_DRIVER', { is: 's3', then: Joi.required() }),
  S3_REGION: Joi.string().default('us-east-1'),
  S3_ENDPOINT: Joi.string().uri().optional(),
  S3_PUBLIC_ENDPOINT: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_ACCESS_KEY_ID: Joi.string().optional(),
  S3_SECRET_ACCESS_KEY: Joi.string().optional(),

  PLAN_FREE_STORAGE_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(100 * MB),
  PLAN_PRO_STORAGE_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(10 * GB),
  PLAN_ENTERPRISE_STORAGE_BYTES: Joi.number()
    .integer()
    .min(0)
    .default(100 * GB),
  PLAN_FREE_COLLABORATORS: Joi.number().integer().min(0).max(100_000).default(2),
  PLAN_PRO_COLLABORATORS: Joi.number().integer().min(0).max(100_000).default(10),
  PLAN_ENTERPRISE_COLLABORATORS: Joi.number().integer().min(0).max(100_000).default(100),

  STRIPE_SECRET_KEY: Joi.string().optional(),
  STRIPE_WEBHOOK_SECRET: Joi.string().optional(),
  STRIPE_API_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .optional(),
  STRIPE_PRICE_PRO_MONTHLY: Joi.string().optional(),
  STRIPE_PRICE_PRO_YEARLY: Joi.string().optional(),
  STRIPE_PRICE_ENTERPRISE_MONTHLY: Joi.string().optional(),
  STRIPE_PRICE_ENTERPRISE_YEARLY: Joi.string().optional(),

  SMTP_URL: Joi.string()
    .uri({ scheme: ['smtp', 'smtps'] })
    .optional(),
  MAIL_FROM: Joi.string().default('ColorBook <no-reply@colorbook.local>'),
  APP_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default('http://localhost:5173'),
  PUBLIC_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .optional(),
  REQUIRE_VERIFIED_EMAIL: bool.default(false),
  // A mail job whose delivery fails is retried with backoff: 15 s, 30 s, … (×1–2 jitter), 12 times ≈ a day.
  MAIL_RETRY_LIMIT: Joi.number().integer().min(0).max(20).default(12),
  MAIL_RETRY_DELAY_S: Joi.number().integer().min(1).max(3600).default(15),

  ANALYTICS_RETENTION_DAYS: Joi.number().integer().min(1).default(365),
  // Days the sync change log keeps its rows (docs/sync.md); an older cursor answers 410 CURSOR_EXPIRED.
  SYNC_RETENTION_DAYS: Joi.number().integer().min(1).max(3650).default(30),
  METRICS_TOKEN: Joi.string().min(16).optional(),

  BACKUP_TARGET: Joi.string()
    .trim()
    .pattern(/^(?!s3:)|^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[\w./-]*)?$/)
    .message('{{#label}} must be a folder or s3://bucket/prefix')
    .optional(),
  BACKUP_KEEP_DAILY: Joi.number().integer().min(1).max(3650).default(7),
  BACKUP_KEEP_WEEKLY: Joi.number().integer().min(0).max(520).default(4),
  BACKUP_PG_BIN_DIR: Joi.string().optional(),
})
  // Variables this schema does not know (PATH, HOME, npm_*) are ignored.
  .unknown(true);

/** BACKUP_TARGET as a folder (resolved) or an S3 bucket with a prefix (no leading or trailing slash). */
export function parseBackupTarget(value: string | undefined, dataDir: string): BackupTargetConfig {
  if (!value) return { kind: 'local', dir: path.join(dataDir, 'backups') };
  if (value.startsWith('s3://')) {
    const [bucket, ...prefix] = value.slice('s3://'.length).split('/');
    return { kind: 's3', bucket, prefix: prefix.filter(Boolean).join('/') };
  }
  return { kind: 'local', dir: path.resolve(value) };
}

function parseEncryptionKeys(value: string): { id: string; key: Buffer }[] {
  const keys = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const separator = part.indexOf(':');
      if (separator <= 0) throw new Error('each entry must be id:base64key');
      const id = part.slice(0, separator);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
        throw new Error(`key id "${id}" must be 1..32 of A-Z a-z 0-9 _ -`);
      const key = Buffer.from(part.slice(separator + 1), 'base64');
      if (key.length !== 32) throw new Error(`key "${id}" must decode to 32 bytes (AES-256)`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('at least one key is needed');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must be unique');
  return keys;
}

/** Secrets made once for development and kept under DATA_DIR so restarts keep sessions and vault entries. */
function devSecrets(dataDir: string): { JWT_SECRET: string; ENCRYPTION_KEYS: string } {
  const file = path.join(dataDir, 'dev-secrets.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets = {
    JWT_SECRET: crypto.randomBytes(48).toString('base64url'),
    ENCRYPTION_KEYS: `dev1:${crypto.randomBytes(32).toString('base64')}`,
  };
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' so two processes starting at once keep the first file written.
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return secrets;
}

/**
 * PUBLIC_URL when unset: `http://localhost:PORT` for a server listening on every interface or on loopback (the
 * development case: the SPA and the API on one machine), else `http://HOST:PORT` for a server bound to one
 * address, since that address is the only one it answers on. Behind a proxy or on a real domain, set it.
 */
export function defaultPublicUrl(host: string, port: number): string {
  const everywhereOrLoopback = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost', ''].includes(host);
  if (everywhereOrLoopback) return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the configuration from an environment (process.env in the server, a plain object in tests).
 * Throws ConfigError naming every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `NAME=` in a .env file means "not set", as it does for every variable in .env.example.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const { value: v, error } = schema.validate(present, { abortEarly: false, convert: true });
  // Every problem in one message: an operator fixes them all in one go, not one per restart.
  const problems = error ? error.details.map((d) => d.message) : [];
  const nodeEnv = v.NODE_ENV as Config['env'];
  const isProduction = nodeEnv === 'production';
  const dataDir = path.resolve(v.DATA_DIR);

  const missing = isProduction
    ? ['JWT_SECRET', 'ENCRYPTION_KEYS', 'DATABASE_URL'].filter((name) => !v[name])
    : [];
  let encryptionKeys: Config['encryptionKeys'] | undefined;
  if (v.ENCRYPTION_KEYS) {
    try {
      encryptionKeys = parseEncryptionKeys(v.ENCRYPTION_KEYS);
    } catch (e) {
      problems.push(`ENCRYPTION_KEYS: ${(e as Error).message}`);
    }
  }
  if (missing.length > 0 || problems.length > 0) {
    const lines = [
      ...(missing.length > 0
        ? [`NODE_ENV=production needs real secrets; missing: ${missing.join(', ')}. See .env.example.`]
        : []),
      ...(problems.length > 0 ? ['Invalid configuration:', ...problems.map((p) => `  - ${p}`)] : []),
    ];
    throw new ConfigError(lines.join('\n'), [
      ...missing.map((name) => `${name} is required in production`),
      ...problems,
    ]);
  }
  const generated = !v.JWT_SECRET || !v.ENCRYPTION_KEYS ? devSecrets(dataDir) : undefined;
  encryptionKeys ??= parseEncryptionKeys(generated!.ENCRYPTION_KEYS);

  const config: Config = {
    env: nodeEnv,
    isProduction,
    port: v.PORT,
    host: v.HOST,
    dataDir,
    logLevel: v.LOG_LEVEL ?? (nodeEnv === 'test' ? 'error' : 'info'),
    database: {
      url: v.DATABASE_URL,
      poolMax: v.DB_POOL_MAX,
      connectionTimeoutMs: v.DB_CONNECTION_TIMEOUT_MS,
      statementTimeoutMs: v.DB_STATEMENT_TIMEOUT_MS,
    },
    auth: {
      jwtSecret: v.JWT_SECRET ?? generated!.JWT_SECRET,
      issuer: v.JWT_ISSUER,
      audience: v.JWT_AUDIENCE,
      accessTokenTtlS: v.ACCESS_TOKEN_TTL,
      refreshTokenTtlS: v.REFRESH_TOKEN_TTL,
      refreshReuseGraceS: v.REFRESH_REUSE_GRACE_S,
      bcryptCost: v.BCRYPT_COST,
      bcryptConcurrency: v.BCRYPT_CONCURRENCY ?? Math.max(1, os.availableParallelism() - 1),
    },
    encryptionKeys,
    http: {
      corsOrigins: String(v.CORS_ORIGINS)
        .split(',')
        .map((s: string) => s.trim())
        .filter(Boolean),
      trustProxy: v.TRUST_PROXY,
      jsonLimitBytes: v.JSON_BODY_LIMIT,
      drawingJsonLimitBytes: v.DRAWING_JSON_BODY_LIMIT,
      requestTimeoutMs: v.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: v.HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: v.KEEP_ALIVE_TIMEOUT_MS,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      compression: v.COMPRESSION,
    },
    rateLimits: {
      windowMs: v.RATE_LIMIT_WINDOW_MS,
      auth: v.AUTH_RATE_LIMIT,
      api: v.API_RATE_LIMIT,
      mail: v.MAIL_RATE_LIMIT,
    },
    export: {
      concurrency: v.EXPORT_CONCURRENCY,
      queueTimeoutMs: v.EXPORT_QUEUE_TIMEOUT_MS,
      retentionH: v.EXPORT_RETENTION_H,
      jobTimeoutS: v.EXPORT_JOB_TIMEOUT_S,
    },
    jobs: {
      worker: v.WORKER,
      healthPort: v.WORKER_HEALTH_PORT,
      pollIntervalS: v.JOB_POLL_INTERVAL_S,
      superviseIntervalS: v.JOB_SUPERVISE_INTERVAL_S,
      maintenanceSchedule: v.MAINTENANCE_SCHEDULE,
    },
    syncStream: {
      heartbeatS: v.SYNC_HEARTBEAT_S,
      sessionCheckS: v.SYNC_SESSION_CHECK_S,
      notify: v.SYNC_NOTIFY,
    },
    redisUrl: v.REDIS_URL,
    redisPrefix: v.REDIS_KEY_PREFIX,
    storage: {
      driver: v.STORAGE_DRIVER,
      maxUploadBytes: v.MAX_UPLOAD_BYTES,
      importMaxBytes: v.IMPORT_MAX_BYTES,
      signedUrlTtlS: v.SIGNED_URL_TTL,
      s3: {
        bucket: v.S3_BUCKET,
        region: v.S3_REGION,
        endpoint: v.S3_ENDPOINT,
        publicEndpoint: v.S3_PUBLIC_ENDPOINT,
        forcePathStyle: v.S3_FORCE_PATH_STYLE,
        accessKeyId: v.S3_ACCESS_KEY_ID,
        secretAccessKey: v.S3_SECRET_ACCESS_KEY,
      },
    },
    plans: {
      free: { storageLimitBytes: v.PLAN_FREE_STORAGE_BYTES, collaborators: v.PLAN_FREE_COLLABORATORS },
      pro: { storageLimitBytes: v.PLAN_PRO_STORAGE_BYTES, collaborators: v.PLAN_PRO_COLLABORATORS },
      enterprise: {
        storageLimitBytes: v.PLAN_ENTERPRISE_STORAGE_BYTES,
        collaborators: v.PLAN_ENTERPRISE_COLLABORATORS,
      },
    },
    stripe: {
      secretKey: v.STRIPE_SECRET_KEY,
      webhookSecret: v.STRIPE_WEBHOOK_SECRET,
      apiUrl: v.STRIPE_API_URL,
      prices: {
        proMonthly: v.STRIPE_PRICE_PRO_MONTHLY,
        proYearly: v.STRIPE_PRICE_PRO_YEARLY,
        enterpriseMonthly: v.STRIPE_PRICE_ENTERPRISE_MONTHLY,
        enterpriseYearly: v.STRIPE_PRICE_ENTERPRISE_YEARLY,
      },
    },
    mail: {
      smtpUrl: v.SMTP_URL,
      from: v.MAIL_FROM,
      requireVerifiedEmail: v.REQUIRE_VERIFIED_EMAIL,
      retryLimit: v.MAIL_RETRY_LIMIT,
      retryDelayS: v.MAIL_RETRY_DELAY_S,
    },
    appUrl: trimEndOf(String(v.APP_URL), '/'),
    publicUrl: trimEndOf(String(v.PUBLIC_URL ?? defaultPublicUrl(v.HOST, v.PORT)), '/'),
    publicUrlIsDefault: v.PUBLIC_URL === undefined,
    analyticsRetentionDays: v.ANALYTICS_RETENTION_DAYS,
    syncRetentionDays: v.SYNC_RETENTION_DAYS,
    metricsToken: v.METRICS_TOKEN,
    backup: {
      target: parseBackupTarget(v.BACKUP_TARGET, dataDir),
      targetIsDefault: v.BACKUP_TARGET === undefined,
      keepDaily: v.BACKUP_KEEP_DAILY,
      keepWeekly: v.BACKUP_KEEP_WEEKLY,
      pgBinDir: v.BACKUP_PG_BIN_DIR,
      schedule: v.BACKUP_SCHEDULE,
    },
  };
  return deepFreeze(config);
}
