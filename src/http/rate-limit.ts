import type { Request, RequestHandler, Response } from 'express';
import crypto from 'node:crypto';
import {
  ipKeyGenerator,
  MemoryStore,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Logger } from '../lib/logger';
import { appError } from './errors';

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
  /**
   * With `onlyFailures`: how many requests of one key may be in progress at once in this process, and the
   * ones in progress are not held against the limit (only settled failures are). Without it, every request
   * counts up front until it succeeded, so a burst of correct logins from one address (a classroom behind
   * one NAT, each login waiting for bcrypt) would be refused like guesses. The cap keeps a burst of guesses
   * from being checked all at once before any of them has failed.
   */
  concurrent?: number;
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

const partitionKeys = new Map<string, string>();

/**
 * express-rate-limit's `pk` of the draft-8 policy header: the key's SHA-256, shortened, never the key itself.
 * Remembered for the last few thousand keys (a client sends many requests).
 */
function partitionKey(key: string): string {
  let pk = partitionKeys.get(key);
  if (pk === undefined) {
    const hex = crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
    pk = Buffer.from(hex).toString('base64');
    if (partitionKeys.size >= 10_000) partitionKeys.clear();
    partitionKeys.set(key, pk);
  }
  return pk;
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

/**
 * Logins from one address checked at once (per process). A classroom of 30 signing in together fits; a
 * burst of guesses beyond it is refused before bcrypt sees it, until earlier ones have settled.
 */
export const LOGINS_IN_PROGRESS_PER_IP = 30;

/** The cap on failed logins of one account across all addresses, as a multiple of AUTH_RATE_LIMIT. */
export const ACCOUNT_FAILURES_FACTOR = 10;

export interface RateLimiters {
  create(spec: LimiterSpec): RequestHandler;
  /** The general limit: API_RATE_LIMIT per minute per user, per IP when anonymous. */
  readonly api: RequestHandler;
  /** AUTH_RATE_LIMIT per minute per client IP, failing closed. */
  authByIp(name: string): RequestHandler;
  /**
   * Failed logins: AUTH_RATE_LIMIT failures per minute per client IP, failing closed. Correct logins are not
   * counted (and at most LOGINS_IN_PROGRESS_PER_IP are checked at once per address), so a classroom behind
   * one address signs in while a guesser spraying one password over many accounts is stopped.
   */
  loginFailuresByIp(name: string): RequestHandler;
}

/** The client's address as Express sees it through TRUST_PROXY hops; IPv6 is counted per /56. */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

/**
 * What the limiters need of a Redis client: raw commands (rate-limit-redis sends its own). A node-redis
 * client of any modules, scripts or RESP version is one.
 */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export function createRateLimiters(options: {
  windowMs: number;
  apiLimit: number;
  authLimit: number;
  redis?: RedisCommandClient;
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

  /**
   * A fixed-window limit with express-rate-limit's stores and its IETF draft-8 headers. The request path is
   * our own: express-rate-limit's middleware awaits each of its options, evaluates debug arguments and runs
   * checks on every request, which made it one of the largest costs of a request (docs/benchmarks.md). What
   * a client sees is the same: `RateLimit` and `RateLimit-Policy` on every counted request, 429 with
   * `Retry-After` past the limit, only failures counted with `onlyFailures`, and on a store failure the
   * request served uncounted (open) or refused with 503 (closed).
   */
  const create = (spec: LimiterSpec): RequestHandler => {
    const windowMs = spec.windowMs ?? options.windowMs;
    const windowSeconds = Math.ceil(windowMs / 1000);
    const store: Store = storeFor(spec.name) ?? new MemoryStore();
    // The stores only read windowMs from express-rate-limit's options.
    void Promise.resolve(store.init?.({ windowMs } as Options)).catch((error: unknown) =>
      warn(spec.name, 'rate limiter store failed to start', error),
    );
    const name = `"${spec.name}"`;
    // Always promises, whether the store answers at once (memory) or later (Redis), or throws.
    const increment = async (key: string) => store.increment(key);
    const decrement = async (key: string) => store.decrement(key);
    const refuse = (error: unknown) => {
      warn(spec.name, 'rate-limit store failed; refusing the request', error);
      return appError('SERVICE_UNAVAILABLE', 'Rate limiting is unavailable; try again shortly', {
        headers: { 'Retry-After': '5' },
      });
    };

    // Requests in progress per key (spec.concurrent): this process's own, which is enough to not count them.
    const inProgress = new Map<string, number>();
    const settle = (key: string) => {
      const left = (inProgress.get(key) ?? 1) - 1;
      if (left > 0) inProgress.set(key, left);
      else inProgress.delete(key);
    };
    /**
     * Marks a request of `key` in progress until its response has closed and the refund of a success (if
     * any) has landed in the store: until then a success would look like a settled failure. Listening from
     * the start, so a request whose response closes before the store answered is settled too.
     */
    const track = (key: string, res: Response): { refund?: Promise<void> } => {
      const tracked: { refund?: Promise<void> } = {};
      inProgress.set(key, (inProgress.get(key) ?? 0) + 1);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        // A failure (or a response cut short) is settled at once: from now on it counts as what it is.
        if (res.statusCode >= 400 || !res.writableFinished) return settle(key);
        // A success once its refund landed; the refund starts in a later 'finish' listener of this emit.
        setImmediate(() => void (tracked.refund ?? Promise.resolve()).finally(() => settle(key)));
      };
      res.once('finish', end);
      res.once('close', end);
      return tracked;
    };

    return (req, res, next) => {
      const key = spec.key(req, res);
      if (key === undefined) return next();
      // Others of this key still in progress here: counted in the store, not yet failures.
      let others = 0;
      let tracked: { refund?: Promise<void> } | undefined;
      if (spec.concurrent !== undefined && !res.closed) {
        others = inProgress.get(key) ?? 0;
        if (others >= spec.concurrent) {
          next(
            appError('RATE_LIMITED', 'Too many requests at once from this client; retry in 1 second', {
              headers: { 'Retry-After': '1' },
            }),
          );
          return;
        }
        tracked = track(key, res);
      }
      increment(key)
        .then(
          ({ totalHits, resetTime }) => {
            const resetAt = resetTime?.getTime();
            const resetSeconds =
              resetAt === undefined ? windowSeconds : Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
            if (!res.headersSent) {
              res.appendHeader(
                'RateLimit',
                `${name}; r=${Math.max(spec.limit - totalHits, 0)}; t=${resetSeconds}`,
              );
              res.appendHeader(
                'RateLimit-Policy',
                `${name}; q=${spec.limit}; w=${windowSeconds}; pk=:${partitionKey(key)}:`,
              );
            }
            if (spec.onlyFailures) {
              // Counted up front (concurrent guesses cannot slip through), given back once it succeeded.
              res.once('finish', () => {
                if (res.statusCode >= 400) return;
                if (resetAt !== undefined && Date.now() >= resetAt) return;
                const refund = decrement(key).catch((error: unknown) =>
                  warn(spec.name, 'rate limiter error from store during decrement', error),
                );
                if (tracked) tracked.refund = refund;
              });
            }
            if (totalHits - others > spec.limit) {
              if (!res.headersSent) res.setHeader('Retry-After', String(resetSeconds));
              next(
                appError('RATE_LIMITED', `Too many requests; retry in ${resetSeconds} seconds`, {
                  headers: { 'Retry-After': String(resetSeconds) },
                }),
              );
              return;
            }
            next();
          },
          (error: unknown) => {
            if (spec.failClosed) return next(refuse(error));
            warn(spec.name, 'rate-limit store failed; allowing the request uncounted', error);
            next();
          },
        )
        .catch((error: unknown) => next(error));
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
    loginFailuresByIp: (name) =>
      create({
        name,
        limit: options.authLimit,
        failClosed: true,
        onlyFailures: true,
        concurrent: LOGINS_IN_PROGRESS_PER_IP,
        key: (req) => clientKey(req),
      }),
  };
}
