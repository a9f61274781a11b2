import type { Request, RequestHandler, Response } from 'express';
import {
  ipKeyGenerator,
  rateLimit,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { RedisClientType } from 'redis';
import type { Logger } from '../lib/logger';
import { AppError } from './errors';

export interface LimiterSpec {
  /** Names the limit in `RateLimit-Policy` and prefixes its Redis keys. */
  name: string;
  limit: number;
  windowMs?: number;
  /** Who is counted. Return undefined to let the request through uncounted. */
  key: (req: Request, res: Response) => string | undefined;
  /**
   * When the shared store (Redis) fails: closed refuses the request with 503 (auth limits: a broken store
   * must not open the door to password guessing); open lets it through uncounted (everything else).
   */
  failClosed?: boolean;
  /** Count only failed requests (status >= 400): e.g. logins, where only guesses should use up the limit. */
  onlyFailures?: boolean;
}

/**
 * Longest wait for one Redis command. node-redis fails commands at once while disconnected
 * (`disableOfflineQueue`), but a command already written to a Redis that stopped answering (paused, network
 * partition) waits for the socket to die: this bound keeps such a Redis from holding requests.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** After a command timed out, how long commands fail at once instead of each waiting the timeout again. */
export const REDIS_STUCK_PAUSE_MS = 2000;

class RedisTimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A rate-limit-redis store that recovers from any Redis outage. rate-limit-redis loads its Lua scripts once,
 * in init(), and keeps the promise: when Redis is unreachable at that moment (down at start), the rejected
 * promise is reused for ever and the limiter never works again, even after Redis returns. (A Redis restart
 * later is fine on its own: it reloads the scripts on NOSCRIPT.) This wrapper drops its RedisStore after any
 * failed command, so the next request starts a fresh one that loads the scripts again.
 */
class RecoveringRedisStore implements Store {
  private inner: RedisStore | undefined;
  private options: Options | undefined;

  constructor(
    /** Read by express-rate-limit's double-count check; the Redis key prefix of this limiter. */
    readonly prefix: string,
    private readonly make: () => RedisStore,
  ) {}

  init(options: Options): void {
    this.options = options;
  }

  private current(): RedisStore {
    if (!this.inner) {
      const store = this.make();
      // A failed script load surfaces on the command that awaits it; nothing to report here.
      store.init(this.options!).catch(() => undefined);
      this.inner = store;
    }
    return this.inner;
  }

  private async run<T>(command: (store: RedisStore) => Promise<T>): Promise<T> {
    const store = this.current();
    try {
      return await command(store);
    } catch (error) {
      if (this.inner === store) this.inner = undefined;
      throw error;
    }
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.run((store) => store.increment(key));
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.run((store) => store.get(key));
  }

  decrement(key: string): Promise<void> {
    return this.run((store) => store.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.run((store) => store.resetKey(key));
  }
}

/** At most one log line per limiter and kind every 10 s: a Redis outage must not flood the logs. */
function throttledWarn(logger: Logger, everyMs = 10_000) {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (limiter: string, message: string, error: unknown) => {
    const key = `${limiter}:${message}`;
    const now = Date.now();
    const entry = last.get(key);
    if (entry && now - entry.at < everyMs) {
      entry.suppressed++;
      return;
    }
    logger.warn(message, {
      limiter,
      error: error instanceof Error ? error.message : String(error),
      ...(entry?.suppressed ? { suppressed: entry.suppressed } : {}),
    });
    last.set(key, { at: now, suppressed: 0 });
  };
}

export interface RateLimiters {
  create(spec: LimiterSpec): RequestHandler;
  /** The general limit: API_RATE_LIMIT per minute per user, per IP when anonymous. */
  readonly api: RequestHandler;
  /** AUTH_RATE_LIMIT per minute per client IP, failing closed. */
  authByIp(name: string): RequestHandler;
}

/** The client's address as Express sees it through TRUST_PROXY hops; IPv6 is counted per /56. */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export function createRateLimiters(options: {
  windowMs: number;
  apiLimit: number;
  authLimit: number;
  redis?: RedisClientType<any, any, any, any, any>;
  redisPrefix: string;
  logger: Logger;
}): RateLimiters {
  const warn = throttledWarn(options.logger);
  // A stuck Redis costs the requests of one moment the timeout; later ones fail at once until the pause ends.
  let stuckUntil = 0;
  const send = async (redis: NonNullable<typeof options.redis>, args: string[]): Promise<RedisReply> => {
    if (Date.now() < stuckUntil) throw new Error('Redis timed out a moment ago; not waiting for it');
    try {
      return await withTimeout(redis.sendCommand(args) as Promise<RedisReply>, REDIS_COMMAND_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof RedisTimeoutError) stuckUntil = Date.now() + REDIS_STUCK_PAUSE_MS;
      throw error;
    }
  };
  const storeFor = (name: string): Store | undefined => {
    const redis = options.redis;
    if (!redis) return undefined;
    const prefix = `${options.redisPrefix}rl:${name}:`;
    return new RecoveringRedisStore(
      prefix,
      () =>
        new RedisStore({
          prefix,
          sendCommand: (...args: string[]) => send(redis, args),
        }),
    );
  };

  const create = (spec: LimiterSpec): RequestHandler => {
    const limiter = rateLimit({
      windowMs: spec.windowMs ?? options.windowMs,
      limit: spec.limit,
      identifier: spec.name,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: storeFor(spec.name),
      passOnStoreError: !spec.failClosed,
      skipSuccessfulRequests: spec.onlyFailures ?? false,
      logger: {
        error: (error, message) => warn(spec.name, message ?? 'rate limiter error', error),
        warn: (error, message) => warn(spec.name, message ?? 'rate limiter warning', error),
      },
      keyGenerator: (req, res) => spec.key(req, res) ?? '',
      skip: (req, res) => spec.key(req, res) === undefined,
      // TRUST_PROXY decides what req.ip is; a client's own X-Forwarded-For is ignored on purpose.
      validate: { xForwardedForHeader: false, trustProxy: false, keyGeneratorIpFallback: false },
      handler: (_req, res, next) => {
        const retryAfter = res.getHeader('Retry-After');
        next(
          new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${retryAfter ?? 'a few'} seconds`, {
            headers: retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) },
          }),
        );
      },
    });
    return (req, res, next) => {
      limiter(req, res, (error?: unknown) => {
        if (error === undefined) return next();
        if (error instanceof AppError) return next(error);
        warn(spec.name, 'rate-limit store failed; refusing the request', error);
        next(
          new AppError(503, 'SERVICE_UNAVAILABLE', 'Rate limiting is unavailable; try again shortly', {
            headers: { 'Retry-After': '5' },
          }),
        );
      });
    };
  };

  return {
    create,
    api: create({
      name: 'api',
      limit: options.apiLimit,
      key: (req, res) => {
        const userId = (res.locals.auth as { userId?: string } | undefined)?.userId;
        return userId ? `user:${userId}` : `ip:${clientKey(req)}`;
      },
    }),
    authByIp: (name) =>
      create({ name, limit: options.authLimit, failClosed: true, key: (req) => clientKey(req) }),
  };
}
