-- The AI-provider key vault: one key per user and provider, encrypted with AES-256-GCM (src/lib/crypto.ts).
-- The plaintext is never stored: only the ciphertext, its nonce and tag, the id of the master key that
-- sealed it (ENCRYPTION_KEYS) and the last four characters the list shows.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider ~ '^[a-z0-9-]{2,32}$'),
  label text CHECK (label IS NULL OR char_length(label) BETWEEN 1 AND 100),
  key_id text NOT NULL CHECK (char_length(key_id) BETWEEN 1 AND 32),
  nonce bytea NOT NULL CHECK (octet_length(nonce) = 12),
  ciphertext bytea NOT NULL CHECK (octet_length(ciphertext) BETWEEN 1 AND 4096),
  auth_tag bytea NOT NULL CHECK (octet_length(auth_tag) = 16),
  last4 text NOT NULL CHECK (char_length(last4) BETWEEN 1 AND 4),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  -- Also serves the list (user_id, ordered by provider) and the single-key lookups.
  UNIQUE (user_id, provider)
);

-- keys:rotate walks the rows that are not under the current master key yet.
CREATE INDEX api_keys_key_id_idx ON api_keys (key_id, id);
