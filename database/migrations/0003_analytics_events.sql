-- Usage analytics: events the SPA sends in batches and the ones the server records itself.
CREATE TABLE analytics_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_.]{1,63}$'),
  -- No foreign key: an event outlives the project it was about.
  project_id uuid,
  properties jsonb NOT NULL DEFAULT '{}'::jsonb,
  source text NOT NULL CHECK (source IN ('client', 'server')),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  received_at timestamptz NOT NULL DEFAULT now()
);

-- A user's summary reads their events in a time range.
CREATE INDEX analytics_events_user_time_idx ON analytics_events (user_id, occurred_at);
-- The admin summary and the retention clean-up read all events in a time range.
CREATE INDEX analytics_events_time_idx ON analytics_events (occurred_at);
