import type { Database } from '../../db/database';

export type PlanId = 'free' | 'pro' | 'enterprise';

export interface SubscriptionRow {
  id: string;
  status: string;
  plan: PlanId;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** What a subscription event says about one subscription, with its ordering key. */
export interface SubscriptionSnapshot {
  id: string;
  userId: string;
  customerId: string;
  status: string;
  plan: PlanId;
  priceId: string | null;
  /** Unix seconds. */
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  ended: boolean;
  version: number;
  eventId: string;
}

export async function findCustomerId(db: Database, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ customerId: string }>(
    'SELECT stripe_customer_id AS "customerId" FROM billing_customers WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.customerId ?? null;
}

/**
 * Links a Stripe customer to a user when the user exists and has none yet; answers the customer id stored
 * for the user afterwards (an earlier one wins), or null when the user does not exist.
 */
export async function insertCustomer(
  db: Database,
  userId: string,
  customerId: string,
): Promise<string | null> {
  const { rows } = await db.query<{ customerId: string }>(
    `WITH inserted AS (
       INSERT INTO billing_customers (user_id, stripe_customer_id)
       SELECT id, $2 FROM users WHERE id = $1
       ON CONFLICT DO NOTHING
       RETURNING stripe_customer_id
     )
     SELECT stripe_customer_id AS "customerId" FROM inserted
     UNION ALL
     SELECT stripe_customer_id FROM billing_customers WHERE user_id = $1
     LIMIT 1`,
    [userId, customerId],
  );
  return rows[0]?.customerId ?? null;
}

/** The user a Stripe customer belongs to (through the stored link, else the given user id if it exists). */
export async function findUserForCustomer(
  db: Database,
  customerId: string,
  fallbackUserId: string | null,
): Promise<string | null> {
  const { rows } = await db.query<{ userId: string }>(
    `SELECT user_id AS "userId" FROM billing_customers WHERE stripe_customer_id = $1
     UNION ALL
     SELECT id FROM users WHERE id = $2::uuid
     LIMIT 1`,
    [customerId, fallbackUserId],
  );
  return rows[0]?.userId ?? null;
}

/** Records an event id; false when it was already recorded (a replay, or a concurrent delivery that won). */
export async function insertWebhookEvent(db: Database, id: string, type: string): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO billing_webhook_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [id, type],
  );
  return rows.length > 0;
}

export async function deleteWebhookEventsBefore(db: Database, olderThanDays: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM billing_webhook_events WHERE processed_at < now() - make_interval(days => $1)`,
    [olderThanDays],
  );
  return rowCount;
}

/**
 * Applies a subscription event: each part (status, the rest) only when the event is not older than what is
 * stored; nothing once the subscription ended, except that a deletion always applies. Answers the owner's
 * id when something was applied, null when the event was stale.
 */
export async function upsertSubscription(db: Database, s: SubscriptionSnapshot): Promise<string | null> {
  const { rows } = await db.query<{ userId: string }>(
    `INSERT INTO billing_subscriptions AS s (id, user_id, stripe_customer_id, status, plan, price_id,
       current_period_end, cancel_at_period_end, ended, status_version, snapshot_version, last_event_id)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), $8, $9, $10, $10, $11)
     ON CONFLICT (id) DO UPDATE SET
       status = CASE WHEN EXCLUDED.ended OR EXCLUDED.status_version >= s.status_version
                     THEN EXCLUDED.status ELSE s.status END,
       plan = CASE WHEN EXCLUDED.ended OR EXCLUDED.snapshot_version >= s.snapshot_version
                   THEN EXCLUDED.plan ELSE s.plan END,
       price_id = CASE WHEN EXCLUDED.ended OR EXCLUDED.snapshot_version >= s.snapshot_version
                       THEN EXCLUDED.price_id ELSE s.price_id END,
       current_period_end = CASE WHEN EXCLUDED.ended OR EXCLUDED.snapshot_version >= s.snapshot_version
                                 THEN EXCLUDED.current_period_end ELSE s.current_period_end END,
       cancel_at_period_end = CASE WHEN EXCLUDED.ended OR EXCLUDED.snapshot_version >= s.snapshot_version
                                   THEN EXCLUDED.cancel_at_period_end ELSE s.cancel_at_period_end END,
       ended = EXCLUDED.ended,
       status_version = GREATEST(s.status_version, EXCLUDED.status_version),
       snapshot_version = GREATEST(s.snapshot_version, EXCLUDED.snapshot_version),
       last_event_id = EXCLUDED.last_event_id,
       updated_at = now()
     WHERE NOT s.ended
       AND (EXCLUDED.ended OR EXCLUDED.status_version >= s.status_version
            OR EXCLUDED.snapshot_version >= s.snapshot_version)
     RETURNING user_id AS "userId"`,
    [
      s.id,
      s.userId,
      s.customerId,
      s.status,
      s.plan,
      s.priceId,
      s.currentPeriodEnd,
      s.cancelAtPeriodEnd,
      s.ended,
      s.version,
      s.eventId,
    ],
  );
  return rows[0]?.userId ?? null;
}

/**
 * Applies what an invoice event says about its subscription's status: `to` when the stored status is one of
 * `from`; either way the event's key becomes the status key, so older subscription events cannot undo it.
 * Answers the owner's id when the event was not stale.
 */
export async function updateStatusFromInvoice(
  db: Database,
  input: { subscriptionId: string; from: string[]; to: string; version: number; eventId: string },
): Promise<string | null> {
  const { rows } = await db.query<{ userId: string }>(
    `UPDATE billing_subscriptions
        SET status = CASE WHEN status = ANY($2::text[]) THEN $3 ELSE status END,
            status_version = $4, last_event_id = $5, updated_at = now()
      WHERE id = $1 AND NOT ended AND status_version <= $4
      RETURNING user_id AS "userId"`,
    [input.subscriptionId, input.from, input.to, input.version, input.eventId],
  );
  return rows[0]?.userId ?? null;
}

const PLAN_RANK = `CASE plan WHEN 'enterprise' THEN 2 WHEN 'pro' THEN 1 ELSE 0 END`;

/**
 * The subscription that speaks for the user: the best plan among the entitling ones, else the latest one.
 */
export async function findCurrentSubscription(
  db: Database,
  userId: string,
  entitling: readonly string[],
): Promise<SubscriptionRow | null> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT id, status, plan, current_period_end AS "currentPeriodEnd",
            cancel_at_period_end AS "cancelAtPeriodEnd"
       FROM billing_subscriptions
      WHERE user_id = $1
      ORDER BY (status = ANY($2::text[])) DESC, ${PLAN_RANK} DESC,
               GREATEST(status_version, snapshot_version) DESC, id
      LIMIT 1`,
    [userId, entitling],
  );
  return rows[0] ?? null;
}

/** A subscription of the user in one of the given statuses (not ended), if any. */
export async function findSubscriptionInStatus(
  db: Database,
  userId: string,
  statuses: readonly string[],
): Promise<{ id: string; status: string } | null> {
  const { rows } = await db.query<{ id: string; status: string }>(
    `SELECT id, status FROM billing_subscriptions
      WHERE user_id = $1 AND NOT ended AND status = ANY($2::text[])
      LIMIT 1`,
    [userId, statuses],
  );
  return rows[0] ?? null;
}

// users.plan and users.subscription_status belong to billing: only the webhook's effects change them.

/**
 * Locks the user's row for the plan update; null when the user is gone. NO KEY UPDATE, not UPDATE: the
 * subscription rows' foreign keys hold KEY SHARE locks on it, and FOR UPDATE would deadlock two webhooks
 * inserting subscriptions of the same user.
 */
export async function lockUserPlan(
  db: Database,
  userId: string,
): Promise<{ plan: PlanId; subscriptionStatus: string } | null> {
  const { rows } = await db.query<{ plan: PlanId; subscriptionStatus: string }>(
    `SELECT plan, subscription_status AS "subscriptionStatus" FROM users WHERE id = $1 FOR NO KEY UPDATE`,
    [userId],
  );
  return rows[0] ?? null;
}

export async function updateUserPlan(
  db: Database,
  userId: string,
  plan: PlanId,
  subscriptionStatus: string,
): Promise<void> {
  await db.query(`UPDATE users SET plan = $2, subscription_status = $3, updated_at = now() WHERE id = $1`, [
    userId,
    plan,
    subscriptionStatus,
  ]);
}
