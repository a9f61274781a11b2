import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of a request carries, without passing a logger through every call. */
export interface RequestContext {
  requestId: string;
  userId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
