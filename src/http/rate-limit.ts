import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
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
  const storeFor = (name: string): Store | undefined => {
    const redis = options.redis;
    if (!redis) return undefined;
    return new RedisStore({
      prefix: `${options.redisPrefix}rl:${name}:`,
      sendCommand: (...args: string[]) => redis.sendCommand(args) as Promise<RedisReply>,
    });
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
        error: (error, message) =>
          options.logger.warn(message ?? 'rate limiter error', { limiter: spec.name, error: String(error) }),
        warn: (error, message) =>
          options.logger.warn(message ?? 'rate limiter warning', {
            limiter: spec.name,
            error: String(error),
          }),
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
        options.logger.error('rate-limit store failed; refusing the request', {
          limiter: spec.name,
          error: (error as Error).message,
        });
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
