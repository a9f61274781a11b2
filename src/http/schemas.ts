import Joi from 'joi';
import { acceptPlainlyValid } from './validate';
import { ALL_ERROR_CODES, errorCodeTable } from './error-codes';

/**
 * Shared Joi pieces. `component(name, schema)` marks a schema as a named OpenAPI component: the document
 * refers to it as `#/components/schemas/<name>` wherever it appears.
 */
export function component<T extends Joi.Schema>(name: string, schema: T): T {
  return schema.meta({ 'x-component': name }) as T;
}

/**
 * A Joi meta key whose object of JSON Schema keywords is merged into the schema's OpenAPI form
 * (src/http/openapi.ts): for what Joi cannot express, such as the formats a custom rule accepts.
 */
export const JSON_SCHEMA_META = 'x-json-schema';

/**
 * Joi meta (`.meta(openApiKeywords({ maxLength: 72 }))`) adding JSON Schema keywords to the document for
 * what a Joi rule enforces but Joi cannot say, such as a byte limit or the formats a custom rule parses.
 * Documentation only: the keywords must describe what the Joi rules accept.
 */
export function openApiKeywords(keywords: Record<string, unknown>): Record<string, unknown> {
  return { [JSON_SCHEMA_META]: keywords };
}

/**
 * For a string that a custom rule parses as `YYYY-MM-DD` or an ISO 8601 date-time with an offset: `anyOf`
 * date / date-time, at most 35 characters (a date-time with nanoseconds and an offset).
 */
export const DATE_OR_DATE_TIME = openApiKeywords({
  anyOf: [{ format: 'date' }, { format: 'date-time' }],
  maxLength: 35,
});

/**
 * Any RFC 9562 UUID in its dashed hex form, any case: every version and variant, the nil UUID and the max
 * UUID too. Narrower version lists (the old `guid({ version })`) refused valid ids such as a v7 minted by a
 * client, and `format: uuid` promises every UUID. A well-formed id that names nothing is a 404, not a 400.
 * No `i` flag: the pattern is also the document's, and JSON Schema patterns have no flags.
 */
const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// maxLength as documentation only: the pattern already bounds it, and one error says more than two.
export const uuid = Joi.string()
  .pattern(UUID_PATTERN, 'uuid')
  .meta({ format: 'uuid' })
  .meta(openApiKeywords({ maxLength: 36 }))
  .messages({ 'string.pattern.name': '{{#label}} must be a valid UUID' });

/**
 * A route input's schema typed as what it validates to, `T`, for a map whose rules convert a value's kind (a
 * string parsed to a Date or a list), which `Joi.object<T, true>` — the usual way, that also checks each
 * key's kind of schema — refuses: the map must still name exactly T's keys, or tsc fails
 * (docs/ARCHITECTURE.md, "Route inputs are typed").
 */
export function inputObject<T extends object>(keys: {
  [K in keyof Required<T>]: Joi.SchemaLike;
}): Joi.ObjectSchema<T> {
  return Joi.object<T>(keys);
}

/** The params of a path with one `:id`. */
export interface IdParams {
  id: string;
}

/** A path with one `:id`: most routes. A valid id skips Joi; anything else gets Joi's answer. */
export const idParams = acceptPlainlyValid(Joi.object<IdParams, true>({ id: uuid.required() }), (value) => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id } = value as { id?: unknown };
  if (typeof id !== 'string' || !UUID_PATTERN.test(id) || Object.keys(value).length !== 1) return undefined;
  return { id };
});
export const isoDate = Joi.date().iso();
export const timestamp = Joi.string().isoDate().description('ISO 8601 UTC');

/** What `pagination` validates to (both have defaults). */
export interface PageQuery {
  page: number;
  limit: number;
}

/** `page` >= 1 and `limit` 1..100; out of range is a 400, never a clamp. */
export const pagination = {
  page: Joi.number().integer().min(1).max(1_000_000).default(1),
  limit: Joi.number().integer().min(1).max(100).default(20),
};

/** The query of a list route that takes nothing but `page` and `limit`. */
export const pageQuery = Joi.object<PageQuery, true>(pagination);

export const Pagination = component(
  'Pagination',
  Joi.object({
    page: Joi.number().integer().required(),
    limit: Joi.number().integer().required(),
    total: Joi.number().integer().required(),
    totalPages: Joi.number().integer().required(),
  }),
);

/** `{ data: [...], pagination }` around an item schema. */
export function listOf(item: Joi.Schema): Joi.ObjectSchema {
  return Joi.object({ data: Joi.array().items(item).required(), pagination: Pagination.required() });
}

export interface Page<T> {
  data: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number };
}

export function page<T>(data: T[], total: number, pageNumber: number, limit: number): Page<T> {
  return { data, pagination: { page: pageNumber, limit, total, totalPages: Math.ceil(total / limit) } };
}

/** Bytes of a JSON value once serialised as UTF-8 (limits on free JSON count these). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/**
 * Most levels of nesting a free-JSON field may have (`{}` is one level). Far more than a client needs; far
 * less than where serialising the value would overflow the call stack (a few thousand levels) or PostgreSQL's
 * jsonb parser would refuse it.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON value nests deeper than `max` levels; walked without recursion, scalars never pushed. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = (depths.pop() as number) + 1;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) {
        values.push(child);
        depths.push(depth);
      }
    }
  }
  return false;
}

/**
 * The check of a free-JSON field: at most MAX_JSON_DEPTH levels deep (tested first: serialising a deeper
 * value could overflow the stack), then at most `maxBytes` of serialised UTF-8.
 */
export function freeJsonCheck(maxBytes: number): Joi.CustomValidator {
  return (value, helpers) => {
    if (nestsDeeperThan(value, MAX_JSON_DEPTH))
      return helpers.error('any.jsonDepth', { maxDepth: MAX_JSON_DEPTH });
    if (jsonBytes(value) > maxBytes) return helpers.error('any.jsonBytes', { maxBytes });
    return value;
  };
}

export const FREE_JSON_MESSAGES = {
  'any.jsonBytes': '{{#label}} must be at most {{#maxBytes}} bytes of JSON',
  'any.jsonDepth': '{{#label}} must be nested at most {{#maxDepth}} levels deep',
};

/** A free-JSON object field limited to `maxBytes` of serialised UTF-8 and MAX_JSON_DEPTH levels. */
export function jsonObject(maxBytes: number): Joi.ObjectSchema {
  return Joi.object().unknown(true).custom(freeJsonCheck(maxBytes)).messages(FREE_JSON_MESSAGES);
}

export const ProblemSchema = component(
  'Problem',
  Joi.object({
    type: Joi.string().required(),
    title: Joi.string().required(),
    status: Joi.number().integer().required(),
    code: component(
      'ErrorCode',
      Joi.string()
        .valid(...ALL_ERROR_CODES)
        .description(
          'What went wrong, stable for clients to act on. Each code comes with one status (ADR 0017):\n\n' +
            errorCodeTable(),
        ),
    ).required(),
    detail: Joi.string(),
    errors: Joi.array().items(
      Joi.object({ path: Joi.string().required(), message: Joi.string().required() }),
    ),
    requestId: Joi.string(),
  }).unknown(true),
);
