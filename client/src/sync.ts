import { ApiError, apiErrorOf } from './errors.js';
import type { QueuedRequest, ReplayOutcome } from './offline-queue.js';
import { readEventStream } from './sse.js';
import {
  MemorySyncStore,
  type Change,
  type SyncKind,
  type SyncResources,
  type SyncStore,
} from './sync-store.js';

/** What the engine needs of the client: its authenticated fetch (refresh on 401) and its offline queue. */
export interface SyncClient {
  /** The API's origin ('' = same origin); `SyncOptions.baseUrl` overrides it. */
  baseUrl?: string;
  fetch: (request: Request) => Promise<Response>;
  queue: { flush(): Promise<ReplayOutcome[]> };
  /** Whether tokens are still held: a 401 while signed in (the refresh failed offline) is worth a retry. */
  isSignedIn?: () => Promise<boolean>;
}

/**
 * A queued write the server refused with 412 VERSION_CONFLICT. Policy: the server wins — the store already
 * holds the server's current state (`server`, null when the resource is gone); the local edit is not lost:
 * it is handed back here (`local`: the queued body; null for a DELETE) for the app to show, merge, or queue
 * again on top of the new version.
 */
export type SyncConflict = {
  [K in SyncKind]: {
    kind: K;
    id: string;
    local: unknown;
    server: SyncResources[K] | null;
    /** The server's version now, where the kind has one. */
    serverVersion: number | null;
    entry: QueuedRequest;
    error: ApiError;
  };
}[SyncKind];

/** Where a change came from: a page of the feed, or the live stream. */
export type ChangeSource = 'pull' | 'live';

export interface SyncOptions {
  /** The API's origin (default: the client's). */
  baseUrl?: string;
  /** Default: a MemorySyncStore. */
  store?: SyncStore;
  /** Page size of `GET /api/sync/changes` (1..1000; the server's default is 500). */
  pageSize?: number;
  /** Called for each queued write refused with 412, after the server's state is in the store. */
  onConflict?: (conflict: SyncConflict) => void;
  /**
   * Called when the engine empties the store before a full sync (no cursor yet, or 410 CURSOR_EXPIRED):
   * the changes that follow rebuild it; views read from the store should be read again.
   */
  onReset?: () => void;
  /** Called when the stream fails and will be retried (with the delay), or stops for good (delay null). */
  onStreamError?: (error: unknown, retryInMs: number | null) => void;
  /** First reconnection delay when the server sent no `retry:` (ms, default 1000); doubled per failure. */
  reconnectDelayMs?: number;
  /** Longest reconnection delay (ms, default 30 000). */
  maxReconnectDelayMs?: number;
  /** Called when an `onChange` listener throws (default: rethrown, uncaught, outside the engine). */
  onListenerError?: (error: unknown) => void;
  /** For tests: the random source of the jitter (default Math.random). */
  random?: () => number;
}

export interface PullResult {
  /** Changes applied to the store. */
  applied: number;
  /** Pages read. */
  pages: number;
  /** True when the store was emptied and filled again (no cursor yet, or the cursor had expired). */
  fullSync: boolean;
}

export type ChangeListener = (change: Change, source: ChangeSource) => void;

/** Resources a queued write can target, by the path's first segment. */
const KIND_OF_COLLECTION: Record<string, SyncKind> = {
  projects: 'project',
  stories: 'story',
  images: 'image',
  drawings: 'drawing',
};

/** `/api/stories/<id>` → story <id>; `/api/users/me` → the user; anything else → undefined. */
function resourceOf(path: string): { kind: SyncKind; id: string | null } | undefined {
  const clean = path.split('?')[0];
  if (clean === '/api/users/me' || clean === '/api/auth/me') return { kind: 'user', id: null };
  const match = /^\/api\/([a-z]+)\/([^/]+)$/.exec(clean);
  const kind = match ? KIND_OF_COLLECTION[match[1]] : undefined;
  return kind ? { kind, id: decodeURIComponent(match![2]) } : undefined;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A refusal that no retry will change (signed out, forbidden, …): stop instead of hammering the server. */
async function isFinal(error: unknown, client: SyncClient): Promise<boolean> {
  if (!(error instanceof ApiError) || error.status < 400 || error.status >= 500) return false;
  if (error.status === 408 || error.status === 429) return false;
  // A 401 with the tokens still there: the refresh could not reach the server; try again later.
  if (error.status === 401 && client.isSignedIn) return !(await client.isSignedIn());
  return true;
}

/**
 * Keeps a local copy (a SyncStore) of everything the user can see, current with the server:
 *
 * - `pull()` reads `GET /api/sync/changes` from the stored cursor until `hasMore` is false, storing each page
 *   with its cursor in one transaction. Without a cursor — or when the server answers 410 CURSOR_EXPIRED
 *   (the cursor is older than the deletes it keeps) — it empties the store and reads everything again.
 * - `live()` follows `GET /api/sync/stream` (fetch with the bearer header, so tokens refresh as for any
 *   call; works in browsers and Node 18+), resuming from the last event id; it reconnects with exponential
 *   backoff and jitter, honouring the server's `retry:`, until `stop()`.
 * - `flush()` replays the offline queue; a 412 VERSION_CONFLICT is resolved by the one policy: the server's
 *   state wins (pulled into the store), the local edit is handed to `onConflict`.
 *
 * Listeners (`onChange`) see each change after it is stored.
 */
export class SyncEngine {
  readonly store: SyncStore;
  private readonly baseUrl: string;
  private readonly listeners = new Set<ChangeListener>();
  /** Serialises pulls and stream events: a page is fetched and stored before another write starts. */
  private lock: Promise<unknown> = Promise.resolve();
  private pulling: Promise<PullResult> | undefined;
  private liveAbort: AbortController | undefined;
  private liveRun: Promise<void> | undefined;

  constructor(
    private readonly client: SyncClient,
    private readonly options: SyncOptions = {},
  ) {
    this.store = options.store ?? new MemorySyncStore();
    this.baseUrl = (options.baseUrl ?? client.baseUrl ?? '').replace(/\/+$/, '');
  }

  /** Calls `listener` for every change stored, from pulls and the stream. Returns the unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while `live()` runs. */
  get isLive(): boolean {
    return this.liveAbort !== undefined;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Empties the store (a full sync follows) and tells the app, whose views of the store are now stale. */
  private async reset(): Promise<void> {
    await this.store.clear();
    this.options.onReset?.();
  }

  private emit(changes: readonly Change[], source: ChangeSource): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change, source);
        } catch (error) {
          // The app's bug, not the sync's: report it, and keep the pull or the stream going.
          if (this.options.onListenerError) this.options.onListenerError(error);
          else
            queueMicrotask(() => {
              throw error; // uncaught: the browser's console and error handlers see it
            });
        }
      }
    }
  }

  /**
   * Brings the store up to date with the feed. One pull at a time: calls during a pull share it. Throws
   * ApiError when the server refuses (e.g. 401 after a failed refresh), TypeError when offline; what was
   * stored before stays, with its cursor.
   */
  pull(): Promise<PullResult> {
    this.pulling ??= this.pullPages().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  private async pullPages(): Promise<PullResult> {
    const result: PullResult = { applied: 0, pages: 0, fullSync: false };
    let restarted = false;
    for (;;) {
      const page = await this.exclusive(async () => {
        const cursor = await this.store.getCursor();
        if (cursor === null && result.pages === 0 && !restarted) {
          // Everything again: whatever the store held may have been deleted since.
          await this.reset();
          result.fullSync = true;
        }
        const query = new URLSearchParams();
        if (cursor !== null) query.set('since', cursor);
        if (this.options.pageSize) query.set('limit', String(this.options.pageSize));
        const response = await this.client.fetch(
          new Request(`${this.baseUrl}/api/sync/changes?${query}`, {
            headers: { Accept: 'application/json, application/problem+json' },
          }),
        );
        const body = await bodyOf(response);
        if (!response.ok) {
          const error = apiErrorOf(response.status, body, response.headers);
          if (response.status === 410 && error.code === 'CURSOR_EXPIRED' && !restarted) {
            await this.reset();
            return 'restart' as const;
          }
          throw error;
        }
        const {
          changes,
          cursor: next,
          hasMore,
        } = body as {
          changes: Change[];
          cursor: string;
          hasMore: boolean;
        };
        await this.store.applyPage(changes, next);
        return { changes, hasMore };
      });
      if (page === 'restart') {
        restarted = true;
        result.fullSync = true;
        continue;
      }
      result.pages += 1;
      result.applied += page.changes.length;
      this.emit(page.changes, 'pull');
      if (!page.hasMore) return result;
    }
  }

  /**
   * Follows the live stream until `stop()`: first a pull (the feed pages the catch-up; the stream starts
   * from the cursor it leaves), then each `change` event is stored with its id as the cursor and emitted.
   * A dropped stream reconnects after `retry:` (or `reconnectDelayMs`) doubled per failure in a row, capped
   * at `maxReconnectDelayMs`, with jitter (50–100 % of it); a connection that delivered something resets it.
   * A final refusal (401 after a failed refresh, 403, …) stops it and reports through `onStreamError(error,
   * null)`. Answers a promise that settles when it stops.
   */
  live(): Promise<void> {
    if (this.liveRun) return this.liveRun;
    const abort = new AbortController();
    this.liveAbort = abort;
    this.liveRun = this.follow(abort.signal).finally(() => {
      if (this.liveAbort === abort) {
        this.liveAbort = undefined;
        this.liveRun = undefined;
      }
    });
    return this.liveRun;
  }

  /** Stops `live()` (closes the stream, cancels a pending reconnection) and waits for it to end. */
  async stop(): Promise<void> {
    const run = this.liveRun;
    this.liveAbort?.abort();
    await run;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const base = this.options.reconnectDelayMs ?? 1000;
    const max = this.options.maxReconnectDelayMs ?? 30_000;
    const random = this.options.random ?? Math.random;
    const connection = { retryMs: undefined as number | undefined, delivered: false, expired: false };
    let failures = 0;
    let first = true;
    while (!signal.aborted) {
      connection.delivered = false;
      let failure: unknown;
      try {
        // The feed pages the catch-up; on a reconnection the stream itself sends what changed since the
        // cursor, so the feed is read again only for a first sync or after the stream's 410.
        if (first || connection.expired || (await this.store.getCursor()) === null) await this.pull();
        first = false;
        connection.expired = false;
        if (signal.aborted) break;
        await this.openStream(signal, connection);
        // The server ended the stream (token expired, shutdown): come back as it asked.
      } catch (error) {
        if (signal.aborted) break;
        if (await isFinal(error, this.client)) {
          this.options.onStreamError?.(error, null);
          return;
        }
        failure = error;
      }
      if (signal.aborted) break;
      // A connection that worked resets the backoff; failures in a row double it.
      failures = connection.delivered ? 0 : failures + 1;
      const delay = Math.min(max, (connection.retryMs ?? base) * 2 ** Math.max(0, failures - 1));
      const jittered = Math.round(delay * (0.5 + random() / 2));
      if (failure !== undefined) this.options.onStreamError?.(failure, jittered);
      await sleep(jittered, signal);
    }
  }

  /** One connection, until it ends; `connection.delivered`: it delivered something (events or heartbeats). */
  private async openStream(
    signal: AbortSignal,
    connection: { retryMs: number | undefined; delivered: boolean; expired: boolean },
  ): Promise<void> {
    const cursor = await this.store.getCursor();
    const query = cursor === null ? '' : `?${new URLSearchParams({ since: cursor })}`;
    const response = await this.client.fetch(
      new Request(`${this.baseUrl}/api/sync/stream${query}`, {
        headers: { Accept: 'text/event-stream' },
        signal,
      }),
    );
    if (!response.ok || !response.body) {
      const body = await bodyOf(response);
      const error = apiErrorOf(response.status, body, response.headers);
      if (response.status === 410 && error.code === 'CURSOR_EXPIRED') {
        // The next round pulls: the feed answers the same 410 and the pull starts the store over.
        connection.expired = true;
        connection.delivered = true;
        return;
      }
      throw error;
    }
    let applying: Promise<unknown> = Promise.resolve();
    try {
      await readEventStream(
        response.body,
        {
          onRetry: (ms) => {
            connection.retryMs = ms;
          },
          onComment: () => {
            connection.delivered = true;
          },
          onEvent: (event) => {
            connection.delivered = true;
            if (event.event !== 'change') return; // A later kind (e.g. `export`) is not the store's.
            const change = JSON.parse(event.data) as Change;
            applying = applying.then(() =>
              this.exclusive(async () => {
                await this.store.applyPage([change], event.id || (await this.store.getCursor()));
              }).then(() => this.emit([change], 'live')),
            );
          },
        },
        cursor ?? '',
      );
    } catch (error) {
      if (!signal.aborted) {
        await applying;
        throw error;
      }
    }
    await applying;
  }

  /**
   * Replays the offline queue (`cb.queue.flush()`) and settles its conflicts by the policy: the server wins.
   * When a write was sent or refused with 412, the store is pulled so it holds the server's state; then
   * `onConflict({ kind, id, local, server })` gets each refused edit with the server's current state.
   */
  async flush(): Promise<ReplayOutcome[]> {
    const outcomes = await this.client.queue.flush();
    const conflicts = outcomes.filter(
      (o): o is Extract<ReplayOutcome, { kind: 'conflict' }> => o.kind === 'conflict',
    );
    if (!outcomes.some((o) => o.kind === 'sent') && conflicts.length === 0) return outcomes;
    try {
      await this.pull();
    } catch {
      // Offline again: the store keeps what it had; the conflicts are still reported.
    }
    for (const outcome of conflicts) {
      const target = resourceOf(outcome.entry.path);
      // Not a resource of the feed (no If-Match route of the API today): the queue's own onConflict has it.
      if (!target) continue;
      const id = target.id ?? (await this.store.list('user'))[0]?.id;
      const record = id ? await this.store.get(target.kind, id) : undefined;
      this.options.onConflict?.({
        kind: target.kind,
        id: id ?? '',
        local: outcome.entry.method === 'DELETE' ? null : (outcome.entry.body ?? null),
        server: record?.data ?? null,
        serverVersion: record?.version ?? null,
        entry: outcome.entry,
        error: outcome.error,
      } as SyncConflict);
    }
    return outcomes;
  }
}

/** `createSync(cb, { store, onConflict })`: a SyncEngine over a ColorBook client. */
export function createSync(client: SyncClient, options: SyncOptions = {}): SyncEngine {
  return new SyncEngine(client, options);
}
