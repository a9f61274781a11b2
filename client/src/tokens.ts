/** The pair the API hands out on register, login and refresh. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Where the client keeps the token pair. Pluggable: memory (default), `localStorage`, or anything async
 * (IndexedDB, a native keychain). `set(null)` means signed out.
 */
export interface TokenStorage {
  get(): TokenPair | null | Promise<TokenPair | null>;
  set(pair: TokenPair | null): void | Promise<void>;
}

/** Keeps the pair in memory: gone on reload (the safest place; the user signs in again). */
export function memoryTokenStorage(initial: TokenPair | null = null): TokenStorage {
  let pair = initial;
  return {
    get: () => pair,
    set: (next) => {
      pair = next;
    },
  };
}

/** The part of the Web Storage API the client uses (`localStorage`, `sessionStorage`). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Keeps the pair in `localStorage` (default) so it survives reloads and is shared by tabs. Tabs refreshing
 * at the same moment are fine: the server gives every request racing on the same refresh token a fresh
 * pair within `REFRESH_REUSE_GRACE_S`.
 */
export function webStorageTokenStorage(
  storage: WebStorageLike = (globalThis as { localStorage?: WebStorageLike }).localStorage!,
  key = 'colorbook.tokens',
): TokenStorage {
  return {
    get: () => {
      const raw = storage.getItem(key);
      if (!raw) return null;
      try {
        const value = JSON.parse(raw) as Partial<TokenPair>;
        return typeof value.accessToken === 'string' && typeof value.refreshToken === 'string'
          ? { accessToken: value.accessToken, refreshToken: value.refreshToken }
          : null;
      } catch {
        return null;
      }
    },
    set: (pair) => (pair ? storage.setItem(key, JSON.stringify(pair)) : storage.removeItem(key)),
  };
}
