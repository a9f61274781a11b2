import { STATUS_CODES } from 'node:http';
import type Joi from 'joi';
import joiToJson from 'joi-to-json';
import { JSON_SCHEMA_META, ProblemSchema } from './schemas';
import { bodyKindOf, isIdempotent, type RouteDef } from './route';

type Json = Record<string, unknown>;

/** The keywords of a generated object schema that the parameters and the multipart body are built from. */
interface ObjectJsonSchema extends Json {
  properties?: Record<string, Json>;
  required?: string[];
}

/** What each error status means across the API; routes list which ones they can answer. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `VALIDATION_ERROR` (each field in `errors`), `INVALID_JSON`, or another 400 code',
  401: '`UNAUTHENTICATED` (missing, malformed, expired or revoked token) or `INVALID_CREDENTIALS`',
  403: 'Authenticated but not allowed (`FORBIDDEN`, `PLAN_REQUIRED`, `STORAGE_QUOTA_EXCEEDED`, `INVALID_PASSWORD`, …)',
  404: '`NOT_FOUND`: no such resource for this caller',
  405:
    '`METHOD_NOT_ALLOWED`: the path exists, but not with the method asked (one not listed for the path). ' +
    '`Allow` lists the methods it takes, `HEAD` wherever there is a `GET`.',
  409: 'Conflict (`EMAIL_TAKEN`, `IDEMPOTENCY_KEY_IN_USE`, …)',
  412: '`VERSION_CONFLICT`: `If-Match` does not name the current version',
  413: '`PAYLOAD_TOO_LARGE`: body or file over its limit',
  415: '`UNSUPPORTED_MEDIA_TYPE`: wrong Content-Type, or file bytes of a type that is not accepted',
  422: '`IDEMPOTENCY_KEY_REUSED`: the key was used with a different body',
  429: '`RATE_LIMITED`: see `Retry-After`, `RateLimit` and `RateLimit-Policy`',
  500: '`INTERNAL`: an unexpected error (logged with the request id)',
  503: '`SERVICE_UNAVAILABLE` (database unreachable) or `BILLING_DISABLED`',
};

/** An example problem body per status, named by its `code` (rendered by the docs page and Postman). */
const problemExample = (status: number, code: string, detail: string, extra: Json = {}): Json => ({
  summary: code,
  value: {
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    code,
    detail,
    ...extra,
    requestId: '3f6c1a2e-7d1b-4a51-9f0e-2c8d5b7a9e41',
  },
});

const ERROR_EXAMPLES: Record<number, Json[]> = {
  400: [
    problemExample(400, 'VALIDATION_ERROR', '"email" must be a valid email', {
      errors: [{ path: 'email', message: 'must be a valid email' }],
    }),
    problemExample(400, 'INVALID_JSON', 'The body is not valid JSON'),
  ],
  401: [
    problemExample(401, 'UNAUTHENTICATED', 'A valid access token is required'),
    problemExample(401, 'INVALID_CREDENTIALS', 'Email or password is wrong'),
  ],
  403: [
    problemExample(403, 'FORBIDDEN', 'You are not allowed to do this'),
    problemExample(403, 'PLAN_REQUIRED', 'This template needs the pro plan'),
  ],
  404: [problemExample(404, 'NOT_FOUND', 'Resource not found')],
  405: [problemExample(405, 'METHOD_NOT_ALLOWED', 'PATCH is not allowed here; allowed: GET, HEAD')],
  409: [
    problemExample(409, 'EMAIL_TAKEN', 'An account with this email already exists'),
    problemExample(409, 'IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running'),
  ],
  412: [
    problemExample(412, 'VERSION_CONFLICT', 'If-Match does not match the current version (4)', {
      currentVersion: 4,
    }),
  ],
  413: [problemExample(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large (limit 1048576 bytes)')],
  415: [
    problemExample(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be JSON (Content-Type: application/json)'),
  ],
  422: [
    problemExample(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with a different request body',
    ),
  ],
  429: [problemExample(429, 'RATE_LIMITED', 'Too many requests; retry in 42 seconds')],
  500: [problemExample(500, 'INTERNAL', 'Something went wrong on our side')],
  503: [problemExample(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly')],
};

/** Descriptions of the tags the modules use; a tag missing here is still listed, without one. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Auth: 'Accounts, sign-in, the token pair (access JWT + single-use refresh token) and sessions',
  Users: "The signed-in user's profile, password and account",
  Projects: 'Coloring-book projects: versioned (`ETag`/`If-Match`), with history, duplication and PDF export',
  Stories: 'The stories of a project',
  Images: 'Page, cover and reference images (multipart uploads) with signed URLs',
  Drawings: "The user's colorings: vector strokes and an optional rendered PNG",
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

function errorStatuses(def: RouteDef): number[] {
  // Every route can answer 400: one without a `query` schema still refuses any query parameter.
  const statuses = new Set<number>([...(def.errors ?? []), 400]);
  if (bodyKindOf(def) === 'json') {
    statuses.add(413);
    statuses.add(415);
  }
  if (def.auth !== 'none') statuses.add(401);
  if (def.params) statuses.add(404);
  if (def.ifMatch) statuses.add(412);
  if (isIdempotent(def)) {
    statuses.add(409);
    statuses.add(422);
  }
  if (def.apiRateLimit !== false || def.before?.length) statuses.add(429);
  statuses.add(500);
  statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

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
    for (const status of errorStatuses(def))
      responses[String(status)] = { $ref: `#/components/responses/E${status}` };
    // Every documented path answers other methods with 405 (the router's catch-all).
    responses['405'] = { $ref: '#/components/responses/E405' };
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
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
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
    const examples = Object.fromEntries(
      (ERROR_EXAMPLES[Number(status)] ?? []).map((example) => [example.summary, example]),
    );
    responses[`E${status}`] = {
      description,
      headers,
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, examples },
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
