import type { Request, RequestHandler, Response } from 'express';
import type Joi from 'joi';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `required`: a valid access token or 401. `optional`: read it when present (public routes that show more to owners). */
export type AuthMode = 'required' | 'optional' | 'none';

/**
 * How the request body is read. `json`: express.json with the route's limit. `multipart`: the route's own
 * `before` middleware (multer) fills `req.body` and the files. `raw`: a Buffer (the Stripe webhook).
 * `none`: the body is not read.
 */
export type BodyKind = 'json' | 'multipart' | 'raw' | 'none';

export interface AuthInfo {
  userId: string;
  sessionId: string;
}

export interface Ctx<P = any, Q = any, B = any> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  auth: AuthInfo | undefined;
  /** The caller's id. Throws 401 on a route where auth is not required and no token came. */
  readonly userId: string;
  /**
   * The version named by `If-Match`: undefined when the header is absent or `*`; NaN when it names no
   * version (so it never matches).
   */
  readonly ifMatch: number | undefined;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HeaderSpec {
  description: string;
  schema?: Record<string, unknown>;
}

export interface ResponseSpec {
  status: number;
  description?: string;
  /** Joi schema of a JSON body (documentation, and the shape tests check responses against). */
  schema?: Joi.Schema;
  /** Other media types, e.g. `{ 'application/pdf': { type: 'string', format: 'binary' } }`. */
  content?: Record<string, Record<string, unknown>>;
  headers?: Record<string, HeaderSpec>;
}

export interface MultipartSpec {
  /** The file fields the form takes, e.g. `{ file: { required: true, description: 'PNG, JPEG or WebP' } }`. */
  files: Record<string, { required: boolean; description: string }>;
  /** The route also takes the same fields as a JSON body (drawings: JSON, or multipart with a PNG). */
  alsoJson?: boolean;
}

export interface RouteDef<P = any, Q = any, B = any> {
  method: Method;
  /** Express path, e.g. `/api/projects/:id`; the OpenAPI path is derived from it. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  operationId?: string;
  auth: AuthMode;
  params?: Joi.ObjectSchema;
  query?: Joi.ObjectSchema;
  body?: Joi.Schema;
  bodyKind?: BodyKind;
  /** JSON body limit in bytes for this route (default: the server's JSON_BODY_LIMIT). */
  bodyLimit?: number;
  multipart?: MultipartSpec;
  /** Middleware run after authentication and before the body is read (rate limiters, multer). */
  before?: RequestHandler[];
  /** Middleware run after validation, before the handler (limits keyed on the validated body). */
  guards?: RequestHandler[];
  /** Whether the route reads `If-Match` (documented as a header parameter). */
  ifMatch?: boolean;
  /** `Idempotency-Key` support; default: true for authenticated POSTs outside /api/auth. */
  idempotent?: boolean;
  /** Subject to the per-user (or per-IP when anonymous) API rate limit; default true. */
  apiRateLimit?: boolean;
  /**
   * The answer holds credentials though the route takes no token (register, login and refresh answer a token
   * pair): `Cache-Control: private, no-store` like every authenticated answer (RFC 6749 §5.1).
   */
  privateAnswer?: boolean;
  /** Hidden from the OpenAPI document (the docs page's own assets). */
  hidden?: boolean;
  response: ResponseSpec;
  /** Other success answers, e.g. a PUT that answers 201 when it creates and 200 when it replaces. */
  otherResponses?: ResponseSpec[];
  /** Error statuses the route can answer besides the ones derived from its declaration. */
  errors?: number[];
  /**
   * Returns the reply, or nothing when it has written the response itself (a stream). Thrown AppErrors
   * become problem+json.
   */
  handler: (ctx: Ctx<P, Q, B>) => Promise<Reply | void>;
}

/** Declares a route; the identity function is there for the types. */
export function defineRoute<P = any, Q = any, B = any>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

export function isIdempotent(def: RouteDef): boolean {
  if (def.idempotent !== undefined) return def.idempotent;
  return def.method === 'post' && def.auth === 'required' && !def.path.startsWith('/api/auth/');
}

export function bodyKindOf(def: RouteDef): BodyKind {
  return def.bodyKind ?? (def.body ? 'json' : 'none');
}

/** `ETag` value for a version. */
export const etag = (version: number): string => `"${version}"`;

/** Parses If-Match: `"3"`, `W/"3"` or `3` → 3; `*` or absent → undefined; anything else → NaN. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,10})"?$/.exec(value);
  return match ? Number(match[1]) : Number.NaN;
}
