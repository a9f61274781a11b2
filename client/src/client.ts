import createFetchClient, { type Client } from 'openapi-fetch';
import { ApiError, apiErrorOf } from './errors.js';
import { OfflineQueue, type OfflineQueueOptions } from './offline-queue.js';
import type { MultipartPath } from './paths.js';
import type { components, paths } from './schema.js';
import { memoryTokenStorage, type TokenPair, type TokenStorage } from './tokens.js';
import {
  defaultTransport,
  encodeMultipart,
  type MultipartInput,
  type UploadProgress,
  type UploadTransport,
} from './upload.js';

export type User = components['schemas']['User'];
export type AuthResult = components['schemas']['AuthResult'];
export type Problem = components['schemas']['Problem'];

/** Why the client dropped its tokens. */
export type SignOutReason = 'logout' | 'refresh_failed';

export interface ColorBookClientOptions {
  /** The API's origin, e.g. `https://api.colorbook.app` ('' = the page's own origin). */
  baseUrl?: string;
  /** Where the token pair lives (default: memory). */
  storage?: TokenStorage;
  /** The fetch to use (default: the global one). Gets a Request, like openapi-fetch's. */
  fetch?: (request: Request) => Promise<Response>;
  /** Called once each time the client signs out: on logout, or when the refresh token stops working. */
  onSignOut?: (reason: SignOutReason) => void;
  /** Called after each successful refresh with the new pair. */
  onTokens?: (pair: TokenPair) => void;
  /** Offline-queue options (storage, online detection, conflict callback). */
  queue?: Omit<OfflineQueueOptions, 'send' | 'baseUrl'>;
  /** How uploads are sent (default: XMLHttpRequest in browsers, streaming fetch elsewhere). */
  uploadTransport?: UploadTransport;
}

/** The options of `POST /api/projects/{id}/export` (`format` defaults to `pdf`). */
export type ExportOptions = Omit<
  NonNullable<paths['/api/projects/{id}/export']['post']['requestBody']>['content']['application/json'],
  'format'
> & { format?: 'pdf' };

export interface DownloadOptions {
  signal?: AbortSignal;
}

/** An export job (`POST /api/projects/{id}/exports`, `GET /api/exports/{id}`). */
export type ExportJob = components['schemas']['ExportJob'];

/** The caller's archive job (`POST /api/users/me/archives`): a ZIP of everything they own. */
export type ArchiveJob = components['schemas']['ArchiveJob'];
/** An import job (`POST /api/users/me/imports`): an archive's projects added as new ones. */
export type ImportJob = components['schemas']['ImportJob'];

export interface WaitOptions<J = ExportJob> {
  /** Called with the job each time its state or progress changes (including the first look). */
  onProgress?: (job: J) => void;
  /** How often to look while the job is queued or running, in ms (default 1000). */
  intervalMs?: number;
  /** Stops waiting (the job goes on on the server; `exports.cancel(id)` stops it). */
  signal?: AbortSignal;
}

const FINISHED: ReadonlySet<ExportJob['status']> = new Set(['succeeded', 'failed', 'canceled']);

/** Polls `get` until the job has finished, telling `onProgress` of every change on the way. */
async function waitForJob<J extends { status: ExportJob['status']; progress: number }>(
  get: () => Promise<J>,
  waitOptions: WaitOptions<J>,
): Promise<J> {
  let last = '';
  for (;;) {
    const job = await get();
    const seen = `${job.status}/${job.progress}`;
    if (seen !== last) {
      last = seen;
      waitOptions.onProgress?.(job);
    }
    if (FINISHED.has(job.status)) return job;
    await sleep(waitOptions.intervalMs ?? 1000, waitOptions.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface UploadOptions<M extends 'POST' | 'PUT' = 'POST' | 'PUT'> {
  /** POST (default) creates; PUT replaces a drawing's PNG. */
  method?: M;
  onProgress?: (progress: UploadProgress) => void;
  /** Default for POST: a fresh key, so retrying the same upload never stores the file twice. */
  idempotencyKey?: string;
  ifMatch?: string | number;
  signal?: AbortSignal;
}

export interface UploadResult<T> {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The parsed body on 2xx. */
  data?: T;
  /** Otherwise: the refusal, as the ApiError the other helpers throw (`error.code`, `error.problem`). */
  error?: ApiError;
}

/** Calls that must never trigger a refresh: they are how tokens are obtained. */
const TOKEN_ENDPOINTS = /\/api\/auth\/(login|register|refresh)$/;

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The ColorBook API client: `api` is a typed openapi-fetch client (`api.GET('/api/auth/me')`) whose every
 * call carries the access token; on a 401 it refreshes once — one refresh shared by all the calls that
 * failed together — and retries the call once with the new token. When the refresh token is refused, the
 * tokens are dropped and `onSignOut('refresh_failed')` runs once.
 */
export function createColorBookClient(options: ColorBookClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const storage = options.storage ?? memoryTokenStorage();
  const transport = (request: Request) => (options.fetch ?? ((r: Request) => fetch(r)))(request);
  let refreshing: Promise<TokenPair | null> | undefined;

  async function signOut(reason: SignOutReason): Promise<void> {
    const had = await storage.get();
    await storage.set(null);
    if (had) options.onSignOut?.(reason);
  }

  /**
   * A fresh pair after `staleAccessToken` was refused. Single flight: calls that arrive while a refresh runs
   * share it, and a call that failed with a token already replaced just takes the new one.
   */
  function refreshAfter(staleAccessToken: string): Promise<TokenPair | null> {
    refreshing ??= (async () => {
      const current = await storage.get();
      if (!current) return null;
      if (current.accessToken !== staleAccessToken) return current;
      let response: Response;
      try {
        response = await transport(
          new Request(`${baseUrl}/api/auth/refresh`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ refreshToken: current.refreshToken }),
          }),
        );
      } catch {
        return null; // Offline: keep the tokens; the call answers its 401.
      }
      if (response.ok) {
        const result = (await response.json()) as AuthResult;
        const pair = { accessToken: result.accessToken, refreshToken: result.refreshToken };
        await storage.set(pair);
        options.onTokens?.(pair);
        return pair;
      }
      await response.body?.cancel();
      // The refresh token is spent, revoked or expired: nothing will bring this session back.
      if (response.status === 400 || response.status === 401 || response.status === 403) {
        await signOut('refresh_failed');
      }
      return null;
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  /** fetch with the access token, one shared refresh on 401 and one retry of the call. */
  async function authFetch(request: Request): Promise<Response> {
    // A refresh is running: the current token is known to be on its way out.
    if (refreshing) await refreshing;
    const pair = await storage.get();
    if (!pair) return transport(request);
    const retry = TOKEN_ENDPOINTS.test(new URL(request.url, 'http://x').pathname)
      ? undefined
      : request.clone();
    request.headers.set('Authorization', `Bearer ${pair.accessToken}`);
    const response = await transport(request);
    if (response.status !== 401 || !retry) return response;
    const fresh = await refreshAfter(pair.accessToken);
    if (!fresh) return response;
    await response.body?.cancel();
    retry.headers.set('Authorization', `Bearer ${fresh.accessToken}`);
    return transport(retry);
  }

  const api: Client<paths> = createFetchClient<paths>({ baseUrl, fetch: authFetch });

  const uploadTransport = options.uploadTransport ?? defaultTransport(transport);

  async function keep(result: { data?: AuthResult; error?: unknown; response: Response }): Promise<User> {
    if (!result.data) throw apiErrorOf(result.response.status, result.error, result.response.headers);
    await storage.set({ accessToken: result.data.accessToken, refreshToken: result.data.refreshToken });
    return result.data.user;
  }

  const client = {
    /** The API's origin as given (no trailing slash; '' = same origin): `createSync(cb)` reads it. */
    baseUrl,
    /** The typed API: `api.GET`, `api.POST`, … with auth and refresh built in. */
    api,
    /** fetch with auth and refresh, for what `api` does not cover. */
    fetch: authFetch,

    /** Creates an account and keeps its tokens. Throws ApiError (e.g. `EMAIL_TAKEN`). */
    async register(body: { email: string; password: string; displayName?: string }): Promise<User> {
      return keep(await api.POST('/api/auth/register', { body }));
    },

    /** Signs in and keeps the tokens. Throws ApiError (`INVALID_CREDENTIALS`, `RATE_LIMITED`). */
    async login(body: { email: string; password: string }): Promise<User> {
      return keep(await api.POST('/api/auth/login', { body }));
    },

    /** Revokes this session on the server (best effort) and drops the tokens. */
    async logout(): Promise<void> {
      const pair = await storage.get();
      if (!pair) return;
      const logoutWith = (tokens: TokenPair) =>
        transport(
          new Request(`${baseUrl}/api/auth/logout`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.accessToken}` },
            body: JSON.stringify({ refreshToken: tokens.refreshToken }),
          }),
        );
      try {
        let response = await logoutWith(pair);
        if (response.status === 401) {
          // The body names the refresh token: after a refresh it must name the new one.
          const fresh = await refreshAfter(pair.accessToken);
          if (fresh) response = await logoutWith(fresh);
        }
        await response.body?.cancel();
      } catch {
        // Offline: the session ends on the server when its refresh token expires.
      } finally {
        await signOut('logout');
      }
    },

    /** The current pair (e.g. to hand to a worker), or null when signed out. */
    async tokens(): Promise<TokenPair | null> {
      return storage.get();
    },

    async isSignedIn(): Promise<boolean> {
      return (await storage.get()) !== null;
    },

    /** Writes that wait for the network: see OfflineQueue. */
    queue: new OfflineQueue({ ...options.queue, send: authFetch, baseUrl }),

    exports: {
      /**
       * Exports a project as a print-ready PDF and answers it as a Blob (`cb.api.POST` cannot: it parses
       * JSON). Throws ApiError when refused (`EMPTY_PROJECT`, `FILE_MISSING`, 404, …). In a browser:
       * `URL.createObjectURL(blob)` behind a download link.
       */
      async download(
        projectId: string,
        exportOptions: ExportOptions = {},
        opts: DownloadOptions = {},
      ): Promise<Blob> {
        const { data, error, response } = await api.POST('/api/projects/{id}/export', {
          params: { path: { id: projectId } },
          body: { ...exportOptions, format: exportOptions.format ?? 'pdf' },
          headers: { Accept: 'application/pdf, application/problem+json' },
          parseAs: 'blob',
          signal: opts.signal,
        });
        if (!response.ok || data === undefined) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },

      /**
       * Starts a durable export job (rendered in the background; it survives a restart of the server).
       * Answers the queued job. Throws ApiError when refused (`EMPTY_PROJECT`, `FILE_MISSING`, `RATE_LIMITED`
       * when 3 of the caller's jobs are queued or running, 404).
       */
      async start(projectId: string, exportOptions: ExportOptions = {}): Promise<ExportJob> {
        const { data, error, response } = await api.POST('/api/projects/{id}/exports', {
          params: { path: { id: projectId } },
          body: { ...exportOptions, format: exportOptions.format ?? 'pdf' },
        });
        if (!data) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },

      /** The job's current state (a fresh signed `url` once it succeeded). */
      async get(jobId: string): Promise<ExportJob> {
        const { data, error, response } = await api.GET('/api/exports/{id}', {
          params: { path: { id: jobId } },
        });
        if (!data) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },

      /**
       * Waits until the job has finished (`succeeded`, `failed` or `canceled`) and answers it; `onProgress`
       * sees every change on the way. It polls `GET /api/exports/{id}`; an app with a change stream open
       * (`createSync`) also gets `event: export` with each state and can call `get` on those instead.
       */
      async wait(jobId: string, waitOptions: WaitOptions = {}): Promise<ExportJob> {
        return waitForJob(() => this.get(jobId), waitOptions);
      },

      /** Cancels a queued or running job, or removes a finished one and its file. */
      async cancel(jobId: string): Promise<void> {
        const { error, response } = await api.DELETE('/api/exports/{id}', {
          params: { path: { id: jobId } },
        });
        if (!response.ok) throw apiErrorOf(response.status, error, response.headers);
      },
    },

    /** The caller's own archive: one ZIP of everything they own, made by a job (docs/archive.md). */
    archives: {
      /** Starts an archive; answers the queued job. ApiError `RATE_LIMITED` when one is already under way. */
      async start(): Promise<ArchiveJob> {
        const { data, error, response } = await api.POST('/api/users/me/archives', {});
        if (!data) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },
      /** The job's current state (a fresh signed `url` of the ZIP once it succeeded). */
      async get(jobId: string): Promise<ArchiveJob> {
        const { data, error, response } = await api.GET('/api/users/me/archives/{id}', {
          params: { path: { id: jobId } },
        });
        if (!data) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },
      /** Waits until the archive has finished and answers it (polling `get`). */
      async wait(jobId: string, waitOptions: WaitOptions<ArchiveJob> = {}): Promise<ArchiveJob> {
        return waitForJob(() => this.get(jobId), waitOptions);
      },
      /** Cancels a queued or running archive, or removes a finished one and its ZIP. */
      async cancel(jobId: string): Promise<void> {
        const { error, response } = await api.DELETE('/api/users/me/archives/{id}', {
          params: { path: { id: jobId } },
        });
        if (!response.ok) throw apiErrorOf(response.status, error, response.headers);
      },
    },

    /** Imports of archives: each archived project becomes a new project of the caller. */
    imports: {
      /**
       * Uploads an archive (a ZIP made by `archives`) and answers the queued import job. ApiError when the
       * upload is refused (413 past IMPORT_MAX_BYTES, `RATE_LIMITED` when an import is already under way);
       * an archive that is not right ends the job `failed` with `error`.
       */
      async start(
        file: Blob,
        uploadOptions: Pick<UploadOptions, 'onProgress' | 'signal'> = {},
      ): Promise<ImportJob> {
        const result = await client.upload<ImportJob>('/api/users/me/imports', { file }, uploadOptions);
        if (!result.ok || !result.data) throw result.error!;
        return result.data;
      },
      async get(jobId: string): Promise<ImportJob> {
        const { data, error, response } = await api.GET('/api/users/me/imports/{id}', {
          params: { path: { id: jobId } },
        });
        if (!data) throw apiErrorOf(response.status, error, response.headers);
        return data;
      },
      /** Waits until the import has finished and answers it (polling `get`). */
      async wait(jobId: string, waitOptions: WaitOptions<ImportJob> = {}): Promise<ImportJob> {
        return waitForJob(() => this.get(jobId), waitOptions);
      },
      /** Cancels a queued or running import (projects finished before stay), or removes a finished one. */
      async cancel(jobId: string): Promise<void> {
        const { error, response } = await api.DELETE('/api/users/me/imports/{id}', {
          params: { path: { id: jobId } },
        });
        if (!response.ok) throw apiErrorOf(response.status, error, response.headers);
      },
    },

    /**
     * Uploads a file as multipart/form-data with progress. The body is encoded once, so the one retry after
     * a refresh sends the same bytes (progress then starts again from 0).
     */
    async upload<T = unknown, M extends 'POST' | 'PUT' = 'POST'>(
      path: MultipartPath<Lowercase<M>>,
      input: MultipartInput,
      opts: UploadOptions<M> = {},
    ): Promise<UploadResult<T>> {
      const method: 'POST' | 'PUT' = opts.method ?? 'POST';
      const { body, contentType } = await encodeMultipart(input);
      const headers: Record<string, string> = {
        'Content-Type': contentType,
        Accept: 'application/json, application/problem+json',
      };
      const idempotencyKey =
        opts.idempotencyKey ?? (method === 'POST' ? globalThis.crypto.randomUUID() : undefined);
      if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
      if (opts.ifMatch !== undefined) {
        headers['If-Match'] = typeof opts.ifMatch === 'number' ? `"${opts.ifMatch}"` : opts.ifMatch;
      }
      const send = (accessToken: string | undefined) =>
        uploadTransport({
          url: baseUrl + path,
          method,
          headers: accessToken ? { ...headers, Authorization: `Bearer ${accessToken}` } : headers,
          body,
          onProgress: opts.onProgress,
          signal: opts.signal,
        });
      if (refreshing) await refreshing;
      const pair = await storage.get();
      let response = await send(pair?.accessToken);
      if (response.status === 401 && pair) {
        const fresh = await refreshAfter(pair.accessToken);
        if (fresh) response = await send(fresh.accessToken);
      }
      const parsed = parseJson(response.text);
      const ok = response.status >= 200 && response.status < 300;
      return {
        status: response.status,
        ok,
        headers: response.headers,
        ...(ok ? { data: parsed as T } : { error: apiErrorOf(response.status, parsed, response.headers) }),
      };
    },
  };
  return client;
}

export type ColorBookClient = ReturnType<typeof createColorBookClient>;
