-- Billing with Stripe: each user's Stripe customer, the subscriptions Stripe tells us about through its
-- webhook, and the webhook events already processed. users.plan and users.subscription_status (0001) are
-- derived from billing_subscriptions by the webhook, in the same transaction.

-- One Stripe customer per user, created on the first checkout.
CREATE TABLE billing_customers (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  stripe_customer_id text NOT NULL UNIQUE CHECK (char_length(stripe_customer_id) BETWEEN 1 AND 255),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Stripe delivers events in any order, so each subscription keeps two ordering keys: one for the status
-- (moved by subscription and invoice events) and one for the rest of the snapshot (moved by subscription
-- events only). A key is the Stripe event's `created` (unix seconds) * 10 + a rank that orders events of
-- the same second (subscription created 0, updated and invoice events 1, deleted 2). An event whose key
-- is lower than the stored one is older than what we know and changes nothing. `ended` (deleted) is
-- terminal for the subscription id.
CREATE TABLE billing_subscriptions (
  id text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 255),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  stripe_customer_id text NOT NULL CHECK (char_length(stripe_customer_id) BETWEEN 1 AND 255),
  status text NOT NULL CHECK (char_length(status) BETWEEN 1 AND 64),
  plan text NOT NULL CHECK (plan IN ('free', 'pro', 'enterprise')),
  price_id text CHECK (price_id IS NULL OR char_length(price_id) BETWEEN 1 AND 255),
  current_period_end timestamptz,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  ended boolean NOT NULL DEFAULT false,
  status_version bigint NOT NULL,
  snapshot_version bigint NOT NULL,
  last_event_id text NOT NULL CHECK (char_length(last_event_id) BETWEEN 1 AND 255),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A user's plan is derived from their subscriptions.
CREATE INDEX billing_subscriptions_user_idx ON billing_subscriptions (user_id);

-- Each Stripe event id is processed once: the row is inserted in the transaction that applies the event.
CREATE TABLE billing_webhook_events (
  id text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 255),
  type text NOT NULL CHECK (char_length(type) BETWEEN 1 AND 255),
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- The clean-up deletes rows long past Stripe's retry window.
CREATE INDEX billing_webhook_events_processed_idx ON billing_webhook_events (processed_at);
