import crypto from 'node:crypto';
import type { Database } from '../db/database';
import { appError, validationError } from './errors';
import type { Reply, RouteInput } from './route';

/** How long a key remembers its first answer. */
const KEY_TTL_HOURS = 24;
/** Headers a replay repeats besides status and body. */
const REPLAYED_HEADERS = ['location', 'etag'];
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

interface KeyRow {
  id: string;
  fingerprint: string;
  status: number | null;
  body: unknown;
  headers: Record<string, string> | null;
  completed: boolean;
  stale: boolean;
}

/**
 * Idempotency-Key for authenticated POSTs: the first request with a key claims it, runs, and stores its
 * 2xx answer; a repeat (same user, method, path and key within 24 h) gets that answer back with
 * `Idempotent-Replayed: true`. A different body under the same key is 422; a repeat while the first still
 * runs is 409. Answers that are not 2xx are not kept, so a client may retry a failed request under its
 * key. The claim is a row committed before the handler runs, so concurrent repeats see it at once.
 */
export function createIdempotency(db: Database, options: { staleAfterMs: number }) {
  const fingerprintOf = (input: RouteInput): string =>
    crypto
      .createHash('sha256')
      .update(
        JSON.stringify([input.body ?? null, input.query ?? null, input.res.locals.uploadDigest ?? null]),
      )
      .digest('hex');

  async function claim(userId: string, method: string, path: string, key: string, fingerprint: string) {
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO idempotency_keys (user_id, method, path, key, fingerprint, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(hours => $6))
       ON CONFLICT (user_id, method, path, key) DO NOTHING
       RETURNING id`,
      [userId, method, path, key, fingerprint, KEY_TTL_HOURS],
    );
    if (inserted.rows[0]) return { kind: 'claimed', id: inserted.rows[0].id } as const;
    const found = await db.query<KeyRow>(
      `SELECT id, fingerprint, status, body, headers, completed_at IS NOT NULL AS completed,
              (expires_at < now() OR (completed_at IS NULL AND locked_at < now() - make_interval(secs => $5))) AS stale
         FROM idempotency_keys
        WHERE user_id = $1 AND method = $2 AND path = $3 AND key = $4`,
      [userId, method, path, key, options.staleAfterMs / 1000],
    );
    const row = found.rows[0];
    if (!row) return { kind: 'retry' } as const; // deleted between the two statements
    if (row.stale) {
      // Expired, or claimed by a process that died mid-request: take it over.
      const taken = await db.query<{ id: string }>(
        `UPDATE idempotency_keys
            SET fingerprint = $2, status = NULL, body = NULL, headers = NULL, completed_at = NULL,
                locked_at = now(), expires_at = now() + make_interval(hours => $3)
          WHERE id = $1 AND (expires_at < now() OR (completed_at IS NULL AND locked_at < now() - make_interval(secs => $4)))
          RETURNING id`,
        [row.id, fingerprint, KEY_TTL_HOURS, options.staleAfterMs / 1000],
      );
      return taken.rows[0]
        ? ({ kind: 'claimed', id: taken.rows[0].id } as const)
        : ({ kind: 'retry' } as const);
    }
    if (row.fingerprint !== fingerprint) {
      throw appError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
    }
    if (!row.completed) {
      throw appError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running', {
        headers: { 'Retry-After': '1' },
      });
    }
    return { kind: 'replay', row } as const;
  }

  return {
    async run(input: RouteInput, handler: () => Promise<Reply | void>): Promise<Reply | void> {
      const key = input.req.get('idempotency-key');
      if (key === undefined) return handler();
      if (!KEY_FORMAT.test(key)) {
        throw validationError('Idempotency-Key must be 1..255 visible ASCII characters', [
          { path: 'Idempotency-Key', message: 'must be 1..255 visible ASCII characters' },
        ]);
      }
      const method = input.req.method;
      const path = input.req.path;
      const fingerprint = fingerprintOf(input);
      let outcome = await claim(input.userId, method, path, key, fingerprint);
      if (outcome.kind === 'retry') outcome = await claim(input.userId, method, path, key, fingerprint);
      if (outcome.kind === 'retry') {
        throw appError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still running');
      }
      if (outcome.kind === 'replay') {
        const row = outcome.row;
        return {
          status: row.status ?? 200,
          body: row.body ?? undefined,
          headers: { ...(row.headers ?? {}), 'Idempotent-Replayed': 'true' },
        };
      }
      const id = outcome.id;
      let reply: Reply | void;
      try {
        reply = await handler();
      } catch (error) {
        await db.query('DELETE FROM idempotency_keys WHERE id = $1', [id]).catch(() => undefined);
        throw error;
      }
      const status = reply?.status ?? input.res.statusCode;
      if (reply && status >= 200 && status < 300) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(reply.headers ?? {})) {
          if (REPLAYED_HEADERS.includes(name.toLowerCase())) headers[name] = value;
        }
        await db.query(
          `UPDATE idempotency_keys SET status = $2, body = $3, headers = $4, completed_at = now() WHERE id = $1`,
          [id, status, reply.body === undefined ? null : JSON.stringify(reply.body), JSON.stringify(headers)],
        );
      } else {
        await db.query('DELETE FROM idempotency_keys WHERE id = $1', [id]);
      }
      return reply;
    },

    /** Deletes keys past their 24 hours; run by the server's maintenance timer. */
    async purgeExpired(): Promise<number> {
      const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
      return rowCount;
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
