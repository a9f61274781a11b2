import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { isUnavailableError } from '../db/database';
import type { Logger } from '../lib/logger';
import { AppError, appError, PROBLEM_TYPE, problemBody, serviceUnavailable } from './errors';
import type { ErrorCode } from './error-codes';

/** PostgreSQL SQLSTATEs that mean the input was wrong, not the server. */
function fromPostgres(error: { code?: string; constraint?: string }): AppError | undefined {
  switch (error.code) {
    case '23505':
      return appError('CONFLICT', 'This conflicts with an existing resource');
    case '23503':
      return appError('NOT_FOUND', 'A resource this refers to does not exist');
    case '22001':
    case '22003':
    case '22P02':
    case '23502':
    case '23514':
    case '22023':
      return appError('VALIDATION_ERROR', 'A value is out of range or malformed');
    case '22021':
    case '22P05':
      // Text the database cannot store (U+0000 that got past validation, say).
      return appError('VALIDATION_ERROR', 'A text holds a character that cannot be stored');
    case '40001':
    case '40P01':
      return appError('SERVICE_UNAVAILABLE', 'A concurrent change interfered; try again', {
        headers: { 'Retry-After': '1' },
      });
    default:
      return undefined;
  }
}

/** The fields the libraries' errors (body-parser, multer, zlib, pg, http-errors) may carry; all unchecked. */
interface ErrorFields {
  type?: unknown;
  code?: unknown;
  limit?: unknown;
  status?: unknown;
  expose?: unknown;
  name?: unknown;
  field?: unknown;
  message?: string;
}

/** body-parser and multer errors carry a `type`/`code` of their own. */
function fromHttpParsing(error: ErrorFields | undefined): AppError | undefined {
  if (error?.type === 'entity.parse.failed') return appError('INVALID_JSON', 'The body is not valid JSON');
  if (error?.type === 'entity.too.large' || error?.code === 'LIMIT_FILE_SIZE') {
    const limit = typeof error.limit === 'number' ? ` (limit ${error.limit} bytes)` : '';
    return appError('PAYLOAD_TOO_LARGE', `The request body is too large${limit}`);
  }
  if (error?.type === 'encoding.unsupported' || error?.type === 'charset.unsupported') {
    return appError('UNSUPPORTED_MEDIA_TYPE', error.message);
  }
  if (typeof error?.code === 'string' && error.code.startsWith('Z_') && error.status === 400) {
    // zlib refused a body sent with Content-Encoding gzip, deflate or br.
    return appError('VALIDATION_ERROR', 'The body is not valid data for its Content-Encoding');
  }
  if (error?.type === 'request.aborted' || error?.type === 'request.size.invalid') {
    return appError('VALIDATION_ERROR', 'The request body was incomplete');
  }
  if (error?.name === 'MulterError') {
    const { message } = error as Error; // a MulterError is an Error
    return appError('VALIDATION_ERROR', `Invalid multipart form: ${message}`, {
      errors: error.field ? [{ path: String(error.field), message }] : undefined,
    });
  }
  return undefined;
}

/**
 * The code of another library's exposed 4xx (http-errors): `send` behind the docs page's assets answers 403,
 * 404, 412 and 416 this way. Each status gets the catalogue's code for it; any other is a 400.
 */
const EXPOSED_4XX: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
};

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isUnavailableError(error)) return serviceUnavailable();
  const e = error as ErrorFields | undefined;
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    const mapped = fromPostgres(e as { code: string; constraint?: string }); // pg's DatabaseError
    if (mapped) return mapped;
  }
  const parsing = fromHttpParsing(e);
  if (parsing) return parsing;
  if (e instanceof URIError && (e as URIError & { status?: number }).status === 400) {
    // Express's router could not decode a path parameter (a broken percent-encoding such as `%E0%A4%A`).
    return appError('VALIDATION_ERROR', 'A path parameter is not valid percent-encoded UTF-8');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return appError(EXPOSED_4XX[e.status] ?? 'VALIDATION_ERROR', e.message);
  }
  return appError('INTERNAL', 'Something went wrong on our side', { cause: error });
}

/** The answer to a path no route serves (also what a route that hides itself answers). */
export const noRoute = (req: Request) => appError('NOT_FOUND', `No route for ${req.method} ${req.path}`);

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(noRoute(req));
};

/**
 * Whether an answer is one the server gives on purpose: any 4xx, and a 5xx that names its cause with a code
 * of its own (`BILLING_DISABLED`, `SERVICE_UNAVAILABLE`: a switched-off feature, a database or limiter that
 * is away). Only the rest, `INTERNAL` (an error nobody expected), needs a person and its stack.
 */
const isExpected = (error: AppError) => error.status < 500 || error.code !== 'INTERNAL';

/**
 * Turns every error into RFC 9457 problem+json. Unexpected 5xx are logged at `error` with their stack, never
 * shown; an expected 5xx is a `warn` line with its code and cause, without a stack (a fuzz run made hundreds
 * of stack traces out of `BILLING_DISABLED` alone). 4xx get no line of their own: the request line has them.
 */
export function errorHandler(logger: Logger, options: { exposeInternals: boolean }): ErrorRequestHandler {
  return (error, req, res, next) => {
    const appError = toAppError(error);
    const requestId = res.locals.requestId as string | undefined;
    if (appError.status < 500 && !(error instanceof AppError) && typeof error?.code === 'string') {
      // A database constraint caught what validation did not: worth a look, not an alarm.
      logger.warn('request refused by the database', {
        requestId,
        route: res.locals.routePath,
        sqlstate: error.code,
        constraint: error.constraint,
        error: error.message,
      });
    }
    if (appError.status >= 500 && isExpected(appError)) {
      const cause = (appError.cause ?? (error === appError ? undefined : error)) as { message?: unknown };
      logger.warn('request answered with an expected error', {
        requestId,
        method: req.method,
        route: res.locals.routePath,
        status: appError.status,
        code: appError.code,
        detail: appError.message,
        ...(typeof cause?.message === 'string' ? { cause: cause.message } : {}),
      });
    } else if (appError.status >= 500) {
      logger.error('request failed', {
        requestId,
        method: req.method,
        route: res.locals.routePath,
        status: appError.status,
        error:
          error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
      });
    }
    if (res.headersSent) {
      // Too late for a problem body: cut the connection so the client sees a failure, not a short file.
      next(error);
      return;
    }
    const body = problemBody(appError, requestId);
    if (options.exposeInternals && appError.status === 500 && error instanceof Error) {
      body.debug = { message: error.message, stack: error.stack };
    }
    for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
    res.status(appError.status).type(PROBLEM_TYPE).send(JSON.stringify(body));
  };
}
