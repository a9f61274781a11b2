/**
 * The catalogue of error codes: every `code` the API answers in a problem+json body, with the one HTTP status
 * it always comes with, a short title and when it is answered (ADR 0017). Errors are built from it
 * (`appError(code, …)` in errors.ts takes the status from here), the OpenAPI document lists each
 * operation's codes from it (openapi.ts), and docs/errors.md is checked against it
 * (tests/http/error-catalogue.test.ts). A new code is added here first; the compiler then accepts it.
 *
 * The problem body's `title` stays the status's reason phrase (`Not Found`); the title here documents the
 * code.
 */
export interface ErrorCodeSpec {
  readonly status: number;
  readonly title: string;
  /** One line: when the API answers this code (documentation). */
  readonly when: string;
}

export const ERROR_CODES = {
  VALIDATION_ERROR: {
    status: 400,
    title: 'Invalid input',
    when: 'A parameter, query, header or body field is missing or wrong; `errors` names each field',
  },
  INVALID_JSON: { status: 400, title: 'Invalid JSON', when: 'The body is not valid JSON' },
  MALFORMED_REQUEST: {
    status: 400,
    title: 'Malformed request',
    when: 'The request is not valid HTTP/1.1 (refused by the HTTP parser; the connection is closed)',
  },
  INVALID_SIGNATURE: {
    status: 400,
    title: 'Invalid signature',
    when: 'A Stripe webhook whose `Stripe-Signature` is missing or does not match the body',
  },
  INVALID_TOKEN: {
    status: 400,
    title: 'Invalid token',
    when: 'A password-reset or email-verification token that is unknown, used, expired or superseded',
  },
  EMPTY_PROJECT: {
    status: 400,
    title: 'Empty project',
    when: 'An export of a project without coloring pages',
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Unauthenticated',
    when: 'The access (or refresh) token is missing, malformed, expired or revoked, or its account is gone',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    title: 'Invalid credentials',
    when: 'Login with an unknown email or a wrong password',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    when: 'Authenticated, but this caller may not do this (not the owner, not an admin, a bad file URL)',
  },
  PLAN_REQUIRED: {
    status: 403,
    title: 'Plan required',
    when: 'A premium template used on a plan without premium templates',
  },
  STORAGE_QUOTA_EXCEEDED: {
    status: 403,
    title: 'Storage quota exceeded',
    when: "The write would take the user past their plan's storage limit",
  },
  EMAIL_NOT_VERIFIED: {
    status: 403,
    title: 'Email not verified',
    when: 'With `REQUIRE_VERIFIED_EMAIL=true`: an upload or billing call before the email is verified',
  },
  INVALID_PASSWORD: {
    status: 403,
    title: 'Invalid password',
    when: 'The current password given to change the password or delete the account is wrong',
  },
  NOT_FOUND: {
    status: 404,
    title: 'Not found',
    when: 'No such resource for this caller, or no route for the path',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    title: 'Method not allowed',
    when: 'The path exists, but not with this method; `Allow` lists the ones it takes',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request timeout',
    when: 'The request did not arrive in time (the connection is closed)',
  },
  CONFLICT: {
    status: 409,
    title: 'Conflict',
    when: 'The write conflicts with an existing resource (a uniqueness the database enforces)',
  },
  EMAIL_TAKEN: {
    status: 409,
    title: 'Email taken',
    when: 'Register with an email that already has an account',
  },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: 'Idempotency key in use',
    when: 'A request with this `Idempotency-Key` is still running; retry after `Retry-After`',
  },
  ALREADY_MEMBER: {
    status: 409,
    title: 'Already a member',
    when: 'The person invited to a project is already a member of it',
  },
  OWNER_ROLE_FIXED: {
    status: 409,
    title: "The owner's role is fixed",
    when: "A change of the project owner's own role; ownership moves only by a transfer",
  },
  OWNER_CANNOT_LEAVE: {
    status: 409,
    title: 'The owner cannot leave',
    when: 'The owner removing themself from their project; transfer it to a member first',
  },
  ALREADY_SUBSCRIBED: {
    status: 409,
    title: 'Already subscribed',
    when: 'A checkout while a subscription is live; change it in the customer portal',
  },
  FILE_MISSING: {
    status: 409,
    title: 'File missing',
    when: 'An export needs a stored file that is gone; the body names it (`imageId`/`drawingId`, `missing`)',
  },
  KEY_UNREADABLE: {
    status: 409,
    title: 'Key unreadable',
    when: 'A stored AI-provider key can no longer be decrypted; store it again',
  },
  CURSOR_EXPIRED: {
    status: 410,
    title: 'Cursor expired',
    when: 'A sync cursor older than the retained change log (`SYNC_RETENTION_DAYS`); pull the full state again',
  },
  VERSION_CONFLICT: {
    status: 412,
    title: 'Version conflict',
    when: '`If-Match` does not name the current version (`ETag`); the body has `currentVersion`',
  },
  PRECONDITION_FAILED: {
    status: 412,
    title: 'Precondition failed',
    when: 'An `If-Match` or `If-Unmodified-Since` that does not hold for a static asset of the docs page',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    when: 'The body, a file or the chunk extensions are over their limit',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    when: 'A wrong `Content-Type` or `Content-Encoding`, or file bytes of a type that is not accepted',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    title: 'Range not satisfiable',
    when: 'A `Range` outside a static asset of the docs page',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused',
    when: 'This `Idempotency-Key` was used with a different request body',
  },
  RATE_LIMITED: {
    status: 429,
    title: 'Rate limited',
    when: 'Too many requests (or exports, archives or imports in progress); see `Retry-After` and `RateLimit`',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Headers too large',
    when: 'The request headers are over the server limit (the connection is closed)',
  },
  INTERNAL: {
    status: 500,
    title: 'Internal error',
    when: 'An unexpected error on our side (logged with the request id)',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service unavailable',
    when: 'A dependency (database, rate-limit store, payment provider, export slots) is away or busy; see `Retry-After`',
  },
  BILLING_DISABLED: {
    status: 503,
    title: 'Billing disabled',
    when: 'Billing is not configured on this server (no Stripe keys)',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The status a code always comes with. */
export type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'];

export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);

export const statusOf = (code: ErrorCode): number => ERROR_CODES[code].status;

/** The codes of one status, in catalogue order. */
export const codesOfStatus = (status: number): ErrorCode[] =>
  ALL_ERROR_CODES.filter((code) => ERROR_CODES[code].status === status);

/**
 * The catalogue as a Markdown table: the `ErrorCode` schema's description in the OpenAPI document, and what
 * docs/errors.md must hold (tests/http/error-catalogue.test.ts).
 */
export function errorCodeTable(): string {
  const rows = ALL_ERROR_CODES.map((code) => {
    const { status, title, when } = ERROR_CODES[code];
    return `| \`${code}\` | ${status} | ${title} | ${when} |`;
  });
  return ['| Code | Status | Title | When |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
