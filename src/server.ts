import http from 'node:http';
import dotenv from 'dotenv';
import { createClient } from 'redis';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import type { AppDeps } from './context';
import type { DatabasePool } from './db/database';
import { openDatabase } from './db';
import { migrate } from './db/migrate';
import { createLogger, type Logger } from './lib/logger';

const HOUR = 60 * 60 * 1000;

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
      const message = (error as Error).message;
      if ((error as Error).name === 'MigrationError' || Date.now() - started > deadlineMs) throw error;
      logger.warn('database not ready; retrying', { attempt, error: message });
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * attempt, 5000)));
    }
  }
}

async function connectRedis(url: string, logger: Logger): Promise<NonNullable<AppDeps['redis']>> {
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
  await client
    .connect()
    .catch((error: Error) => logger.warn('redis not reachable at start', { error: error.message }));
  return client as NonNullable<AppDeps['redis']>;
}

export async function start(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, json: config.isProduction });
  const db = await openDatabase(config, logger);
  await migrateWithRetry(db, logger, 60_000);
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const lifecycle = { draining: false };
  const app = createApp({ config, db, logger, redis, lifecycle });

  const server = http.createServer(app);
  server.requestTimeout = config.http.requestTimeoutMs;
  server.headersTimeout = config.http.headersTimeoutMs;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;

  const runMaintenance = async () => {
    for (const task of app.locals.maintenance) {
      try {
        const removed = await task.run();
        if (removed) logger.info('maintenance', { task: task.name, removed });
      } catch (error) {
        logger.warn('maintenance task failed', { task: task.name, error: (error as Error).message });
      }
    }
  };
  const firstRun = setTimeout(runMaintenance, 60_000).unref();
  const timer = setInterval(runMaintenance, HOUR).unref();

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) =>
    (closing ??= (async () => {
      logger.info('shutting down: draining requests', { signal });
      lifecycle.draining = true;
      clearTimeout(firstRun);
      clearInterval(timer);
      const force = setTimeout(() => {
        logger.warn('drain timed out; closing remaining connections');
        server.closeAllConnections();
      }, config.http.shutdownTimeoutMs).unref();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(force);
      await db
        .close()
        .catch((error: Error) => logger.warn('closing the database failed', { error: error.message }));
      if (redis?.isOpen) await redis.quit().catch(() => undefined);
      logger.info('shut down cleanly');
    })());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  logger.info('listening', {
    port: typeof address === 'object' && address ? address.port : config.port,
    env: config.env,
    database: db.kind,
  });
  return { server, config, shutdown };
}

if (require.main === module) {
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
