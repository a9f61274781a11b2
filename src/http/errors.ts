import { STATUS_CODES } from 'node:http';

export interface FieldError {
  path: string;
  message: string;
}

/** Every error the API answers on purpose. The error handler turns it into RFC 9457 problem+json. */
export class AppError extends Error {
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  /** Extra members for the problem body (e.g. `imageId`). */
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly code: string,
    detail?: string,
    options: {
      errors?: FieldError[];
      cause?: unknown;
      headers?: Record<string, string>;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? STATUS_CODES[status] ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.errors = options.errors;
    this.headers = options.headers;
    this.extra = options.extra;
  }
}

export const validationError = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'VALIDATION_ERROR', detail, { errors });
export const unauthenticated = (detail = 'A valid access token is required') =>
  new AppError(401, 'UNAUTHENTICATED', detail, { headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail = 'You are not allowed to do this') =>
  new AppError(403, 'FORBIDDEN', detail);
export const notFound = (what = 'Resource') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const versionConflict = (current?: number) =>
  new AppError(
    412,
    'VERSION_CONFLICT',
    current === undefined
      ? 'If-Match does not match the current version'
      : `If-Match does not match the current version (${current})`,
    current === undefined ? {} : { headers: { ETag: `"${current}"` }, extra: { currentVersion: current } },
  );
export const payloadTooLarge = (detail = 'The request body is too large') =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', detail);
export const unsupportedMediaType = (detail: string) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', detail);
export const serviceUnavailable = (detail = 'The database is unavailable; try again shortly') =>
  new AppError(503, 'SERVICE_UNAVAILABLE', detail, { headers: { 'Retry-After': '5' } });
