import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { App } from '../../src/app';
import { openApiPath } from '../../src/http/openapi';
import type { RouteDef } from '../../src/http/route';

/**
 * Checks every response the API sends against the OpenAPI document it publishes, so the document cannot lie
 * about status codes or shapes:
 * - the operation is found by method and route template (`res.locals.routePath`, set by the router);
 * - its status must be declared for that operation;
 * - the Content-Type must be one the response declares (none for a body-less response such as 204);
 * - a JSON body (`application/json`, `application/problem+json`) must match the declared schema.
 * A response that no declared route produced (unknown path → 404, wrong method → 405) must be a problem+json
 * error. Hidden routes (the docs page's assets) and CORS preflights are not checked.
 */

/** The parts of an OpenAPI document the validator reads. */
interface ResponseObject {
  $ref?: string;
  content?: Record<string, { schema?: unknown }>;
}
interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, ResponseObject> } | undefined>>;
  [key: string]: unknown;
}

export interface ResponseMismatch {
  method: string;
  url: string;
  route: string | undefined;
  status: number;
  problems: string[];
}

export interface ObservedResponse {
  method: string;
  url: string;
  /** The Express route template that answered (`res.locals.routePath`), if any. */
  route: string | undefined;
  status: number;
  contentType: string | undefined;
  /** The body's size in bytes. */
  length: number;
  /** The body itself when it is JSON (other bodies are not kept). */
  body: Buffer;
}

const DOC_ID = 'https://colorbook.test/openapi.json';
const MAX_CAPTURE_BYTES = 8 * 1024 * 1024;

const isJsonType = (type: string) => type === 'application/json' || /^application\/[^;]+\+json$/.test(type);

/** `#/a/b` pointer tokens of a path inside the document, escaped for a `$ref` fragment. */
const pointer = (...tokens: string[]) =>
  '#/' + tokens.map((t) => encodeURIComponent(t.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

function mediaTypeMatches(declared: string, actual: string): boolean {
  if (declared === actual || declared === '*/*') return true;
  const [type, subtype] = declared.split('/');
  return subtype === '*' && actual.startsWith(`${type}/`);
}

export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  /** Paths of hidden routes (the docs page's assets): not in the document, not checked. */
  private readonly hiddenPaths: Set<string>;
  private readonly found: ResponseMismatch[] = [];

  constructor(
    private readonly document: OpenApiDocument,
    routes: RouteDef[],
  ) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...structuredClone(document), $id: DOC_ID });
    this.hiddenPaths = new Set(routes.filter((r) => r.hidden).map((r) => r.path));
  }

  /** Mismatches seen since the last call, and forgets them. */
  take(): ResponseMismatch[] {
    return this.found.splice(0, this.found.length);
  }

  /** Checks one response; records and returns its problems (empty when it matches the document). */
  check(observed: ObservedResponse): string[] {
    let problems: string[];
    try {
      problems = this.problemsOf(observed);
    } catch (error) {
      problems = [`the validator failed: ${(error as Error).message}`];
    }
    if (problems.length > 0) {
      const { method, url, route, status } = observed;
      this.found.push({ method, url, route, status, problems });
    }
    return problems;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: DOC_ID + ref });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  private problemsOf({ method, route, status, contentType, length, body }: ObservedResponse): string[] {
    const verb = method.toLowerCase();
    if (verb === 'options') return [];
    const type = contentType?.split(';')[0].trim().toLowerCase();
    if (route === undefined) {
      if (status < 400) return [`${status} answered by no documented route`];
      return this.checkBody(
        pointer('components', 'schemas', 'Problem'),
        type,
        'application/problem+json',
        body,
      );
    }
    if (this.hiddenPaths.has(route)) return [];
    const operationVerb = verb === 'head' ? 'get' : verb;
    const path = openApiPath(route);
    const operation = this.document.paths?.[path]?.[operationVerb];
    if (!operation && (status === 405 || status === 429) && this.document.paths?.[path]) {
      // A documented path asked with another method: the router's 405 (or the API limit's 429 before it),
      // a problem like any other error.
      return this.checkBody(
        pointer('components', 'schemas', 'Problem'),
        type,
        'application/problem+json',
        body,
      );
    }
    if (!operation) return [`${operationVerb.toUpperCase()} ${path} is not in the document`];

    let responsePointer = ['paths', path, operationVerb, 'responses', String(status)];
    let response: ResponseObject | undefined = operation.responses?.[String(status)];
    if (!response) {
      const declared = Object.keys(operation.responses ?? {}).join(', ');
      return [`status ${status} is not declared (declared: ${declared})`];
    }
    if (typeof response.$ref === 'string') {
      responsePointer = response.$ref.replace(/^#\//, '').split('/');
      const { $ref } = response;
      response = responsePointer.reduce<unknown>(
        (node, token) => (node as Record<string, unknown> | undefined)?.[token],
        this.document,
      ) as ResponseObject | undefined;
      if (!response) return [`${$ref} does not resolve`];
    }
    const content = response.content;
    if (!content || Object.keys(content).length === 0) {
      return length > 0 ? [`the response declares no body but ${length} bytes came`] : [];
    }
    if (verb === 'head') return [];
    if (length === 0)
      return [`the response declares a body (${Object.keys(content).join(', ')}) but none came`];
    if (!type) return ['the response declares a body but has no Content-Type'];
    const mediaType = Object.keys(content).find((declared) => mediaTypeMatches(declared, type));
    if (!mediaType)
      return [`Content-Type ${type} is not declared (declared: ${Object.keys(content).join(', ')})`];
    if (!isJsonType(type) || !content[mediaType].schema) return [];
    return this.checkBody(pointer(...responsePointer, 'content', mediaType, 'schema'), type, type, body);
  }

  private checkBody(
    ref: string,
    actualType: string | undefined,
    expectedType: string,
    body: Buffer,
  ): string[] {
    if (actualType !== expectedType) return [`Content-Type ${actualType ?? '(none)'} is not ${expectedType}`];
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return [`the ${expectedType} body is not JSON`];
    }
    const validate = this.validator(ref);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `body${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
    );
  }
}

export function formatMismatches(mismatches: ResponseMismatch[]): string {
  return [
    'Responses that do not match the OpenAPI document (/api/openapi.json):',
    ...mismatches.map(
      (m) =>
        `  ${m.method} ${m.url} → ${m.status} (route ${m.route ?? 'none'}):\n` +
        m.problems.map((p) => `      - ${p}`).join('\n'),
    ),
  ].join('\n');
}

/**
 * Wraps the app so that each response is checked just before it ends (before the client can see it, so a
 * mismatch is recorded while its test still runs). Use the result with supertest or http.createServer.
 */
/** A captured body as the client reads it: what the app wrote passes through compression (src/app.ts) after this. */
function decoded(body: Buffer, contentEncoding: unknown): Buffer {
  if (body.length === 0) return body;
  switch (String(contentEncoding ?? '').trim()) {
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    default:
      return body;
  }
}

export function withResponseValidation(app: App, validator: ResponseValidator): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const capture = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buffer =
        typeof chunk === 'string'
          ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
          : Buffer.from(chunk as Uint8Array);
      length += buffer.length;
      // Only JSON bodies are parsed; of the others just the size counts.
      const type = String(res.getHeader('content-type') ?? '')
        .split(';')[0]
        .trim();
      if (isJsonType(type) && length <= MAX_CAPTURE_BYTES) chunks.push(buffer);
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      capture(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      capture(chunk, rest[0]);
      validator.check({
        method: req.method ?? 'GET',
        url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '',
        route: (res as { locals?: { routePath?: string } }).locals?.routePath,
        status: res.statusCode,
        contentType: res.getHeader('content-type')?.toString(),
        length,
        body: decoded(Buffer.concat(chunks), res.getHeader('content-encoding')),
      });
      return end(chunk, ...rest);
    }) as typeof res.end;
    app(req, res);
  };
}

/** A validator over the app's own generated document and routes. */
export function responseValidatorFor(app: App): ResponseValidator {
  return new ResponseValidator(app.locals.openapi(), app.locals.routes);
}
