import type { AppContext } from '../../context';
import type { Database } from '../../db/database';
import { appError, notFound } from '../../http/errors';
import { DecryptionError, lastFour, open, reseal, seal, type MasterKey, type Sealed } from '../../lib/crypto';
import type { Logger } from '../../lib/logger';
import * as q from './api-keys.queries';

export type ApiKey = q.ApiKeyRow;
export interface ApiKeyWithSecret extends ApiKey {
  key: string;
}

/**
 * A stored key that does not decrypt: tampered with, copied from another user's row, or sealed under a
 * master key that was removed from ENCRYPTION_KEYS. The client learns only that it must store the key
 * again; the reason goes to the log (never the key, the ciphertext or the master key).
 */
const keyUnreadable = () =>
  appError(
    'KEY_UNREADABLE',
    'This stored key can no longer be decrypted; store it again with PUT /api/api-keys/{provider}',
  );

const toSealed = (row: {
  keyId: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  authTag: Uint8Array;
}): Sealed => ({
  // pg answers bytea as Buffer, PGlite as Uint8Array.
  keyId: row.keyId,
  nonce: Buffer.from(row.nonce),
  ciphertext: Buffer.from(row.ciphertext),
  tag: Buffer.from(row.authTag),
});

const currentKey = (keys: readonly MasterKey[]): MasterKey => keys[0];

export async function listApiKeys(
  ctx: AppContext,
  userId: string,
  paging: { page: number; limit: number },
): Promise<{ rows: ApiKey[]; total: number }> {
  return q.findApiKeys(ctx.db, userId, paging.limit, (paging.page - 1) * paging.limit);
}

/** Stores (or replaces) the caller's key for a provider, sealed under the current master key. */
export async function putApiKey(
  ctx: AppContext,
  userId: string,
  provider: string,
  input: { key: string; label?: string | null },
): Promise<{ apiKey: ApiKey; created: boolean }> {
  const sealed = seal(input.key, currentKey(ctx.config.encryptionKeys), userId);
  const { created, ...apiKey } = await q.upsertApiKey(ctx.db, {
    userId,
    provider,
    label: input.label ?? null,
    last4: lastFour(input.key),
    keyId: sealed.keyId,
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    authTag: sealed.tag,
  });
  return { apiKey, created };
}

/** The caller's key in plaintext; marks it used. Nothing changes when it cannot be decrypted. */
export async function revealApiKey(
  ctx: AppContext,
  userId: string,
  provider: string,
): Promise<ApiKeyWithSecret> {
  return ctx.db.transaction(async (tx) => {
    const row = await q.touchApiKey(tx, userId, provider);
    if (!row) throw notFound('API key');
    const { keyId, nonce: _n, ciphertext: _c, authTag: _t, ...apiKey } = row;
    let key: string;
    try {
      key = open(toSealed(row), ctx.config.encryptionKeys, userId);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      ctx.logger.warn('stored API key does not decrypt', { userId, provider, keyId, reason: error.reason });
      throw keyUnreadable();
    }
    return { ...apiKey, key };
  });
}

export async function deleteApiKey(ctx: AppContext, userId: string, provider: string): Promise<void> {
  if ((await q.deleteApiKey(ctx.db, userId, provider)) === 0) throw notFound('API key');
}

export interface RotationReport {
  /** The master key every value should end under. */
  currentKeyId: string;
  /** Values re-encrypted by this run. */
  rotated: number;
  /** Values that could not be opened (unknown master key or tampered); left as they were. */
  failed: number;
  /** Rows per master key id after the run. */
  remaining: Record<string, number>;
}

/**
 * Re-encrypts every stored key that is not under the current master key (the first of `keys`), in small
 * batches, each row in its own statement guarded by the nonce that was read: a user replacing a key while
 * this runs wins. Rows already under the current key are skipped, so running it again is safe (and a run
 * that stopped half-way is finished by the next one).
 */
export async function rotateVaultKeys(
  db: Database,
  keys: readonly MasterKey[],
  logger?: Logger,
  batchSize = 200,
): Promise<RotationReport> {
  const current = currentKey(keys);
  let rotated = 0;
  let failed = 0;
  let afterId: string | null = null;
  for (;;) {
    const rows = await q.findRowsToRotate(db, current.id, afterId, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      try {
        const { sealed } = reseal(toSealed(row), keys, current, row.userId);
        const changed = await q.updateSealedValue(db, row.id, Buffer.from(row.nonce), {
          keyId: sealed.keyId,
          nonce: sealed.nonce,
          ciphertext: sealed.ciphertext,
          authTag: sealed.tag,
        });
        if (changed) rotated++;
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        failed++;
        logger?.warn('stored API key does not decrypt; left under its old master key', {
          rowId: row.id,
          keyId: row.keyId,
          reason: error.reason,
        });
      }
    }
    afterId = rows[rows.length - 1].id;
  }
  return { currentKeyId: current.id, rotated, failed, remaining: await q.countRowsByKeyId(db) };
}
