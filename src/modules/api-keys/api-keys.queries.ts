import type { Database } from '../../db/database';

export interface ApiKeyRow {
  provider: string;
  label: string | null;
  last4: string;
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date | null;
}

/** A row with its sealed value (never leaves the service). */
export interface SealedRow extends ApiKeyRow {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

const COLUMNS = `provider, label, last4, created_at AS "createdAt", updated_at AS "updatedAt",
  last_used_at AS "lastUsedAt"`;
const SEALED_COLUMNS = `${COLUMNS}, key_id AS "keyId", nonce, ciphertext, auth_tag AS "authTag"`;

export async function findApiKeys(
  db: Database,
  userId: string,
  limit: number,
  offset: number,
): Promise<{ rows: ApiKeyRow[]; total: number }> {
  const list = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY provider LIMIT $2 OFFSET $3`,
    [userId, limit, offset],
  );
  const count = await db.query<{ total: number }>(
    'SELECT count(*)::int AS total FROM api_keys WHERE user_id = $1',
    [userId],
  );
  return { rows: list.rows, total: count.rows[0].total };
}

/** Inserts or replaces the user's key for a provider; `created` tells which. */
export async function upsertApiKey(
  db: Database,
  row: {
    userId: string;
    provider: string;
    label: string | null;
    last4: string;
    keyId: string;
    nonce: Buffer;
    ciphertext: Buffer;
    authTag: Buffer;
  },
): Promise<ApiKeyRow & { created: boolean }> {
  const { rows } = await db.query<ApiKeyRow & { created: boolean }>(
    `INSERT INTO api_keys (user_id, provider, label, last4, key_id, nonce, ciphertext, auth_tag)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (user_id, provider) DO UPDATE
       SET label = EXCLUDED.label, last4 = EXCLUDED.last4, key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce,
           ciphertext = EXCLUDED.ciphertext, auth_tag = EXCLUDED.auth_tag, updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [row.userId, row.provider, row.label, row.last4, row.keyId, row.nonce, row.ciphertext, row.authTag],
  );
  return rows[0];
}

/** Marks the key used and returns it with its sealed value; null when the user has none for the provider. */
export async function touchApiKey(db: Database, userId: string, provider: string): Promise<SealedRow | null> {
  const { rows } = await db.query<SealedRow>(
    `UPDATE api_keys SET last_used_at = now()
      WHERE user_id = $1 AND provider = $2
      RETURNING ${SEALED_COLUMNS}`,
    [userId, provider],
  );
  return rows[0] ?? null;
}

export async function deleteApiKey(db: Database, userId: string, provider: string): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM api_keys WHERE user_id = $1 AND provider = $2', [
    userId,
    provider,
  ]);
  return rowCount;
}

export interface RotationRow {
  id: string;
  userId: string;
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/** The next rows not sealed under `currentKeyId`, after `afterId` (keyset pagination by id). */
export async function findRowsToRotate(
  db: Database,
  currentKeyId: string,
  afterId: string | null,
  limit: number,
): Promise<RotationRow[]> {
  const { rows } = await db.query<RotationRow>(
    `SELECT id, user_id AS "userId", key_id AS "keyId", nonce, ciphertext, auth_tag AS "authTag"
       FROM api_keys
      WHERE key_id <> $1 AND ($2::uuid IS NULL OR id > $2::uuid)
      ORDER BY id
      LIMIT $3`,
    [currentKeyId, afterId, limit],
  );
  return rows;
}

/**
 * Replaces a row's sealed value only when it still holds the one that was read: a key the user replaced
 * meanwhile (already under the current master key) is left alone. Returns whether the row changed.
 */
export async function updateSealedValue(
  db: Database,
  id: string,
  expectedNonce: Buffer,
  next: { keyId: string; nonce: Buffer; ciphertext: Buffer; authTag: Buffer },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE api_keys SET key_id = $3, nonce = $4, ciphertext = $5, auth_tag = $6
      WHERE id = $1 AND nonce = $2`,
    [id, expectedNonce, next.keyId, next.nonce, next.ciphertext, next.authTag],
  );
  return rowCount > 0;
}

export async function countRowsByKeyId(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.query<{ keyId: string; n: number }>(
    'SELECT key_id AS "keyId", count(*)::int AS n FROM api_keys GROUP BY key_id',
  );
  return Object.fromEntries(rows.map((r) => [r.keyId, r.n]));
}
