import type { Request, RequestHandler, Response } from 'express';
import type Joi from 'joi';
import type { ErrorCode } from './error-codes';

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

/**
 * What a handler gets as `params` or `query` when its route declares no schema for them: an object without
 * fields (the router validates them against an empty object), so reading one (`params.id` on a route
 * without `params`) fails tsc.
 */
export type NoInput = Record<never, never>;

/** What tsc says about a schema typed `any` (a bare `Joi.object({...})`) given to `defineRoute`. */
export type UntypedSchema =
  'a route input schema must say what it validates to: Joi.object<Input, true>({...}) (docs/ARCHITECTURE.md, "Route inputs are typed")';

/** `{ [part]?: UntypedSchema }` when `T` is `any` (nothing satisfies it), else no constraint. */
type TypedPart<T, Part extends string> = 0 extends 1 & T ? { [K in Part]?: UntypedSchema } : unknown;

/**
 * Refuses a route whose `params`, `query` or `body` schema is typed `any`: its handler would read fields
 * nobody declared. Joi types a bare `Joi.object({...})` as `ObjectSchema<any>`.
 */
export type TypedSchemas<P, Q, B> = TypedPart<P, 'params'> & TypedPart<Q, 'query'> & TypedPart<B, 'body'>;

/**
 * What a route's handler gets: the validated params, query and body, the caller, If-Match. Not `ctx`: that
 * name is the AppContext (config, db, store…) that route factories and services take. The bare
 * `RouteInput` (unknown parts) is the type code that handles every route alike takes (router, idempotency).
 */
export interface RouteInput<P = unknown, Q = unknown, B = unknown> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  auth: AuthInfo | undefined;
  /** The caller's id. Throws 401 on a route where auth is not required and no token came. */
  readonly userId: string;
  /**
   * The versions `If-Match` accepts (see `parseIfMatch`): undefined when the header is absent or `*`;
   * otherwise the versions of its strong tags, possibly none (then nothing matches: 412).
   */
  readonly ifMatch: IfMatch;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * false: a GET whose body holds more than its `ETag` covers (a project with embedded children) is never
   * answered 304. Default: a GET with an `ETag` answers 304 to a matching `If-None-Match` (router.ts).
   */
  conditional?: boolean;
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

/**
 * A route. `P`, `Q` and `B` are what its `params`, `query` and `body` schemas validate to, inferred by
 * `defineRoute` from the schemas' types (`Joi.ObjectSchema<T>`). The bare `RouteDef` (unknown parts) is the
 * type of "any route" for the code that mounts and documents them all.
 */
export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path, e.g. `/api/projects/:id`; the OpenAPI path is derived from it. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  operationId?: string;
  auth: AuthMode;
  params?: Joi.ObjectSchema<P>;
  query?: Joi.ObjectSchema<Q>;
  body?: Joi.Schema<B>;
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
  /**
   * Error codes (error-codes.ts) the route can answer besides the ones derived from its declaration (see
   * `errorCodesOf` in openapi.ts), e.g. `['FORBIDDEN', 'PLAN_REQUIRED']`.
   */
  errors?: ErrorCode[];
  /**
   * Returns the reply, or nothing when it has written the response itself (a stream). Thrown AppErrors
   * become problem+json. A method, so that a route of any input types is a `RouteDef` (parameters of
   * methods are compared both ways).
   */
  handler(input: RouteInput<P, Q, B>): Promise<Reply | void>;
}

/**
 * Declares a route; the identity function is there for the types: the handler's `params`, `query` and `body`
 * are what the route's schemas validate to, inferred from their types (`Joi.ObjectSchema<T>`), so a handler
 * reading a field its schema does not declare fails tsc, and so does a schema typed `any`
 * (tests/http/route-types.test.ts). Without a schema: `params` and `query` are `{}` (`NoInput`); `body` is
 * `unknown` (nothing, or the raw Buffer of a `bodyKind: 'raw'` route).
 */
export function defineRoute<P = NoInput, Q = NoInput, B = unknown>(
  def: RouteDef<P, Q, B> & TypedSchemas<P, Q, B>,
): RouteDef<P, Q, B> {
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

/** What a write accepts from `If-Match`: any version (undefined), or one of these (none: nothing matches). */
export type IfMatch = readonly number[] | undefined;

/** The largest version a row can have (int4). */
const MAX_VERSION = 2_147_483_647;

/** One entity tag of a list, then a comma or the end (RFC 9110 §8.8.3: `W/"…"` or `"…"`). */
const ENTITY_TAG = /\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/y;

/**
 * The entity tags of an `If-Match`/`If-None-Match` list, or null when the header is not such a list
 * (malformed). Empty elements (`"1", , "2"`) are allowed, as RFC 9110 §5.6.1 says recipients accept.
 */
function entityTags(value: string): Array<{ weak: boolean; tag: string }> | null {
  const tags: Array<{ weak: boolean; tag: string }> = [];
  let rest = value;
  while ((rest = rest.replace(/^[\s,]+/, '')) !== '') {
    ENTITY_TAG.lastIndex = 0;
    const match = ENTITY_TAG.exec(rest);
    if (!match) return null;
    tags.push({ weak: match[1] !== undefined, tag: match[2] });
    rest = rest.slice(ENTITY_TAG.lastIndex);
  }
  return tags;
}

/** The version a tag's value names (`3` of `"3"`), or null when it names none. */
function versionOf(tag: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(tag)) return null;
  const version = Number(tag);
  return version <= MAX_VERSION ? version : null;
}

/**
 * Parses `If-Match` (RFC 9110 §13.1.1). Absent or `*` → undefined: any current version passes (`*` asks
 * only that the resource exists, and a write to a missing one is a 404 anyway). Otherwise the versions named
 * by the list's STRONG tags (`"1", "3"` → [1, 3]): a weak tag (`W/"3"`) never matches under the strong
 * comparison If-Match uses, nor does a tag that names no version; a malformed header matches nothing. An
 * empty result therefore answers 412, never "no condition".
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const versions: number[] = [];
  for (const { weak, tag } of entityTags(value) ?? []) {
    const version = weak ? null : versionOf(tag);
    if (version !== null) versions.push(version);
  }
  return versions;
}

/**
 * Whether `If-None-Match` (RFC 9110 §13.1.2) matches the current `ETag` value: `*`, or a list with a tag
 * equal to it under the WEAK comparison this header uses (`W/"3"` matches `"3"`). Absent or malformed: no.
 */
export function ifNoneMatchMatches(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  if (value === '*') return true;
  const current = /^(?:W\/)?"(.*)"$/.exec(currentEtag)?.[1];
  if (current === undefined) return false;
  return (entityTags(value) ?? []).some(({ tag }) => tag === current);
}
