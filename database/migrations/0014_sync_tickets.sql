-- Tickets that open the live change stream (GET /api/sync/stream?ticket=…) where a client cannot set an
-- Authorization header (a browser's EventSource). Single use, valid 60 s, bound to the user AND the session
-- whose access token asked for it; only the SHA-256 of a ticket is kept. A stream opened with a ticket ends
-- when the access token that asked for it would have expired (`access_expires_at`), as a bearer stream does.
CREATE TABLE sync_tickets (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  access_expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);

-- The hourly clean-up deletes tickets that expired unused.
CREATE INDEX sync_tickets_expires_idx ON sync_tickets (expires_at);
CREATE INDEX sync_tickets_session_idx ON sync_tickets (session_id);
