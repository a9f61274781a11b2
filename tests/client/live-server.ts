import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import {
  createColorBookClient,
  memoryTokenStorage,
  type ColorBookClientOptions,
  type SignOutReason,
  type TokenStorage,
} from '../../client/src/index';
import { AccessTokens } from '../../src/lib/tokens';
import type { TestApp } from '../helpers/app';
import { freePort } from '../helpers/spawn-server';

/**
 * A real listening server (127.0.0.1, port 0) in front of the test app, for the client's tests: the client
 * talks HTTP to it exactly as the SPA would. Started in beforeAll, closed in afterAll. `onConfiguredPort`
 * listens on the app's PORT instead, where its absolute file URLs (PUBLIC_URL, http://localhost:PORT by
 * default) point: give the app a free PORT first (usePortOfItsOwn).
 */
export function useLiveServer(
  t: TestApp,
  options: { onConfiguredPort?: boolean } = {},
): { readonly baseUrl: string } {
  const handle = { baseUrl: '' };
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = http.createServer(t.handler);
    const port = options.onConfiguredPort ? t.config.port : 0;
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    // On the configured port, the app's own address (PUBLIC_URL): pages loaded from it may show its images
    // under its CSP (img-src 'self').
    handle.baseUrl = options.onConfiguredPort
      ? t.config.publicUrl
      : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return handle;
}

/**
 * Sets `env.PORT` to a free port in a beforeAll: call it before useTestApp(env), whose beforeAll reads env.
 * For apps whose file URLs must lead to a live server (useLiveServer with onConfiguredPort).
 */
export function usePortOfItsOwn(env: Record<string, string | undefined>): void {
  beforeAll(async () => {
    env.PORT = String(await freePort());
  });
}

/** The path and query of an absolute URL, to ask another address for the same thing. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
}

/**
 * The global fetch with a log of what went out, and a switch that makes the network fail the way a
 * browser's fetch does offline (TypeError). `dropResponses` lets requests reach the server and then loses
 * their answers, as a connection cut on the way back would.
 */
export function recordingFetch() {
  const seen: SeenRequest[] = [];
  const state = { offline: false, dropResponses: 0 };
  const send = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    seen.push({ method: request.method, path: url.pathname, headers: new Headers(request.headers) });
    if (state.offline) throw new TypeError('fetch failed');
    const response = await fetch(request);
    if (state.dropResponses > 0) {
      state.dropResponses -= 1;
      await response.body?.cancel();
      throw new TypeError('fetch failed');
    }
    return response;
  };
  return {
    fetch: send,
    state,
    seen,
    count: (method: string, path: string) =>
      seen.filter((r) => r.method === method && r.path === path).length,
  };
}

/**
 * An access token for the user's real session that expired a minute ago, signed with the server's key:
 * what a client holds after its tab slept past ACCESS_TOKEN_TTL.
 */
export function expiredAccessToken(t: TestApp, liveAccessToken: string): string {
  const claims = jwt.decode(liveAccessToken) as { sub: string; sid: string };
  const tokens = new AccessTokens({
    secret: t.config.auth.jwtSecret,
    issuer: t.config.auth.issuer,
    audience: t.config.auth.audience,
    ttlSeconds: -60,
  });
  return tokens.sign({ userId: claims.sub, sessionId: claims.sid });
}

/** A client of the live server over a recording fetch, with the sign-outs it reported. */
export function clientOf(
  baseUrl: string,
  storage: TokenStorage = memoryTokenStorage(),
  options: Omit<ColorBookClientOptions, 'baseUrl' | 'storage' | 'fetch' | 'onSignOut'> = {},
) {
  const network = recordingFetch();
  const signOuts: SignOutReason[] = [];
  const client = createColorBookClient({
    ...options,
    baseUrl,
    storage,
    fetch: network.fetch,
    onSignOut: (reason) => signOuts.push(reason),
  });
  return { client, network, signOuts, storage };
}
