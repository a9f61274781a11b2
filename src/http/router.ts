import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import Joi from 'joi';
import { requestContext, type RequestContext } from '../lib/async-context';
import type { AccessTokens } from '../lib/tokens';
import { appError, unauthenticated, unsupportedMediaType } from './errors';
import type { Idempotency } from './idempotency';
import {
  bodyKindOf,
  ifNoneMatchMatches,
  isIdempotent,
  parseIfMatch,
  type AuthInfo,
  type IfMatch,
  type RouteInput,
  type Reply,
  type RouteDef,
} from './route';
import { validatePart, validateQuery } from './validate';

const NO_QUERY = Joi.object({});
const EMPTY_BODY = Joi.object({});
const JSON_TYPES = ['application/json', 'application/*+json'];
const BEARER = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i;

export interface RouterOptions {
  tokens: AccessTokens;
  idempotency: Idempotency;
  apiLimiter: RequestHandler;
  jsonLimitBytes: number;
}

/**
 * What every answer to an authenticated request carries: it holds the caller's data, so neither a shared
 * cache (proxy, CDN) nor the browser's disk cache may keep it. Set before the handler runs, so errors
 * (401 included) carry it too; a handler may still set its own (none of the authenticated ones do).
 */
export const PRIVATE_NO_STORE = 'private, no-store';

/** The claims of a well-formed, valid bearer token; undefined when there is none or it fails. */
function bearerClaims(tokens: AccessTokens, header: string | undefined) {
  if (header === undefined) return undefined;
  const match = BEARER.exec(header);
  return match ? (tokens.verify(match[1]) ?? undefined) : undefined;
}

function signIn(res: Response, claims: { userId: string; sessionId: string }): void {
  const auth: AuthInfo = { userId: claims.userId, sessionId: claims.sessionId };
  res.locals.auth = auth;
  (res.locals.requestContext as RequestContext | undefined)!.userId = auth.userId;
  res.setHeader('Cache-Control', PRIVATE_NO_STORE);
}

export function authenticate(
  tokens: AccessTokens,
  mode: RouteDef['auth'],
  privateAnswer = false,
): RequestHandler {
  return (req, res, next) => {
    if (mode === 'required' || privateAnswer) res.setHeader('Cache-Control', PRIVATE_NO_STORE);
    if (mode === 'none') return next();
    // The answer depends on who asks (a premium template's content, an owner's private template): a shared
    // cache must not hand an anonymous copy to a signed-in reader, nor the reverse.
    if (mode === 'optional') res.vary('Authorization');
    const header = req.get('authorization');
    if (header === undefined) {
      if (mode === 'required') throw unauthenticated();
      return next();
    }
    const match = BEARER.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <accessToken>"');
    const claims = tokens.verify(match[1]);
    if (!claims) throw unauthenticated('The access token is invalid or expired');
    signIn(res, claims);
    next();
  };
}

/**
 * Authentication and the API limit as one step: the limit counts the request before an authentication
 * failure is answered, so a flood of bad tokens is limited like anything else (per IP, as there is no
 * valid token to count it by). A 429 wins over the 401 it would otherwise have been.
 */
function authenticateAndCount(
  tokens: AccessTokens,
  def: RouteDef,
  apiLimiter: RequestHandler | undefined,
): RequestHandler {
  const auth = authenticate(tokens, def.auth, def.privateAnswer);
  if (!apiLimiter) return auth;
  return (req, res, next) => {
    let failure: unknown;
    try {
      auth(req, res, () => undefined);
    } catch (error) {
      failure = error;
    }
    return apiLimiter(req, res, (limited?: unknown) => next(limited ?? failure));
  };
}

/**
 * For answers no route gives (404 for an unknown path, 405 for a known path's unknown method): a valid
 * bearer token is read, never required, so the request is counted per user when it has one and per IP
 * otherwise, and its answer is private like any other authenticated one.
 */
function identifyAndCount(tokens: AccessTokens, apiLimiter: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const claims = bearerClaims(tokens, req.get('authorization'));
    if (claims) signIn(res, claims);
    return apiLimiter(req, res, next);
  };
}

/** What follows `?` in the request's URL ('' without one): the input Express parses `req.query` from. */
function rawQueryOf(req: Request): string {
  const url = req.originalUrl;
  const mark = url.indexOf('?');
  return mark === -1 ? '' : url.slice(mark + 1);
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

function bodyReader(def: RouteDef, options: RouterOptions): RequestHandler[] {
  switch (bodyKindOf(def)) {
    case 'json': {
      const parse = express.json({
        limit: def.bodyLimit ?? options.jsonLimitBytes,
        type: JSON_TYPES,
        strict: true,
      });
      return [
        (req, _res, next) => {
          if (hasBody(req) && !req.is(JSON_TYPES)) {
            throw unsupportedMediaType('The body must be JSON (Content-Type: application/json)');
          }
          next();
        },
        parse,
      ];
    }
    case 'raw':
      return [express.raw({ type: () => true, limit: def.bodyLimit ?? options.jsonLimitBytes })];
    default:
      return [];
  }
}

/**
 * Runs middleware in order as one Express handler, under Express's own rules: a thrown error or a rejected
 * promise goes to `next(error)`, `next('route')` leaves the route and `next('router')` the router. One layer
 * instead of one per step: Express's per-layer dispatch (and the closures it makes for each) was a
 * measurable share of every request's time and garbage (bench/, docs/benchmarks.md).
 */
export function inSequence(steps: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error === 'route') return done();
      if (error) return done(error);
      const step = steps[index++];
      if (step === undefined) return done();
      try {
        const returned: unknown = step(req, res, next);
        if (returned instanceof Promise) {
          returned.then(undefined, (rejection: unknown) => next(rejection || new Error('Rejected promise')));
        }
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}

/** A handler's context. A class: an object literal with getters is slow to make once per request. */
class RequestInput implements RouteInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly auth: AuthInfo | undefined;

  constructor(
    readonly req: Request,
    readonly res: Response,
  ) {
    this.params = res.locals.params;
    this.query = res.locals.query;
    this.body = res.locals.body;
    this.auth = res.locals.auth as AuthInfo | undefined;
  }

  get userId(): string {
    if (!this.auth) throw unauthenticated();
    return this.auth.userId;
  }

  get ifMatch(): IfMatch {
    return parseIfMatch(this.req.get('if-match'));
  }
}

/**
 * A GET (or HEAD) answered 2xx with an `ETag` that the request's `If-None-Match` matches becomes 304 Not
 * Modified without a body (RFC 9110 §13.1.2, §15.4.5): here, in one place, for every versioned GET. The
 * 304 keeps the headers the 200 would have had (ETag, Cache-Control…).
 */
function notModified(req: Request, status: number, reply: Reply): boolean {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || reply.conditional === false) return false;
  const current = reply.headers?.ETag;
  return (
    current !== undefined &&
    status >= 200 &&
    status < 300 &&
    ifNoneMatchMatches(req.get('if-none-match'), current)
  );
}

function send(req: Request, res: Response, reply: Reply, defaultStatus: number): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const status = reply.status ?? defaultStatus;
  if (notModified(req, status, reply)) {
    res.status(304).end();
    return;
  }
  // The decision is made above: Express's res.send would otherwise answer 304 on its own (req.fresh) to a
  // reply that opted out of it.
  delete req.headers['if-none-match'];
  res.status(status);
  if (reply.body === undefined) res.end();
  else res.json(reply.body);
}

/** Mounts each declared route: auth → limits → body → validation → idempotency → handler. */
export function mountRoutes(app: Express, routes: RouteDef[], options: RouterOptions): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const def of routes) {
    const kind = bodyKindOf(def);
    const chain: RequestHandler[] = [
      (_req, res, next) => {
        res.locals.routePath = def.path;
        next();
      },
      authenticateAndCount(options.tokens, def, def.apiRateLimit === false ? undefined : options.apiLimiter),
      ...(def.before ?? []),
      ...bodyReader(def, options),
      (req, res, next) => {
        res.locals.params = validatePart(def.params ?? NO_QUERY, req.params ?? {}, 'params');
        res.locals.query = validateQuery(def.query ?? NO_QUERY, rawQueryOf(req), () => req.query ?? {});
        if (kind === 'json' || kind === 'multipart') {
          res.locals.body = validatePart(def.body ?? EMPTY_BODY, req.body ?? {}, 'body');
        } else if (kind === 'raw') {
          res.locals.body = req.body;
        }
        next();
      },
      ...(def.guards ?? []),
    ];
    const idempotent = isIdempotent(def);
    const run = async (req: Request, res: Response, next: NextFunction) => {
      // Re-enter the request's logging context: stream callbacks (body parsing) can lose it.
      await requestContext.run(res.locals.requestContext as RequestContext, async () => {
        try {
          const input = new RequestInput(req, res);
          const reply = idempotent
            ? await options.idempotency.run(input, () => def.handler(input))
            : await def.handler(input);
          if (reply) send(req, res, reply, def.response.status);
        } catch (error) {
          next(error);
        }
      });
    };
    app[def.method](def.path, inSequence([...chain, run]));
    const methods = methodsByPath.get(def.path) ?? new Set<string>();
    methods.add(def.method.toUpperCase());
    if (def.method === 'get') methods.add('HEAD');
    methodsByPath.set(def.path, methods);
  }
  // A known path with an unknown method is a 405 that says what is allowed, not a 404.
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    const counted = path.startsWith('/api/') ? [identifyAndCount(options.tokens, options.apiLimiter)] : [];
    const routePath: RequestHandler = (_req, res, next) => {
      // Counted in the metrics under the path's template, not as an unmatched route.
      res.locals.routePath = path;
      next();
    };
    app.all(path, routePath, ...counted, (req, _res, next) => {
      next(
        appError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; allowed: ${allow}`, {
          headers: { Allow: allow },
        }),
      );
    });
  }
  // An unknown path under /api counts like a known one: probing for routes is not free.
  app.use('/api', identifyAndCount(options.tokens, options.apiLimiter));
}
