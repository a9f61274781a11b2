import { STATUS_CODES } from 'node:http';
import type Joi from 'joi';
import joiToJson from 'joi-to-json';
import { ProblemSchema } from './schemas';
import { bodyKindOf, isIdempotent, type RouteDef } from './route';

type Json = Record<string, any>;

/** What each error status means across the API; routes list which ones they can answer. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `VALIDATION_ERROR` (each field in `errors`), `INVALID_JSON`, or another 400 code',
  401: '`UNAUTHENTICATED` (missing, malformed, expired or revoked token) or `INVALID_CREDENTIALS`',
  403: 'Authenticated but not allowed (`FORBIDDEN`, `PLAN_REQUIRED`, `STORAGE_QUOTA_EXCEEDED`, `INVALID_PASSWORD`, …)',
  404: '`NOT_FOUND`: no such resource for this caller',
  405: '`METHOD_NOT_ALLOWED`: the path exists but not with this method (see `Allow`)',
  409: 'Conflict (`EMAIL_TAKEN`, `IDEMPOTENCY_KEY_IN_USE`, …)',
  412: '`VERSION_CONFLICT`: `If-Match` does not name the current version',
  413: '`PAYLOAD_TOO_LARGE`: body or file over its limit',
  415: '`UNSUPPORTED_MEDIA_TYPE`: wrong Content-Type, or file bytes of a type that is not accepted',
  422: '`IDEMPOTENCY_KEY_REUSED`: the key was used with a different body',
  429: '`RATE_LIMITED`: see `Retry-After`, `RateLimit` and `RateLimit-Policy`',
  500: '`INTERNAL`: an unexpected error (logged with the request id)',
  503: '`SERVICE_UNAVAILABLE` (database unreachable) or `BILLING_DISABLED`',
};

const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description: 'IETF draft 8: remaining quota, e.g. `"api";r=599;t=60`',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'IETF draft 8: the policy, e.g. `"api";q=600;w=60`',
    schema: { type: 'string' },
  },
};

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** Moves every schema marked with `component()` into components.schemas and leaves a $ref in its place. */
function extractComponents(node: any, components: Json): any {
  if (Array.isArray(node)) return node.map((item) => extractComponents(item, components));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'x-component') out[key] = extractComponents(value, components);
  }
  const name = node['x-component'];
  if (typeof name === 'string') {
    components[name] ??= out;
    return { $ref: `#/components/schemas/${name}` };
  }
  return out;
}

function toSchema(schema: Joi.Schema, components: Json): Json {
  return extractComponents(joiToJson(schema, 'open-api-3.1'), components);
}

/** Express `/api/projects/:id` → OpenAPI `/api/projects/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
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
    for (const [name, prop] of Object.entries<Json>(json.properties ?? {})) {
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
      description: 'The version this write expects, as returned in `ETag` (e.g. `"3"`). Mismatch → 412.',
      schema: { type: 'string' },
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
    const schema: Json = def.body ? toSchema(def.body, components) : { type: 'object', properties: {} };
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
    return {
      required: true,
      content: {
        'multipart/form-data': {
          schema: { ...schema, type: 'object', properties, ...(required.length ? { required } : {}) },
        },
      },
    };
  }
  if (kind === 'raw') {
    return { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
  }
  return undefined;
}

function errorStatuses(def: RouteDef): number[] {
  const statuses = new Set<number>(def.errors ?? []);
  if (def.params || def.query || def.body || bodyKindOf(def) !== 'none') statuses.add(400);
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

function successOf(def: RouteDef, components: Json): Json {
  const spec = def.response;
  const headers: Json = {
    'X-Request-Id': { description: 'The request id (also in every log line)', schema: { type: 'string' } },
  };
  if (def.apiRateLimit !== false) Object.assign(headers, RATE_LIMIT_HEADERS);
  if (spec.status === 201) {
    headers.Location = { description: 'Where the created resource lives', schema: { type: 'string' } };
  }
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    headers[name] = { description: header.description, schema: header.schema ?? { type: 'string' } };
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
  const paths: Json = {};
  const tags = new Set<string>();
  for (const def of routes) {
    if (def.hidden) continue;
    def.tags.forEach((t) => tags.add(t));
    const responses: Json = { [String(def.response.status)]: successOf(def, components) };
    for (const status of errorStatuses(def))
      responses[String(status)] = { $ref: `#/components/responses/E${status}` };
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
    const headers: Json = {};
    if (status === '401') headers['WWW-Authenticate'] = { description: 'Bearer', schema: { type: 'string' } };
    if (status === '429') {
      headers['Retry-After'] = { description: 'Seconds to wait', schema: { type: 'integer' } };
      Object.assign(headers, RATE_LIMIT_HEADERS);
    }
    if (status === '405')
      headers.Allow = { description: 'The methods this path takes', schema: { type: 'string' } };
    responses[`E${status}`] = {
      description,
      ...(Object.keys(headers).length ? { headers } : {}),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      responses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `accessToken` from register, login or refresh.',
        },
      },
    },
  };
}
