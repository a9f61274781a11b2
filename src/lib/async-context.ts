import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request's async context (AsyncLocalStorage): what every log line of a request carries, without passing
 * a logger through every call. src/http/request-context.ts is the middleware that opens it for each request.
 */
export interface RequestContext {
  requestId: string;
  userId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
