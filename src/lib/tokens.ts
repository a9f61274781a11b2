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
}

/**
 * Access tokens: HS256 JWTs with the algorithm pinned on verify, `iss`, `aud`, `exp` and `typ: "access"`.
 * The secret is a KeyObject made once: handing jsonwebtoken a string costs a key import on every verify.
 */
export class AccessTokens {
  private readonly key: crypto.KeyObject;

  constructor(private readonly options: AccessTokenOptions) {
    this.key = crypto.createSecretKey(Buffer.from(options.secret, 'utf8'));
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
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.options.issuer,
        audience: this.options.audience,
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
    return { userId: payload.sub, sessionId: payload.sid };
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
