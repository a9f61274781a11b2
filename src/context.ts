import type { RedisClientType } from 'redis';
import type { Config } from './config';
import type { DatabasePool } from './db/database';
import type { RateLimiters } from './http/rate-limit';
import type { RouteDef } from './http/route';
import type { Logger } from './lib/logger';
import type { Passwords } from './lib/passwords';
import type { AccessTokens } from './lib/tokens';

/** What the server hands createApp: the outside world. Tests pass their own. */
export interface AppDeps {
  config: Config;
  db: DatabasePool;
  logger: Logger;
  /** Shared rate-limit store across processes; absent means in-memory limits. */
  redis?: RedisClientType<any, any, any, any, any>;
  /** Turned on by the server on SIGTERM: /ready answers 503 while requests drain. */
  lifecycle?: { draining: boolean };
}

/** Periodic clean-up work (expired keys, ended sessions); the server runs each hourly. */
export interface MaintenanceTask {
  name: string;
  run: () => Promise<number | void>;
}

/** AppDeps plus the services createApp builds once and hands every module. */
export interface AppContext extends AppDeps {
  lifecycle: { draining: boolean };
  /** Modules push their clean-up tasks here while their routes are built. */
  maintenance: MaintenanceTask[];
  tokens: AccessTokens;
  passwords: Passwords;
  limiters: RateLimiters;
}

/** A feature module: given the context, the routes it serves. */
export type RouteModule = (ctx: AppContext) => RouteDef[];
