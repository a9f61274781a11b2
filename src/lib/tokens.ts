import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface AccessTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How many verified tokens to remember (0: none); see AccessTokens. */
  cacheSize?: number;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

/** Verified tokens remembered by default: ~0.5 KB each, so about 5 MB when full. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

interface Verified {
  claims: AccessClaims;
  /** `exp`, in seconds since the epoch. */
  exp: number;
}

/**
 * Access tokens: HS256 JWTs with the algorithm pinned on verify, `iss`, `aud`, `exp` and `typ: "access"`.
 * The secret is a KeyObject made once: handing jsonwebtoken a string costs a key import on every verify.
 *
 * Verified tokens are remembered (the exact token string → its claims and `exp`), so a client's next
 * requests with the same token skip the signature check and the JSON parsing: a SPA sends one token for its
 * whole lifetime (15 minutes by default). The answer is the same as verifying again: the secret, issuer and
 * audience are fixed for the life of the process, and `exp` is checked on every use, to the second, as
 * jsonwebtoken checks it. Only valid tokens are kept, at most `cacheSize` (the oldest go first), so
 * garbage sent by a client costs memory nothing. Access tokens are stateless here (a revoked session's
 * access token lives until it expires) with or without this cache.
 */
export class AccessTokens {
  private readonly key: crypto.KeyObject;
  private readonly verified = new Map<string, Verified>();
  private readonly cacheSize: number;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenOptions) {
    this.key = crypto.createSecretKey(Buffer.from(options.secret, 'utf8'));
    this.cacheSize = options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE;
    this.now = options.now ?? Date.now;
  }

  /** How many verified tokens are remembered now. */
  get cachedCount(): number {
    return this.verified.size;
  }

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  sign(claims: AccessClaims): string {
    return jwt.sign({ typ: 'access', sid: claims.sessionId }, this.key, {
      algorithm: 'HS256',
      subject: claims.userId,
      issuer: this.options.issuer,
      audience: this.options.audience,
      expiresIn: this.options.ttlSeconds,
      jwtid: crypto.randomUUID(),
    });
  }

  /** The claims of a valid access token, or null for anything else (expired, forged, another type). */
  verify(token: string): AccessClaims | null {
    return this.check(token)?.claims ?? null;
  }

  /** When a valid access token expires (ms since the epoch), or null when it is not valid. */
  expiresAt(token: string): number | null {
    const verified = this.check(token);
    return verified ? verified.exp * 1000 : null;
  }

  private check(token: string): Verified | null {
    const nowSeconds = Math.floor(this.now() / 1000);
    const known = this.verified.get(token);
    if (known !== undefined) {
      if (nowSeconds < known.exp) return known;
      this.verified.delete(token);
      return null;
    }
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTimestamp: nowSeconds,
      });
    } catch {
      return null;
    }
    if (typeof payload === 'string' || payload.typ !== 'access') return null;
    if (
      typeof payload.exp !== 'number' ||
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string'
    ) {
      return null;
    }
    const verified: Verified = { claims: { userId: payload.sub, sessionId: payload.sid }, exp: payload.exp };
    if (this.cacheSize > 0) {
      // A Map iterates in insertion order: its first key is the oldest.
      if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, verified);
    }
    return verified;
  }
}

/** A random opaque token (256 bits, base64url) and the SHA-256 hex that is the only thing stored. */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}
