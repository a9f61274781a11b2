import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import sharp from 'sharp';
import type { AppContext, AppDeps, MaintenanceTask } from './context';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { responseCompression } from './http/compression';
import { createIdempotency } from './http/idempotency';
import { createMetrics } from './http/metrics';
import { buildOpenApi } from './http/openapi';
import { createRateLimiters } from './http/rate-limit';
import { MAX_JSON_DEPTH } from './http/schemas';
import { requestContextMiddleware } from './http/request-context';
import type { RouteDef } from './http/route';
import { inSequence, mountRoutes } from './http/router';
import { Passwords } from './lib/passwords';
import { Semaphore } from './lib/semaphore';
import { JobQueue } from './jobs/queue';
import { backupTempDir, runBackup } from './ops/backup';
import { openBackupTarget } from './ops/backup-target';
import { referencedFileKeys } from './storage/file-references';
import { collectGarbage } from './storage/gc';
import { projectRoot } from './lib/paths';
import { AccessTokens } from './lib/tokens';
import { mailerFromConfig } from './mail/mailer';
import { purgeEndedSessions } from './modules/auth/auth.service';
import { createStripeClient } from './modules/billing/stripe-client';
import { featureModules } from './modules';
import { opsRoutes } from './modules/ops/ops.routes';
import { createFileStore } from './storage';

const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
};

export interface App extends Express {
  locals: Express['locals'] & {
    context: AppContext;
    routes: RouteDef[];
    maintenance: MaintenanceTask[];
    openapi: () => Record<string, unknown>;
  };
}

/**
 * Renders that may wait per render slot: beyond that, an export is refused at once (503) rather than queued
 * for longer than EXPORT_QUEUE_TIMEOUT_MS could plausibly cover.
 */
const RENDER_QUEUE_PER_SLOT = 10;

/** Exposed headers the SPA reads. */
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Idempotent-Replayed',
  'X-Export-Warnings',
  'X-Export-Page-Count',
  'Content-Disposition',
];

/**
 * helmet's headers, with the CSP's `upgrade-insecure-requests` only for requests that arrived over HTTPS
 * (directly, or per X-Forwarded-Proto from a trusted proxy: `req.secure`). Sent over plain HTTP it makes the
 * browser load every script of /api/docs as https://…, which a server without TLS does not answer: a blank page
 * at http://<server-ip>:3000.
 */
function securityHeaders(): RequestHandler {
  const overHttps = helmet();
  const overHttp = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  return (req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next);
}

/** Runs every maintenance task; one failing does not stop the others (it is logged, and runs next time). */
export async function runMaintenance(ctx: AppContext): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const task of ctx.maintenance) {
    try {
      const count = await task.run();
      removed[task.name] = count ?? 0;
      if (count) ctx.logger.info('maintenance', { task: task.name, removed: count });
    } catch (error) {
      ctx.logger.warn('maintenance task failed', { task: task.name, error: (error as Error).message });
    }
  }
  return removed;
}

/** One backup as `npm run backup` makes it, to BACKUP_TARGET, then pruning (BACKUP_KEEP_*). */
export async function runScheduledBackup(ctx: AppContext): Promise<string> {
  const { config } = ctx;
  const target = openBackupTarget(config);
  try {
    const summary = await runBackup({
      db: ctx.db,
      store: ctx.store,
      target,
      databaseUrl: config.database.url,
      pgBinDir: config.backup.pgBinDir,
      tempDir: backupTempDir(config.dataDir),
      keepDaily: config.backup.keepDaily,
      keepWeekly: config.backup.keepWeekly,
      logger: ctx.logger,
    });
    ctx.logger.info('scheduled backup written', {
      id: summary.id,
      target: summary.target,
      files: summary.manifest.files.length,
      missingFiles: summary.manifest.missingFiles.length,
      pruned: summary.pruned,
    });
    return summary.id;
  } finally {
    await target.close();
  }
}

/** Builds the whole HTTP application on the given dependencies. It does not listen. */
export function createApp(deps: AppDeps): App {
  const { config, logger } = deps;
  // One libvips thread per image operation (sharp's own default on glibc, not on musl): parallelism comes
  // from the render slots (EXPORT_CONCURRENCY) and the decode gate, so a render holds at most one core and
  // one libuv thread, and the event loop, bcrypt and the file system keep the rest (docs/export.md).
  sharp.concurrency(1);
  const ctx: AppContext = {
    ...deps,
    stripe: deps.stripe ?? createStripeClient(config),
    lifecycle: deps.lifecycle ?? { draining: false },
    mailer: deps.mailer ?? mailerFromConfig(config, logger),
    store: deps.store ?? createFileStore(config),
    maintenance: [],
    onDrain: [],
    tokens: new AccessTokens({
      secret: config.auth.jwtSecret,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.accessTokenTtlS,
    }),
    passwords: new Passwords(config.auth.bcryptCost, config.auth.bcryptConcurrency),
    limiters: createRateLimiters({
      windowMs: config.rateLimits.windowMs,
      apiLimit: config.rateLimits.api,
      authLimit: config.rateLimits.auth,
      redis: deps.redis,
      redisPrefix: config.redisPrefix,
      logger,
    }),
    metrics: createMetrics(deps.db),
    renderSlots: new Semaphore(config.export.concurrency, {
      maxWaiting: config.export.concurrency * RENDER_QUEUE_PER_SLOT,
    }),
    jobs:
      deps.jobs ??
      new JobQueue({
        db: deps.db,
        logger,
        pollIntervalS: config.jobs.pollIntervalS,
        superviseIntervalS: config.jobs.superviseIntervalS,
      }),
  };
  if (config.isProduction && config.storage.driver === 'local' && config.publicUrlIsDefault) {
    // Local file URLs are absolute on PUBLIC_URL; the default only suits a browser on this very machine.
    logger.warn(
      `PUBLIC_URL is not set: file URLs point at ${config.publicUrl}, which browsers elsewhere cannot reach; ` +
        'set it to the address clients use (e.g. https://api.example.com)',
    );
  }
  const idempotency = createIdempotency(deps.db, { staleAfterMs: config.http.requestTimeoutMs + 30_000 });
  ctx.maintenance.push(
    { name: 'idempotency-keys', run: () => idempotency.purgeExpired() },
    { name: 'ended-sessions', run: () => purgeEndedSessions(ctx) },
    {
      // Stored files no row points to (a crash between a store and its commit, a failed delete), past the GC's
      // grace period: what `npm run storage:gc` does by hand.
      name: 'storage-gc-orphans',
      run: async () =>
        (
          await collectGarbage({
            store: ctx.store,
            referencedKeys: () => referencedFileKeys(ctx.db),
            logger,
          })
        ).deleted,
    },
  );
  // Mail goes through the job queue: sealed payloads, retried deliveries, a dead letter (docs/mail.md).
  ctx.mailer.attach({
    jobs: ctx.jobs,
    keys: config.encryptionKeys,
    retryLimit: config.mail.retryLimit,
    retryDelayS: config.mail.retryDelayS,
    registry: ctx.metrics.registry,
  });
  // Every maintenance task, once per MAINTENANCE_SCHEDULE across the worker processes (docs/jobs.md).
  ctx.jobs.handle('maintenance', async () => {
    await runMaintenance(ctx);
  });
  ctx.jobs.schedule('maintenance', config.jobs.maintenanceSchedule);
  if (config.backup.schedule) {
    // The operators' backup (docs/backups.md) on BACKUP_SCHEDULE, in a worker, on the open database: on the
    // embedded database this is the way to back up while the server runs.
    ctx.jobs.handle('backup', async () => {
      await runScheduledBackup(ctx);
    });
    ctx.jobs.schedule('backup', config.backup.schedule);
  }

  const app = express() as unknown as App;
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  // ETags here are resource versions set by the handlers, not hashes of bodies.
  app.set('etag', false);

  const origins =
    config.http.corsOrigins.length > 0 ? config.http.corsOrigins : config.isProduction ? [] : [config.appUrl];
  // One Express layer for the middleware every request passes (see inSequence).
  app.use(
    inSequence([
      requestContextMiddleware(logger, ctx.metrics.recordRequest),
      (_req, res, next) => {
        // While draining, keep-alive connections close after their current response.
        if (ctx.lifecycle.draining) res.setHeader('Connection', 'close');
        next();
      },
      securityHeaders(),
      cors({
        // '*' allows any origin without credentials; a list allows those origins (bearer tokens, no cookies).
        origin: origins.includes('*') ? '*' : origins,
        credentials: false,
        exposedHeaders: EXPOSED_HEADERS,
        // If-None-Match is not CORS-safelisted: without it here a SPA on another origin could never revalidate.
        allowedHeaders: [
          'Authorization',
          'Content-Type',
          'If-Match',
          'If-None-Match',
          'Idempotency-Key',
          'X-Request-Id',
        ],
        maxAge: 600,
      }),
      ...(config.http.compression ? [responseCompression()] : []),
    ]),
  );

  const routes: RouteDef[] = featureModules.flatMap((module) => module(ctx));
  let document: Record<string, unknown> | undefined;
  const openapi = () =>
    (document ??= buildOpenApi(allRoutes, {
      title: 'ColorBook Engine API',
      version,
      description:
        'The REST API behind ColorBook: projects, stories, images, drawings, templates, AI-provider keys, ' +
        'analytics and billing. Errors are RFC 9457 problem+json. Text in a request may not contain U+0000, ' +
        `and free-JSON fields (settings, metadata, properties, drawing data) nest at most ${MAX_JSON_DEPTH} levels deep: ` +
        'either is a 400 VALIDATION_ERROR naming the field. So is a key `__proto__`, `constructor` or ' +
        '`prototype` anywhere in a body (nested, in arrays, in multipart JSON fields). ' +
        'Requests that are not valid HTTP/1.1 get 400 ' +
        'MALFORMED_REQUEST, headers over 16 KB 431 HEADERS_TOO_LARGE, requests that arrive too slowly 408 ' +
        'REQUEST_TIMEOUT.',
    }));
  const allRoutes: RouteDef[] = [...opsRoutes(ctx, openapi), ...routes];

  mountRoutes(app, allRoutes, {
    tokens: ctx.tokens,
    idempotency,
    apiLimiter: ctx.limiters.api,
    jsonLimitBytes: config.http.jsonLimitBytes,
  });
  app.use(notFoundHandler);
  app.use(errorHandler(logger, { exposeInternals: config.env === 'development' }));

  app.locals.context = ctx;
  app.locals.routes = allRoutes;
  app.locals.maintenance = ctx.maintenance;
  app.locals.openapi = openapi;
  return app;
}
