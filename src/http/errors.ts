import { STATUS_CODES } from 'node:http';
import { statusOf, type ErrorCode, type StatusOf } from './error-codes';

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  errors?: FieldError[];
  cause?: unknown;
  headers?: Record<string, string>;
  /** Extra members for the problem body (e.g. `imageId`). */
  extra?: Record<string, unknown>;
}

/** The older `(status, code, …)` form: the status must be the one the catalogue gives the code. */
type StatusAndCodeArgs = {
  [C in ErrorCode]: [status: StatusOf<C>, code: C, detail?: string, options?: AppErrorOptions];
}[ErrorCode];

/**
 * Every error the API answers on purpose, with a code of the catalogue (error-codes.ts), which gives its
 * status. The error handler turns it into RFC 9457 problem+json. Build one with `appError(code, detail)` or
 * a helper below (`notFound()`, `forbidden()`…).
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  /** Extra members for the problem body (e.g. `imageId`). */
  readonly extra?: Record<string, unknown>;

  /** The preferred form: the code alone; its status comes from the catalogue. */
  constructor(code: ErrorCode, detail?: string, options?: AppErrorOptions);
  /**
   * @deprecated Kept so code written as `new AppError(409, 'ALREADY_MEMBER', …)` still compiles (the status
   * must be the catalogue's); write `appError('ALREADY_MEMBER', …)`.
   */
  constructor(...args: StatusAndCodeArgs);
  constructor(...args: [code: ErrorCode, detail?: string, options?: AppErrorOptions] | StatusAndCodeArgs) {
    const [code, detail, options = {}] = (typeof args[0] === 'number' ? args.slice(1) : args) as [
      ErrorCode,
      string | undefined,
      AppErrorOptions | undefined,
    ];
    const status = statusOf(code);
    super(detail ?? STATUS_CODES[status] ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers;
    this.extra = options.extra;
  }
}

/** An error of the catalogue: `appError('ALREADY_MEMBER', 'Ada is already a member')`. */
export const appError = (code: ErrorCode, detail?: string, options?: AppErrorOptions): AppError =>
  new AppError(code, detail, options);

export const validationError = (detail: string, errors?: FieldError[]) =>
  appError('VALIDATION_ERROR', detail, { errors });
export const unauthenticated = (detail = 'A valid access token is required') =>
  appError('UNAUTHENTICATED', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail = 'You are not allowed to do this') => appError('FORBIDDEN', detail);
export const notFound = (what = 'Resource') => appError('NOT_FOUND', `${what} not found`);
export const versionConflict = (current?: number) =>
  appError(
    'VERSION_CONFLICT',
    current === undefined
      ? 'If-Match does not match the current version'
      : `If-Match does not match the current version (${current})`,
    current === undefined ? {} : { headers: { ETag: `"${current}"` }, extra: { currentVersion: current } },
  );
export const payloadTooLarge = (detail = 'The request body is too large') =>
  appError('PAYLOAD_TOO_LARGE', detail);
export const unsupportedMediaType = (detail: string) => appError('UNSUPPORTED_MEDIA_TYPE', detail);
export const serviceUnavailable = (detail = 'The database is unavailable; try again shortly') =>
  appError('SERVICE_UNAVAILABLE', detail, { headers: { 'Retry-After': '5' } });

export const PROBLEM_TYPE = 'application/problem+json';

/**
 * The RFC 9457 problem+json body of an error: the one builder behind the error handler, the HTTP parser's
 * refusals (client-error.ts) and the OpenAPI examples. `title` is the status's reason phrase.
 */
export function problemBody(error: AppError, requestId: string | undefined): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.extra ?? {}),
    requestId,
  };
}
