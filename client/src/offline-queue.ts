import { ApiError, apiErrorOf, type ProblemBody } from './errors.js';
import type { ApiPath } from './paths.js';
import type { WebStorageLike } from './tokens.js';

export type QueueMethod = 'POST' | 'PUT' | 'DELETE';
export type { ProblemBody } from './errors.js';

/** A write kept while offline; replayed later exactly as it was meant when it was made. */
export interface QueuedRequest {
  id: string;
  method: QueueMethod;
  /** The API path with its query, e.g. `/api/projects/3f…`. */
  path: string;
  body?: unknown;
  /** The version the write was based on (`"3"`); a newer version on the server → 412, never an overwrite. */
  ifMatch?: string;
  /** Chosen once, at enqueue time: every replay of this write carries the same key. */
  idempotencyKey: string;
  enqueuedAt: string;
  attempts: number;
}

/** A write for one method: `path` must be an API path that accepts it (checked by the compiler). */
export interface QueueInputFor<M extends QueueMethod> {
  method: M;
  /** e.g. `/api/projects/${id}`: a path of the API's `M` operations, with the ids filled in. */
  path: ApiPath<Lowercase<M>>;
  body?: unknown;
  /** The `ETag` of the version this write is based on, or the version number. */
  ifMatch?: string | number;
  idempotencyKey?: string;
}

/** A write to queue or send: `{ method: 'PUT', path: `/api/projects/${id}`, body, ifMatch }`. */
export type QueueInput = { [M in QueueMethod]: QueueInputFor<M> }[QueueMethod];

/** Where queued writes survive (memory by default; `localStorage` or IndexedDB for reloads). */
export interface QueueStorage {
  load(): QueuedRequest[] | Promise<QueuedRequest[]>;
  save(entries: QueuedRequest[]): void | Promise<void>;
}

/** What happened to one queued write during a flush. */
export type ReplayOutcome =
  /** The server took it (2xx; a replay of an earlier success answers the stored response). */
  | { kind: 'sent'; entry: QueuedRequest; status: number; headers: Headers; body: unknown }
  /**
   * 412 VERSION_CONFLICT: the resource changed since; the write is dropped, nothing was overwritten.
   * `error` is the client's ApiError (`problem` is its body, e.g. `currentVersion`).
   */
  | { kind: 'conflict'; entry: QueuedRequest; status: 412; problem: ProblemBody; error: ApiError }
  /** Refused for good (another 4xx, e.g. 404 or 400); dropped. */
  | { kind: 'rejected'; entry: QueuedRequest; status: number; problem: ProblemBody; error: ApiError }
  /**
   * Not now (network down, 5xx, 429, signed out): kept, and the flush stops to keep the order. `error` is
   * what fetch threw, or the ApiError of the answer.
   */
  | { kind: 'deferred'; entry: QueuedRequest; status?: number; error?: unknown };

export interface OfflineQueueOptions {
  /** Sends a request with the client's auth (refresh on 401 included). */
  send: (request: Request) => Promise<Response>;
  baseUrl: string;
  storage?: QueueStorage;
  /** Whether to try the network at all (default: `navigator.onLine`, else true). */
  isOnline?: () => boolean;
  /** Called for each 412 during a flush, so the app can show the conflict. */
  onConflict?: (outcome: Extract<ReplayOutcome, { kind: 'conflict' }>) => void;
  /** Called for every outcome of a flush. */
  onOutcome?: (outcome: ReplayOutcome) => void;
}

export function memoryQueueStorage(): QueueStorage {
  let entries: QueuedRequest[] = [];
  return {
    load: () => entries.map((entry) => ({ ...entry })),
    save: (next) => {
      entries = next.map((entry) => ({ ...entry }));
    },
  };
}

export function webStorageQueueStorage(
  storage: WebStorageLike = (globalThis as { localStorage?: WebStorageLike }).localStorage!,
  key = 'colorbook.offline-queue',
): QueueStorage {
  return {
    load: () => {
      try {
        const value = JSON.parse(storage.getItem(key) ?? '[]');
        return Array.isArray(value) ? (value as QueuedRequest[]) : [];
      } catch {
        return [];
      }
    },
    save: (entries) =>
      entries.length ? storage.setItem(key, JSON.stringify(entries)) : storage.removeItem(key),
  };
}

interface OnlineEventTarget {
  addEventListener?: (type: 'online', listener: () => void) => void;
  removeEventListener?: (type: 'online', listener: () => void) => void;
}

/** `3` → `"3"` (the ETag form); strings are taken as they are. */
const etagOf = (value: string | number | undefined): string | undefined =>
  typeof value === 'number' ? `"${value}"` : value;

const randomId = (): string => globalThis.crypto.randomUUID();

/** Worth another try later (the rest of the 4xx are final): signed out, busy, or the same key still running. */
const isTransient = (status: number, code: unknown) =>
  status === 401 || status === 408 || status === 429 || status >= 500 || code === 'IDEMPOTENCY_KEY_IN_USE';

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Writes made offline, replayed in order when the connection is back. Each carries the `Idempotency-Key`
 * chosen when it was queued (a replay whose first answer was lost gets that answer again instead of
 * creating a duplicate) and its `If-Match` (a resource changed meanwhile is reported as a conflict, never
 * overwritten).
 */
export class OfflineQueue {
  private readonly storage: QueueStorage;
  private readonly isOnline: () => boolean;
  /** Serialises reads and writes of the storage (it may be async). */
  private lock: Promise<unknown> = Promise.resolve();
  private flushing: Promise<ReplayOutcome[]> | undefined;

  constructor(private readonly options: OfflineQueueOptions) {
    this.storage = options.storage ?? memoryQueueStorage();
    this.isOnline =
      options.isOnline ??
      (() => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine ?? true);
  }

  private mutate<T>(
    change: (entries: QueuedRequest[]) => { entries: QueuedRequest[]; result: T },
  ): Promise<T> {
    const run = this.lock.then(async () => {
      const { entries, result } = change(await this.storage.load());
      await this.storage.save(entries);
      return result;
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Queues a write for later. */
  enqueue(input: QueueInput): Promise<QueuedRequest> {
    const entry: QueuedRequest = {
      id: randomId(),
      method: input.method,
      path: input.path,
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.ifMatch !== undefined ? { ifMatch: etagOf(input.ifMatch) } : {}),
      idempotencyKey: input.idempotencyKey ?? randomId(),
      enqueuedAt: new Date().toISOString(),
      attempts: 0,
    };
    return this.mutate((entries) => ({ entries: [...entries, entry], result: entry }));
  }

  /** The writes still waiting, oldest first. */
  async pending(): Promise<QueuedRequest[]> {
    await this.lock;
    return this.storage.load();
  }

  /**
   * Sends now when online; queues the write when offline or when the network fails on the way (the
   * server may have done it: the replay's Idempotency-Key makes that safe). A refused write (4xx/5xx) is
   * not queued: its answer comes back with `error`, an ApiError (the `response` body is still unread).
   */
  async send(
    input: QueueInput,
  ): Promise<
    { queued: false; response: Response; error?: ApiError } | { queued: true; entry: QueuedRequest }
  > {
    const idempotencyKey = input.idempotencyKey ?? randomId();
    if (this.isOnline()) {
      let response: Response | undefined;
      try {
        const request = this.requestFor({ ...input, ifMatch: etagOf(input.ifMatch), idempotencyKey });
        response = await this.options.send(request);
      } catch {
        // Offline after all: fall through and keep it.
      }
      if (response) {
        if (response.ok) return { queued: false, response };
        const body = await readBody(response.clone());
        return { queued: false, response, error: apiErrorOf(response.status, body, response.headers) };
      }
    }
    return { queued: true, entry: await this.enqueue({ ...input, idempotencyKey }) };
  }

  /** Replays the queue in order; one flush at a time (calls during a flush share it). */
  flush(): Promise<ReplayOutcome[]> {
    this.flushing ??= this.replay().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Flushes whenever the browser says it is back online. Returns the function that stops it. */
  listen(target: OnlineEventTarget = globalThis as OnlineEventTarget): () => void {
    const onOnline = () => void this.flush();
    target.addEventListener?.('online', onOnline);
    return () => target.removeEventListener?.('online', onOnline);
  }

  private requestFor(
    entry: Pick<QueuedRequest, 'method' | 'path' | 'body' | 'ifMatch' | 'idempotencyKey'>,
  ): Request {
    const headers = new Headers({ Accept: 'application/json, application/problem+json' });
    headers.set('Idempotency-Key', entry.idempotencyKey);
    if (entry.ifMatch) headers.set('If-Match', entry.ifMatch);
    let body: string | undefined;
    if (entry.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(entry.body);
    }
    return new Request(this.options.baseUrl + entry.path, { method: entry.method, headers, body });
  }

  private async replay(): Promise<ReplayOutcome[]> {
    const outcomes: ReplayOutcome[] = [];
    if (!this.isOnline()) return outcomes;
    const seen = new Set<string>();
    for (;;) {
      const entry = (await this.pending()).find((candidate) => !seen.has(candidate.id));
      if (!entry) break;
      seen.add(entry.id);
      const outcome = await this.replayOne(entry);
      outcomes.push(outcome);
      this.options.onOutcome?.(outcome);
      if (outcome.kind === 'conflict') this.options.onConflict?.(outcome);
      if (outcome.kind === 'deferred') {
        await this.mutate((entries) => ({
          entries: entries.map((e) => (e.id === entry.id ? { ...e, attempts: e.attempts + 1 } : e)),
          result: undefined,
        }));
        break;
      }
      await this.mutate((entries) => ({
        entries: entries.filter((e) => e.id !== entry.id),
        result: undefined,
      }));
    }
    return outcomes;
  }

  private async replayOne(entry: QueuedRequest): Promise<ReplayOutcome> {
    let response: Response;
    try {
      response = await this.options.send(this.requestFor(entry));
    } catch (error) {
      return { kind: 'deferred', entry, error };
    }
    const body = await readBody(response);
    if (response.ok) return { kind: 'sent', entry, status: response.status, headers: response.headers, body };
    const error = apiErrorOf(response.status, body, response.headers);
    const problem = error.problem;
    if (response.status === 412) return { kind: 'conflict', entry, status: 412, problem, error };
    if (isTransient(response.status, problem.code))
      return { kind: 'deferred', entry, status: response.status, error };
    return { kind: 'rejected', entry, status: response.status, problem, error };
  }
}
