import fs from 'node:fs';
import type { RequestListener } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import winston from 'winston';
import { createApp, type App } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import type { AppContext, AppDeps } from '../../src/context';
import type { DatabasePool } from '../../src/db/database';
import { createLogger } from '../../src/lib/logger';
import { createTestDatabase, type TestDatabase } from './db';
import {
  formatMismatches,
  responseValidatorFor,
  withResponseValidation,
  type ResponseValidator,
} from './response-validator';

/**
 * Checks every response against the OpenAPI document (tests/helpers/response-validator.ts) and fails the
 * test on a mismatch. Turn it on for the whole suite by setting this to true (or run with
 * VALIDATE_RESPONSES=1); a test file can still pass `validateResponses` to useTestApp.
 */
export const VALIDATE_RESPONSES_BY_DEFAULT = true;

/** Fixed secrets for tests: never used anywhere else. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  // Workers look for new jobs twice a second (the least pg-boss allows), not every second.
  JOB_POLL_INTERVAL_S: '0.5',
  JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
  ENCRYPTION_KEYS: `test1:${Buffer.alloc(32, 7).toString('base64')}`,
  BCRYPT_COST: '4',
  AUTH_RATE_LIMIT: '10000',
  API_RATE_LIMIT: '100000',
  MAIL_RATE_LIMIT: '10000',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
};

export function testConfig(env: Record<string, string | undefined> = {}, dataDir?: string): Config {
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-test-'));
  return loadConfig({ ...TEST_ENV, DATA_DIR: dir, ...env } as NodeJS.ProcessEnv);
}

export interface TestApp {
  app: App;
  ctx: AppContext;
  db: DatabasePool;
  config: Config;
  dataDir: string;
  /** Log lines written while `captureLogs` was on (JSON strings). */
  logs: string[];
  /** The test database's own URL on PostgreSQL runs. */
  databaseUrl?: string;
  /** supertest against the app (no listening socket needed). */
  http(): ReturnType<typeof request>;
  /** The app as a request listener (for `http.createServer`): validated like `http()` when that is on. */
  handler: RequestListener;
  /** Present when responses are checked against the OpenAPI document. */
  validator?: ResponseValidator;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  captureLogs?: boolean;
  /** Extra dependencies (e.g. a Redis client). */
  deps?: Partial<AppDeps>;
  /** Check every response against the OpenAPI document (default: VALIDATE_RESPONSES_BY_DEFAULT). */
  validateResponses?: boolean;
  /** Start the app's job worker (handlers, schedules), as `npm start` does with WORKER=on. */
  worker?: boolean;
}

/**
 * Response checks for apps a test file builds itself with `createApp` (settings other than its `t`'s): the
 * returned function wraps such an app into a request listener (for supertest or `http.createServer`) whose
 * responses are checked against the app's own document like `t.http()`'s; a mismatch fails the test in
 * afterEach. Call it once at the top level of the file.
 */
export function useResponseChecks(
  validate = VALIDATE_RESPONSES_BY_DEFAULT || process.env.VALIDATE_RESPONSES === '1',
): (app: App) => RequestListener {
  const checked = new Map<App, { validator: ResponseValidator; handler: RequestListener }>();
  afterEach(() => {
    const mismatches = [...checked.values()].flatMap(({ validator }) => validator.take());
    if (mismatches.length > 0) throw new Error(formatMismatches(mismatches));
  });
  afterAll(() => checked.clear());
  return (app) => {
    if (!validate) return app;
    let entry = checked.get(app);
    if (!entry) {
      const validator = responseValidatorFor(app);
      entry = { validator, handler: withResponseValidation(app, validator) };
      checked.set(app, entry);
    }
    return entry.handler;
  };
}

/**
 * supertest against the app, where a URL the app itself made (its absolute file URLs, `PUBLIC_URL/api/files/…`)
 * is taken as the path it names: supertest only takes paths for an app without a socket.
 */
function sameOriginPaths(agent: ReturnType<typeof request>, publicUrl: string): ReturnType<typeof request> {
  const local = (url: string) => (url.startsWith(`${publicUrl}/`) ? url.slice(publicUrl.length) : url);
  for (const method of ['get', 'head', 'post', 'put', 'patch', 'delete', 'del', 'options'] as const) {
    const send = agent[method].bind(agent) as (url: string) => unknown;
    Object.assign(agent, { [method]: (url: string) => send(local(url)) });
  }
  return agent;
}

/**
 * A fresh database and app for one test file: built in beforeAll, torn down in afterAll. The returned
 * object is filled in when beforeAll has run.
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  const handle = { logs: [] as string[] } as unknown as TestApp;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colorbook-test-'));
    const config = testConfig(options.env, dataDir);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        handle.logs.push(String(chunk).trim());
        done();
      },
    });
    const logger = options.captureLogs
      ? createLogger({
          level: 'debug',
          json: true,
          transports: [new winston.transports.Stream({ stream: sink })],
        })
      : // Quiet unless LOG_LEVEL asks for lines: expected 500s in tests would otherwise fill the output.
        createLogger({ level: config.logLevel, json: false, silent: !process.env.LOG_LEVEL });
    const app = createApp({ config, db: database.db, logger, ...options.deps });
    if (options.worker) await app.locals.context.jobs.start({ work: true });
    const validate =
      options.validateResponses ?? (VALIDATE_RESPONSES_BY_DEFAULT || process.env.VALIDATE_RESPONSES === '1');
    const validator = validate ? responseValidatorFor(app) : undefined;
    const handler: RequestListener = validator ? withResponseValidation(app, validator) : app;
    Object.assign(handle, {
      app,
      ctx: app.locals.context,
      db: database.db,
      config,
      dataDir,
      databaseUrl: database.url,
      http: () => sameOriginPaths(request(handler), config.publicUrl),
      handler,
      validator,
    });
  });

  afterEach(() => {
    const mismatches = handle.validator?.take() ?? [];
    if (mismatches.length > 0) throw new Error(formatMismatches(mismatches));
  });

  afterAll(async () => {
    // Jobs being worked use the database. Mail jobs nobody waited for stay queued and go with it.
    await handle.ctx?.jobs.stop(5000);
    await database?.drop();
    if (handle.dataDir) fs.rmSync(handle.dataDir, { recursive: true, force: true });
  });

  return handle;
}
