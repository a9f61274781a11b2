/** An `application/problem+json` body, as the API sends for every refused request. */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  requestId?: string;
  [member: string]: unknown;
}

/**
 * The one error of the client's helpers: a refused request (4xx/5xx) with its problem+json body.
 * `register`, `login` and `exports.download` throw it; `upload` results and the offline queue's `conflict`
 * and `rejected` outcomes carry it as `error`. Network failures stay what fetch throws (a `TypeError`), so
 * "offline" and "refused" never look alike.
 */
export class ApiError extends Error {
  /** The problem body; `{ status }` alone when the answer had none (e.g. a proxy's 502 page). */
  readonly problem: ProblemBody;

  constructor(
    readonly status: number,
    problem?: ProblemBody,
    /** The answer's headers, when known: `requestId` falls back to `X-Request-Id`. */
    readonly headers?: Headers,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.problem = problem ?? { status };
  }

  /** The machine-readable code, e.g. `VERSION_CONFLICT`. */
  get code(): string | undefined {
    return this.problem.code;
  }

  get detail(): string | undefined {
    return this.problem.detail;
  }

  /** The server's request id: quote it in bug reports, it is in every log line of the request. */
  get requestId(): string | undefined {
    return this.problem.requestId ?? this.headers?.get('x-request-id') ?? undefined;
  }

  /** `errors[]` of a 400 `VALIDATION_ERROR`: which field (`path`) was refused and why. */
  get errors(): { path: string; message: string }[] {
    return Array.isArray(this.problem.errors)
      ? (this.problem.errors as { path: string; message: string }[])
      : [];
  }
}

/** An ApiError from a parsed body (anything that is not an object counts as no body). */
export function apiErrorOf(status: number, body: unknown, headers?: Headers): ApiError {
  return new ApiError(
    status,
    body && typeof body === 'object' && !Array.isArray(body) ? (body as ProblemBody) : undefined,
    headers,
  );
}
