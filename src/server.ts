import http from 'node:http';
import v8 from 'node:v8';
import dotenv from 'dotenv';
import { createApp } from './app';
import { clientErrorListener } from './http/client-error';
import { ConfigError, loadConfig, type Config } from './config';
import type { AppDeps } from './context';
import { errorCause, type DatabasePool } from './db/database';
import { openDatabase } from './db';
import { migrate } from './db/migrate';
import { createLogger, type Logger } from './lib/logger';
import { logMailMode, mailerFromConfig } from './mail/mailer';
import { createFileStore } from './storage';

export interface RunningServer {
  server: http.Server;
  config: Config;
  shutdown: (signal: string) => Promise<void>;
}

/** Retries the first migration while the database is still coming up (containers start in any order). */
async function migrateWithRetry(db: DatabasePool, logger: Logger, deadlineMs: number): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await migrate(db, logger);
      logger.info('database schema is current', { applied: applied.length });
      return;
    } catch (error) {
      if ((error as Error).name === 'MigrationError' || Date.now() - started > deadlineMs) throw error;
      logger.warn('database not ready; retrying', { attempt, error: errorCause(error) });
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5000)));
    }
  }
}

/**
 * A Redis client for the shared rate limits. Never holds up the start: when Redis is not there it keeps
 * reconnecting in the background and the limiters apply their failure policy until it is (see rate-limit.ts).
 */
export async function connectRedis(url: string, logger: Logger): Promise<NonNullable<AppDeps['redis']>> {
  // Loaded only when REDIS_URL is set: the client and its command tables are ~4 MB of heap otherwise unused.
  const { createClient } = await import('redis');
  const client = createClient({
    url,
    // Fail commands at once while disconnected instead of queueing them: a limiter must not hang a request.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 200, 3000) },
  });
  let lastWarn = 0;
  client.on('error', (error: Error) => {
    // Reconnects are retried for ever; say so at most every 10 s.
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      logger.warn('redis error', { error: error.message });
    }
  });
  // connect() resolves only once Redis answers (it retries for ever), so wait for it a bounded time only.
  const connected = client.connect().then(
    () => true,
    (error: Error) => {
      logger.warn('redis connection given up', { error: error.message });
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 2000);
  });
  if (!(await Promise.race([connected, waited]))) {
    logger.warn('redis not reachable at start; limits follow their failure policy until it is');
  }
  clearTimeout(timer);
  return client as NonNullable<AppDeps['redis']>;
}

/**
 * WORKER=only: the process serves no API, only its health (`/health`, `/ready`) on WORKER_HEALTH_PORT for the
 * orchestrator's checks; anything else is a 404 problem.
 */
function healthOnly(app: http.RequestListener): http.RequestListener {
  return (req, res) => {
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname === '/health' || pathname === '/ready') {
      app(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'NOT_FOUND',
        detail: 'This is a worker process (WORKER=only): it serves /health and /ready only',
      }),
    );
  };
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  // Only the logger writes to the server's stdout, so its lines can go out once per turn of the event loop.
  const logger = createLogger({ level: config.logLevel, json: config.isProduction, batchWrites: true });
  const db = await openDatabase(config, logger);
  await migrateWithRetry(db, logger, 60_000);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const lifecycle = { draining: false };
  const mailer = mailerFromConfig(config, logger);
  logMailMode(mailer, logger);
  const store = createFileStore(config);
  const app = createApp({ config, db, logger, redis, lifecycle, mailer, store });

  // Node checks the header and request timeouts only every connectionsCheckingInterval (30 s by default):
  // check often enough that a slowloris client is cut close to HEADERS_TIMEOUT_MS.
  const workerOnly = config.jobs.worker === 'only';
  const server = http.createServer(
    { connectionsCheckingInterval: Math.min(1000, Math.ceil(config.http.headersTimeoutMs / 4)) },
    workerOnly ? healthOnly(app) : app,
  );
  server.requestTimeout = config.http.requestTimeoutMs;
  server.headersTimeout = config.http.headersTimeoutMs;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  // What the HTTP parser refuses (and the timeouts above) is answered as problem+json too.
  server.on('clientError', clientErrorListener(logger));
  // Responses not yet written, so that a drain can still make them close their connection.
  const inFlight = new Set<http.ServerResponse>();
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  // The job queue: this process works jobs (and keeps the schedules) unless WORKER=off (docs/jobs.md).
  const jobs = app.locals.context.jobs;
  await jobs.start({ work: config.jobs.worker !== 'off' });
  logger.info('job queue started', { worker: config.jobs.worker });

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) =>
    (closing ??= (async () => {
      logger.info('shutting down: draining requests', { signal });
      // One budget for the whole drain (requests, then running jobs) so PM2's kill_timeout is never reached.
      const deadline = Date.now() + config.http.shutdownTimeoutMs;
      lifecycle.draining = true;
      const force = setTimeout(() => {
        logger.warn('drain timed out; closing remaining connections');
        server.closeAllConnections();
      }, config.http.shutdownTimeoutMs).unref();
      // Requests already past the app's drain check would still answer keep-alive and hold their connection
      // open until KEEP_ALIVE_TIMEOUT_MS: they answer Connection: close, and connections that fall idle while
      // draining are closed at once.
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // Long-lived answers (event streams) end now, with their retry hint, instead of at the force timeout.
      await Promise.all(
        app.locals.context.onDrain.map(async (hook) => {
          try {
            await hook();
          } catch (error) {
            logger.warn('drain hook failed', { error: (error as Error).message });
          }
        }),
      );
      const sweep = setInterval(() => server.closeIdleConnections(), 200);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(sweep);
      clearTimeout(force);
      // Running jobs get the rest of the budget to finish; one still running then is run again elsewhere.
      await jobs.stop(Math.max(1000, deadline - Date.now()));
      // Mail not sent yet waits in the job queue for the next worker: only the SMTP transport closes here.
      await mailer.close();
      await db
        .close()
        .catch((error: Error) => logger.warn('closing the database failed', { error: error.message }));
      if (redis?.isOpen) {
        // close() waits for pending replies: give a Redis that is away or stuck a second, then drop it.
        const closed = redis.isReady ? redis.close().catch(() => undefined) : Promise.resolve();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        if (redis.isOpen) redis.destroy();
      }
      await store.close().catch(() => undefined);
      logger.info('shut down cleanly');
    })());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(workerOnly ? config.jobs.healthPort : config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  logger.info('listening', {
    port: typeof address === 'object' && address ? address.port : config.port,
    ...(workerOnly ? { serves: '/health and /ready only (WORKER=only)' } : {}),
    env: config.env,
    database: db.kind,
  });
  return { server, config, shutdown };
}

if (require.main === module) {
  // With memory to spare V8 lets the old generation grow to about four times the live heap between full
  // collections: under load this server's RSS reached ~250 MB for ~35 MB of live objects. Growing by half
  // keeps it near 160 MB at no measurable cost in throughput (docs/benchmarks.md). A value given on the
  // command line (node --heap-growing-percent=N) wins. Flags that size the heap (the young generation) only
  // work on the command line: every launcher passes scripts/server-node-flags.cjs.
  if (!process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent/.test(arg))) {
    v8.setFlagsFromString('--heap-growing-percent=50');
  }
  dotenv.config({ quiet: true });
  const bootLogger = createLogger({ level: 'info', json: process.env.NODE_ENV === 'production' });
  start()
    .then(({ shutdown }) => {
      // PM2 (wait_ready) starts sending traffic once the database is checked and the port is open.
      process.send?.('ready');
      let exiting = false;
      const onSignal = (signal: string) => {
        if (exiting) return;
        exiting = true;
        shutdown(signal).then(
          () => process.exit(0),
          (error) => {
            bootLogger.error('shutdown failed', { error });
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('message', (message) => {
        // PM2 on Windows asks for shutdown with a message instead of a signal.
        if (message === 'shutdown') onSignal('shutdown');
      });
    })
    .catch((error) => {
      if (error instanceof ConfigError) {
        bootLogger.error(error.message);
      } else {
        bootLogger.error('failed to start', { error });
      }
      process.exit(1);
    });
  process.on('unhandledRejection', (reason) =>
    bootLogger.error('unhandled promise rejection', { error: reason }),
  );
}
