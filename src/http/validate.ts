import type Joi from 'joi';
import { validationError, type FieldError } from './errors';

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  convert: true,
  // Unknown keys are errors everywhere: a typo or a field the client may not set never passes silently.
  allowUnknown: false,
  stripUnknown: false,
  errors: { wrap: { label: '"' } },
};

function toFieldErrors(error: Joi.ValidationError, prefix?: string): FieldError[] {
  return error.details.map((d) => {
    const path = d.path.map(String).join('.');
    return {
      path: prefix && !path ? prefix : path,
      // The detail reads '"email" must be a valid email'; the field entry drops the label.
      message: d.message.replace(/^"[^"]*" /, ''),
    };
  });
}

const isEmptyObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * Whether a schema turns `{}` into `{}` (valid, nothing added). Most requests carry no query or path
 * parameters: for those schemas an empty part needs no validation run after the first.
 */
const acceptsEmpty = new WeakMap<Joi.Schema, boolean>();

/**
 * Each schema with OPTIONS built in, made once: Joi merges options passed to validate() on every call, while
 * a schema's own preferences are merged once and cached.
 */
const withOptions = new WeakMap<Joi.Schema, Joi.Schema>();

/** Shortcuts declared with `acceptPlainlyValid`. */
const plainlyValid = new WeakMap<Joi.Schema, (value: unknown) => unknown>();

/**
 * Declares a shortcut for `schema`: `check` returns the value Joi would return for input it recognises as
 * plainly valid, and undefined for anything else, which Joi then validates (and words the error for) as
 * usual. Only for the hottest tiny schemas, such as a path's `:id`, where Joi's own run was a visible share
 * of a small request (docs/benchmarks.md); tests/http/fast-paths.test.ts holds each to Joi's answers.
 */
export function acceptPlainlyValid<S extends Joi.Schema>(schema: S, check: (value: unknown) => unknown): S {
  plainlyValid.set(schema, check);
  return schema;
}

/** Validates one part of a request; a failure is a 400 VALIDATION_ERROR listing every field. */
export function validatePart<T>(schema: Joi.Schema, value: unknown, part: 'params' | 'query' | 'body'): T {
  if (part === 'body') refuseReservedKeys(value);
  const shortcut = plainlyValid.get(schema)?.(value);
  if (shortcut !== undefined) return shortcut as T;
  let prepared = withOptions.get(schema);
  if (prepared === undefined) {
    prepared = schema.prefs(OPTIONS);
    withOptions.set(schema, prepared);
  }
  if (isEmptyObject(value)) {
    let accepts = acceptsEmpty.get(schema);
    if (accepts === undefined) {
      const probe = prepared.validate({});
      accepts = probe.error === undefined && isEmptyObject(probe.value);
      acceptsEmpty.set(schema, accepts);
    }
    if (accepts) return {} as T;
  }
  const result = prepared.validate(value);
  if (result.error) {
    const errors = toFieldErrors(result.error, part);
    const detail = result.error.details.map((d) => d.message).join('; ');
    throw validationError(part === 'body' ? detail : `${part}: ${detail}`, errors);
  }
  const nul = pathHoldingNul(result.value);
  if (nul !== undefined) {
    const path = nul || part;
    throw validationError(
      `${part === 'body' ? '' : `${part}: `}"${path}" must not contain the character U+0000`,
      [{ path, message: 'must not contain the character U+0000' }],
    );
  }
  return result.value as T;
}

/**
 * Keys that name JavaScript's object machinery. `JSON.parse` makes `{"__proto__": …}` an own key, harmless
 * until some code copies it by assignment (`out[key] = value`) and sets an object's prototype instead, and
 * Joi lets the key through silently even where unknown keys are refused. No field of the API has such a
 * name, so a body holding one anywhere is refused.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A 400 VALIDATION_ERROR naming the first reserved key of a body (`metadata.__proto__`, `items.0.constructor`).
 * Checked on the body as parsed, before Joi copies it: JSON bodies and multipart fields (their JSON-valued
 * fields parsed, `metadata` say) all pass here, so this is the one place that refuses them.
 */
function refuseReservedKeys(body: unknown): void {
  const path = pathOfReservedKey(body);
  if (path === undefined) return;
  const message = 'is a reserved key (__proto__, constructor and prototype are refused anywhere in a body)';
  throw validationError(`"${path}" ${message}`, [{ path, message }]);
}

/** The path of the first key in RESERVED_KEYS, at any depth and in arrays too, or undefined. */
export function pathOfReservedKey(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push([current[i], path ? `${path}.${i}` : String(i)]);
      continue;
    }
    // Own keys only, as JSON.parse and multer make them (a multipart body has no prototype at all).
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const at = path ? `${path}.${keys[i]}` : keys[i];
      if (RESERVED_KEYS.has(keys[i])) return at;
      stack.push([(current as Record<string, unknown>)[keys[i]], at]);
    }
  }
  return undefined;
}

/**
 * The path (`a.0.b`; '' for the value itself) of the first string or key holding U+0000, or undefined.
 * PostgreSQL stores that character in neither text nor jsonb, so it is refused here with the field named,
 * not by the database halfway through a request. Walked with a stack of its own: a free-form object may be
 * nested deeper than the call stack allows.
 */
export function pathHoldingNul(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) return path;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push([current[i], path ? `${path}.${i}` : String(i)]);
    } else if (typeof current === 'object' && current !== null && !(current instanceof Date)) {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const at = path ? `${path}.${key}` : key;
        if (key.includes('\0')) return at;
        stack.push([(current as Record<string, unknown>)[key], at]);
      }
    }
  }
  return undefined;
}

/**
 * Validated query parts by their raw query string, per schema. A list endpoint is asked the same few query
 * strings again and again (`?limit=20`, `?page=2&limit=20`), and parsing and validating them was ~3% of a
 * list's server CPU, with its garbage (docs/benchmarks.md). Only an answer made of plain values (strings,
 * numbers, booleans, arrays of them) is kept, frozen, so no request can change what a later one is given;
 * a Date, say, is validated anew each time. A failure is never kept: Joi words it again. Bounded per
 * schema (the oldest entry goes first); a long query string is never kept.
 */
const rememberedQueries = new WeakMap<Joi.Schema, Map<string, object>>();
export const REMEMBERED_QUERIES_PER_SCHEMA = 500;
const REMEMBERED_QUERY_CHARS = 256;

const isPrimitive = (value: unknown): boolean =>
  value === null || (typeof value !== 'object' && typeof value !== 'function');

/** A plain object of primitives and arrays of primitives, frozen (arrays included); undefined otherwise. */
function frozenPlain(value: unknown): object | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  // Express's query parser (node:querystring) makes objects without a prototype, and Joi keeps that.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  for (const member of Object.values(value)) {
    if (Array.isArray(member)) {
      if (!member.every(isPrimitive)) return undefined;
    } else if (!isPrimitive(member)) {
      return undefined;
    }
  }
  for (const member of Object.values(value)) if (Array.isArray(member)) Object.freeze(member);
  return Object.freeze(value);
}

/**
 * Validates a request's query part, given its raw query string (what follows `?`) and how to parse it. The
 * same answer as `validatePart(schema, parse(), 'query')`, frozen when it is kept for the next request with
 * the same query string (tests/http/fast-paths.test.ts holds the two to each other).
 */
export function validateQuery<T>(schema: Joi.Schema, rawQuery: string, parse: () => unknown): T {
  if (rawQuery.length > REMEMBERED_QUERY_CHARS) return validatePart<T>(schema, parse(), 'query');
  let remembered = rememberedQueries.get(schema);
  const known = remembered?.get(rawQuery);
  if (known !== undefined) return known as T;
  const value = validatePart<T>(schema, parse(), 'query');
  const kept = frozenPlain(value);
  if (kept === undefined) return value;
  if (remembered === undefined) {
    remembered = new Map();
    rememberedQueries.set(schema, remembered);
  }
  if (remembered.size >= REMEMBERED_QUERIES_PER_SCHEMA) {
    remembered.delete(remembered.keys().next().value as string);
  }
  remembered.set(rawQuery, kept);
  return kept as T;
}
