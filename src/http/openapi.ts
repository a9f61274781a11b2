import { STATUS_CODES } from 'node:http';
import type Joi from 'joi';
import joiToJson from 'joi-to-json';
import { ALL_ERROR_CODES, ERROR_CODES, statusOf, type ErrorCode } from './error-codes';
import { appError, problemBody } from './errors';
import { JSON_SCHEMA_META, ProblemSchema } from './schemas';
import { bodyKindOf, isIdempotent, type RouteDef } from './route';

type Json = Record<string, unknown>;

/** The keywords of a generated object schema that the parameters and the multipart body are built from. */
interface ObjectJsonSchema extends Json {
  properties?: Record<string, Json>;
  required?: string[];
}

/** A realistic `detail` for the examples of some codes; the others show what the catalogue says. */
const EXAMPLE_DETAILS: Partial<Record<ErrorCode, { detail: string; extra?: Json }>> = {
  VALIDATION_ERROR: {
    detail: '"email" must be a valid email',
    extra: { errors: [{ path: 'email', message: 'must be a valid email' }] },
  },
  INVALID_JSON: { detail: 'The body is not valid JSON' },
  UNAUTHENTICATED: { detail: 'A valid access token is required' },
  INVALID_CREDENTIALS: { detail: 'Email or password is wrong' },
  FORBIDDEN: { detail: 'You are not allowed to do this' },
  PLAN_REQUIRED: { detail: 'This template is premium: it needs a plan with premium templates' },
  NOT_FOUND: { detail: 'Resource not found' },
  METHOD_NOT_ALLOWED: { detail: 'PATCH is not allowed here; allowed: GET, HEAD' },
  EMAIL_TAKEN: { detail: 'An account with this email already exists' },
  IDEMPOTENCY_KEY_IN_USE: { detail: 'A request with this Idempotency-Key is still running' },
  VERSION_CONFLICT: {
    detail: 'If-Match does not match the current version (4)',
    extra: { currentVersion: 4 },
  },
  PAYLOAD_TOO_LARGE: { detail: 'The request body is too large (limit 1048576 bytes)' },
  UNSUPPORTED_MEDIA_TYPE: { detail: 'The body must be JSON (Content-Type: application/json)' },
  IDEMPOTENCY_KEY_REUSED: { detail: 'This Idempotency-Key was used with a different request body' },
  RATE_LIMITED: { detail: 'Too many requests; retry in 42 seconds' },
  INTERNAL: { detail: 'Something went wrong on our side' },
  SERVICE_UNAVAILABLE: { detail: 'The database is unavailable; try again shortly' },
};

/** An example problem body of a code, named by it (rendered by the docs page and Postman). */
function problemExample(code: ErrorCode): Json {
  const example = EXAMPLE_DETAILS[code];
  const error = appError(code, example?.detail ?? ERROR_CODES[code].when, { extra: example?.extra });
  return {
    summary: ERROR_CODES[code].title,
    value: problemBody(error, '3f6c1a2e-7d1b-4a51-9f0e-2c8d5b7a9e41'),
  };
}

/** Descriptions of the tags the modules use; a tag missing here is still listed, without one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Auth: 'Accounts, sign-in, the token pair (access JWT + single-use refresh token) and sessions',
  Users: "The signed-in user's profile, password and account",
  Projects: 'Coloring-book projects: versioned (`ETag`/`If-Match`), with history, duplication and PDF export',
  Sharing: 'Shared projects: invitations by email, members and their roles, the transfer of ownership',
  Stories: 'The stories of a project',
  Images: 'Page, cover and reference images (multipart uploads) with signed URLs',
  Drawings: "The user's colorings: vector strokes and an optional rendered PNG",
  Sync: 'What changed in everything the caller can see: the change feed and its stream',
  Exports: 'Durable export jobs: a PDF rendered in the background, with progress and a signed download URL',
  'Your data': "The caller's own archive (one ZIP of everything they own) and its import, as durable jobs",
  Templates: 'The template marketplace and its ratings',
  'API keys': "The user's own AI-provider keys, encrypted at rest",
  Analytics: 'Usage events and summaries',
  Billing: 'Plans and Stripe subscriptions',
  Files: 'Stored files behind short-lived signed URLs',
  Admin: 'Views across all users (admins only)',
  Operations: 'Health, readiness, metrics and this documentation',
};

/** Header values the server writes: bounded so clients (and the OWASP lint) know what to expect. */
const headerText = { type: 'string', maxLength: 1024 };

const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description:
      'IETF draft 8: the remaining quota of each limit that counted the request, e.g. `"api"; r=599; t=60`',
    schema: headerText,
  },
  'RateLimit-Policy': {
    description: 'IETF draft 8: the policy of each of those limits, e.g. `"api"; q=600; w=60; pk=:…:`',
    schema: headerText,
  },
};

/**
 * On error responses the rate-limit headers are there whenever the API limit counted the request: every
 * answer under `/api` (401s, unknown paths and 405s included), but not the operational routes outside it.
 */
const ERROR_RATE_LIMIT_NOTE =
  ' Present on every answer under `/api` (401, 404 and 405 included); not on the operational routes ' +
  '(`/health`, `/ready`, `/metrics`), which no limit counts.';

const REQUEST_ID_HEADER = {
  description: 'The request id (also in every log line)',
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' },
};

/**
 * What the operations cannot say one by one; appended to the document's description. HEAD is described
 * here once rather than as an operation per GET: it is Express's answer to every GET route, not a feature.
 */
const HTTP_NOTES =
  '\n\nEvery `GET` operation also answers `HEAD`: the same status and headers, without a body. ' +
  'A method a path does not take answers 405 `METHOD_NOT_ALLOWED` with an `Allow` header listing the ones it ' +
  "does (see each operation's 405 response). Ids are UUIDs in their dashed hexadecimal form (any version, " +
  'the nil UUID too); a well-formed id that names nothing the caller may see answers 404.';

/** Most and fewest values of a 32-bit signed integer: `format: int32` when a schema's bounds fit. */
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

/** Set by the router on authenticated answers (src/http/router.ts); a handler's own value wins. */
const CACHE_CONTROL_HEADER = {
  required: { description: 'Always `private, no-store`', schema: headerText },
  optional: {
    description: '`private, no-store` when the request carried a valid access token',
    schema: headerText,
  },
};

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** `int32` when the declared bounds fit in 32 bits, else `int64` (what a JSON number can hold exactly). */
function integerFormat(schema: Json): string {
  const fits = (bound: unknown) => typeof bound === 'number' && bound >= INT32_MIN && bound <= INT32_MAX;
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  return fits(low) && fits(high) ? 'int32' : 'int64';
}

/**
 * Moves every schema marked with `component()` into components.schemas and leaves a $ref in its place,
 * merges the JSON Schema keywords Joi cannot express (`openApiKeywords()`), and gives integers a `format`.
 */
function extractComponents(node: unknown, components: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => extractComponents(item, components));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'x-component' && key !== JSON_SCHEMA_META) out[key] = extractComponents(value, components);
  }
  Object.assign(out, (node as Json)[JSON_SCHEMA_META] ?? {});
  const types: unknown = out.type;
  if ((types === 'integer' || (Array.isArray(types) && types.includes('integer'))) && !out.format) {
    out.format = integerFormat(out);
  }
  const name = (node as Json)['x-component'];
  if (typeof name === 'string') {
    components[name] ??= out;
    return { $ref: `#/components/schemas/${name}` };
  }
  return out;
}

function toSchema(schema: Joi.Schema, components: Json): ObjectJsonSchema {
  return extractComponents(joiToJson(schema, 'open-api-3.1'), components) as ObjectJsonSchema;
}

/** Express `/api/projects/:id` → OpenAPI `/api/projects/{id}`; wildcard `/api/files/*key` → `{key}` too. */
export function openApiPath(path: string): string {
  return path.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(def: RouteDef): string {
  if (def.operationId) return def.operationId;
  const words = def.path
    .replace(/^\/api\//, '')
    .split(/[/-]/)
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? 'by ' + part.slice(1) : part));
  const camel = [def.method, ...words]
    .join(' ')
    .split(/\s+/)
    .map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  return camel.replace(/[^A-Za-z0-9]/g, '');
}

function parametersOf(def: RouteDef, components: Json): Json[] {
  const params: Json[] = [];
  const add = (where: 'path' | 'query', schema: Joi.ObjectSchema | undefined) => {
    if (!schema) return;
    const json = toSchema(schema, components);
    const required = new Set<string>(json.required ?? []);
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop;
      params.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add('path', def.params);
  add('query', def.query);
  if (def.ifMatch) {
    params.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description:
        'The version(s) this write expects, as returned in `ETag` (RFC 9110): `"3"`, or a list `"1", "3"` ' +
        'that passes when any strong tag names the current version; `*` passes for any version. A weak tag ' +
        '(`W/"3"`) never matches, nor does a malformed header. Mismatch → 412 and nothing changes.',
      schema: headerText,
    });
  }
  if (isConditionalGet(def)) {
    params.push({
      name: 'If-None-Match',
      in: 'header',
      required: false,
      description:
        'An `ETag` seen before (or a list of them, or `*`; weak comparison: `W/"3"` matches `"3"`). When it ' +
        'matches the current one the answer is 304 Not Modified without a body.',
      schema: headerText,
    });
  }
  if (isIdempotent(def)) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the POST safe to retry: a repeat with the same key (same user, method and path, within 24 h) ' +
        'answers the first response with `Idempotent-Replayed: true`.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  return params;
}

function requestBodyOf(def: RouteDef, components: Json): Json | undefined {
  const kind = bodyKindOf(def);
  if (kind === 'json' && def.body) {
    return { required: true, content: { 'application/json': { schema: toSchema(def.body, components) } } };
  }
  if (kind === 'multipart') {
    const schema: ObjectJsonSchema = def.body
      ? toSchema(def.body, components)
      : { type: 'object', properties: {} };
    const properties: Json = { ...(schema.properties ?? {}) };
    const required: string[] = [...(schema.required ?? [])];
    for (const [field, spec] of Object.entries(def.multipart?.files ?? {})) {
      properties[field] = {
        type: 'string',
        format: 'binary',
        contentMediaType: 'application/octet-stream',
        description: spec.description,
      };
      if (spec.required) required.push(field);
    }
    const content: Json = {
      'multipart/form-data': {
        schema: { ...schema, type: 'object', properties, ...(required.length ? { required } : {}) },
      },
    };
    if (def.multipart?.alsoJson && def.body) {
      content['application/json'] = { schema: toSchema(def.body, components) };
    }
    return { required: true, content };
  }
  if (kind === 'raw') {
    return { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  return undefined;
}

/** A GET that answers an `ETag` also answers 304 to a matching `If-None-Match` (src/http/router.ts). */
function isConditionalGet(def: RouteDef): boolean {
  return def.method === 'get' && def.response.headers?.ETag !== undefined;
}

/**
 * The error codes a route can answer: the ones its declaration implies, and its own `errors`. In catalogue
 * order, so they group by status.
 */
export function errorCodesOf(def: RouteDef): ErrorCode[] {
  // Every route can answer 400: one without a `query` schema still refuses any query parameter.
  const codes = new Set<ErrorCode>([
    'VALIDATION_ERROR',
    'INTERNAL',
    'SERVICE_UNAVAILABLE',
    ...(def.errors ?? []),
  ]);
  const kind = bodyKindOf(def);
  if (kind === 'json' || (kind === 'multipart' && def.multipart?.alsoJson)) codes.add('INVALID_JSON');
  if (kind !== 'none') {
    codes.add('PAYLOAD_TOO_LARGE');
    if (kind !== 'raw') codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  if (def.auth !== 'none') codes.add('UNAUTHENTICATED');
  if (def.params) codes.add('NOT_FOUND');
  if (def.ifMatch) codes.add('VERSION_CONFLICT');
  if (isIdempotent(def)) {
    codes.add('IDEMPOTENCY_KEY_IN_USE');
    codes.add('IDEMPOTENCY_KEY_REUSED');
  }
  if (def.apiRateLimit !== false || def.before?.length) codes.add('RATE_LIMITED');
  return ALL_ERROR_CODES.filter((code) => codes.has(code));
}

/** The codes of `codes` by status, statuses ascending. */
function byStatus(codes: ErrorCode[]): Map<number, ErrorCode[]> {
  const groups = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusOf(code);
    groups.set(status, [...(groups.get(status) ?? []), code]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

/** The name of the error response component for these codes of one status: `E409.EMAIL_TAKEN.CONFLICT`. */
const errorResponseName = (status: number, codes: ErrorCode[]) => ['E' + status, ...codes].join('.');

function successOf(def: RouteDef, spec: RouteDef['response'], components: Json): Json {
  const headers: Json = { 'X-Request-Id': REQUEST_ID_HEADER };
  if (def.apiRateLimit !== false) Object.assign(headers, RATE_LIMIT_HEADERS);
  const cacheControl =
    def.auth === 'required' || def.privateAnswer
      ? CACHE_CONTROL_HEADER.required
      : def.auth === 'optional'
        ? CACHE_CONTROL_HEADER.optional
        : undefined;
  if (cacheControl) headers['Cache-Control'] = cacheControl;
  if (def.auth === 'optional') {
    headers.Vary = {
      description:
        'Includes `Authorization`: the answer depends on who asks, so shared caches keep them apart',
      schema: headerText,
    };
  }
  if (spec.status === 201) {
    headers.Location = { description: 'Where the created resource lives', schema: headerText };
  }
  if (isIdempotent(def)) {
    headers['Idempotent-Replayed'] = {
      description:
        '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`',
      schema: { type: 'string', enum: ['true'] },
    };
  }
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    headers[name] = { description: header.description, schema: header.schema ?? headerText };
  }
  const response: Json = {
    description: spec.description ?? STATUS_CODES[spec.status] ?? 'Success',
    headers,
  };
  if (spec.schema) response.content = { 'application/json': { schema: toSchema(spec.schema, components) } };
  else if (spec.content) {
    response.content = Object.fromEntries(
      Object.entries(spec.content).map(([type, schema]) => [type, { schema }]),
    );
  }
  return response;
}

/** The OpenAPI 3.1 document, generated from the same declarations that validate requests. */
export function buildOpenApi(routes: RouteDef[], info: OpenApiInfo): Json {
  const components: Json = {};
  toSchema(ProblemSchema, components);
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  const errorResponses = new Map<string, { status: number; codes: ErrorCode[] }>();
  for (const def of routes) {
    if (def.hidden) continue;
    def.tags.forEach((t) => tags.add(t));
    const responses: Json = {};
    for (const spec of [def.response, ...(def.otherResponses ?? [])]) {
      responses[String(spec.status)] = successOf(def, spec, components);
    }
    if (isConditionalGet(def)) {
      responses['304'] = {
        description: 'Not Modified: `If-None-Match` names the current `ETag`; no body',
        headers: { ETag: { description: 'The current version, e.g. `"3"`', schema: headerText } },
      };
    }
    // Every documented path answers other methods with 405 (the router's catch-all).
    const groups = byStatus([...errorCodesOf(def), 'METHOD_NOT_ALLOWED']);
    for (const [status, codes] of groups) {
      const name = errorResponseName(status, codes);
      errorResponses.set(name, { status, codes });
      responses[String(status)] = { $ref: `#/components/responses/${name}` };
    }
    const operation: Json = {
      operationId: operationId(def),
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: def.tags,
      security:
        def.auth === 'required'
          ? [{ bearerAuth: [] }]
          : def.auth === 'optional'
            ? [{}, { bearerAuth: [] }]
            : [],
      parameters: parametersOf(def, components),
      responses,
    };
    const requestBody = requestBodyOf(def, components);
    if (requestBody) operation.requestBody = requestBody;
    const path = openApiPath(def.path);
    paths[path] ??= {};
    paths[path][def.method] = operation;
  }
  const responses: Json = {};
  for (const [name, { status: statusNumber, codes }] of [...errorResponses].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const status = String(statusNumber);
    const headers: Json = {
      'X-Request-Id': { ...REQUEST_ID_HEADER, description: 'The request id, also `requestId` in the body' },
    };
    headers['Cache-Control'] = {
      description:
        '`private, no-store` on routes that need a token and on any answer to a request with a valid one',
      schema: headerText,
    };
    if (status === '401') headers['WWW-Authenticate'] = { description: 'Bearer', schema: headerText };
    if (status === '429') {
      headers['Retry-After'] = {
        description: 'Seconds to wait',
        schema: { type: 'integer', format: 'int32', minimum: 0 },
      };
    }
    if (status === '503') {
      headers['Retry-After'] = {
        description: 'Seconds to wait, when a dependency (the rate-limit store) is briefly unavailable',
        schema: { type: 'integer', format: 'int32', minimum: 0 },
      };
    }
    if (status === '405') {
      headers.Allow = {
        description: 'The methods this path takes, e.g. `GET, HEAD, POST`',
        required: true,
        schema: headerText,
      };
    }
    for (const [name, header] of Object.entries(RATE_LIMIT_HEADERS)) {
      headers[name] =
        status === '429' ? header : { ...header, description: header.description + ERROR_RATE_LIMIT_NOTE };
    }
    const examples = Object.fromEntries(codes.map((code) => [code, problemExample(code)]));
    responses[name] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].when}`).join('. '),
      'x-error-codes': codes,
      headers,
      content: {
        'application/problem+json': {
          // The Problem, with `code` narrowed to the codes this answer can carry.
          schema: {
            allOf: [
              { $ref: '#/components/schemas/Problem' },
              { type: 'object', properties: { code: { type: 'string', enum: codes } } },
            ],
          },
          examples,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: info.description + HTTP_NOTES },
    // Same origin as the document; `x-internal: false`: this is the public API, not an internal one.
    servers: [{ url: '/', description: 'This server (local, staging or production)', 'x-internal': false }],
    tags: [...tags]
      .sort()
      .map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name })),
    paths,
    components: {
      schemas: components,
      responses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `accessToken` from register, login or refresh: a JWT following RFC8725 (JWT best current ' +
            'practices): HS256 pinned on verification, `iss`, `aud`, `exp` and `typ` checked on every request.',
        },
      },
    },
  };
}
