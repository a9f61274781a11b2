import crypto from 'node:crypto';
import type { Config } from '../config';
import { assertFileKey } from './file-store';

/** Where the file route serves the local store's files. */
export const FILES_PATH = '/api/files';

/**
 * HKDF `info` for the URL-signing key. The JWT secret is the input keying material, so one secret in the
 * environment is enough, yet a file signature can never be replayed as (or forged from) a token signature.
 */
const HKDF_INFO = 'colorbook-engine/signed-file-urls/v1';
const SIGNATURE_BYTES = 32;

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

export interface SignedUrl {
  url: string;
  /** Unix time in seconds after which the URL answers 403. */
  expiresAt: number;
}

/** Signs and checks the local store's file URLs. */
export interface UrlSigner {
  readonly ttlS: number;
  /**
   * `<baseUrl>/api/files/<key>?exp=<unix s>&sig=<base64url HMAC-SHA256>`, valid for `ttlS` seconds from now.
   * Absolute (with `baseUrl`) so an SPA on another origin can put it in `<img src>` as it is.
   */
  sign(key: string, options?: { ttlS?: number }): SignedUrl;
  /** Checks a signature in constant time; `expired` only for an authentic signature whose time has passed. */
  verify(key: string, exp: number, sig: string): SignatureCheck;
  /** Whole seconds until `exp`, rounded down (0 when past): the file route's `Cache-Control: max-age`. */
  secondsLeft(exp: number): number;
}

export interface UrlSignerOptions {
  /** Input keying material (the JWT secret). */
  secret: string;
  ttlS: number;
  /** Origin (and any path prefix) put before `/api/files/…`, without a trailing slash; '' = a relative URL. */
  baseUrl?: string;
  /** The clock in milliseconds (tests sign URLs "in the past" with it). */
  now?: () => number;
}

export function createUrlSigner(options: UrlSignerOptions): UrlSigner {
  const key = Buffer.from(crypto.hkdfSync('sha256', options.secret, Buffer.alloc(0), HKDF_INFO, 32));
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl ?? '';
  const nowS = () => Math.floor(now() / 1000);
  // The key and the expiry are separated by a newline, which a key can never contain.
  const mac = (fileKey: string, exp: number) =>
    crypto.createHmac('sha256', key).update(`${fileKey}\n${exp}`).digest();

  return {
    ttlS: options.ttlS,
    sign(fileKey, signOptions = {}) {
      assertFileKey(fileKey);
      const expiresAt = nowS() + (signOptions.ttlS ?? options.ttlS);
      const sig = mac(fileKey, expiresAt).toString('base64url');
      return { url: `${baseUrl}${FILES_PATH}/${fileKey}?exp=${expiresAt}&sig=${sig}`, expiresAt };
    },
    verify(fileKey, exp, sig) {
      if (!Number.isSafeInteger(exp) || exp < 0 || typeof sig !== 'string') return 'invalid';
      const given = Buffer.from(sig, 'base64url');
      // Buffer.from drops characters outside the alphabet: re-encoding must give the same text back.
      if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== sig) return 'invalid';
      if (!crypto.timingSafeEqual(given, mac(fileKey, exp))) return 'invalid';
      return exp <= nowS() ? 'expired' : 'valid';
    },
    secondsLeft(exp) {
      // Rounded down from the exact clock: a cache may keep the file at most as long as its URL is valid.
      return Math.max(0, Math.floor(exp - now() / 1000));
    },
  };
}

/** The signer for a configuration: key from `JWT_SECRET`, lifetime `SIGNED_URL_TTL`, URLs under `PUBLIC_URL`. */
export function urlSignerFromConfig(config: Config, options: { now?: () => number } = {}): UrlSigner {
  return createUrlSigner({
    secret: config.auth.jwtSecret,
    ttlS: config.storage.signedUrlTtlS,
    baseUrl: config.publicUrl,
    ...options,
  });
}
