-- Idempotency-Key records: one per user, method, path and key, kept 24 hours.
CREATE TABLE idempotency_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method text NOT NULL,
  path text NOT NULL,
  key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
  -- SHA-256 of the request body: the same key with another body is refused.
  fingerprint text NOT NULL,
  -- The stored answer, once the first request has finished.
  status integer,
  body jsonb,
  headers jsonb,
  locked_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  expires_at timestamptz NOT NULL,
  UNIQUE (user_id, method, path, key)
);

-- The hourly clean-up deletes expired keys.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
