import crypto from 'node:crypto';
import Stripe from 'stripe';
import type { TestApp } from '../helpers/app';

export const WEBHOOK_SECRET = 'whsec_test_colorbook_billing';
export const PRICES = {
  proMonthly: 'price_test_pro_month',
  proYearly: 'price_test_pro_year',
  enterpriseMonthly: 'price_test_enterprise_month',
};

/** Stripe configuration for tests (no enterprise yearly price: that interval is not offered). */
export function stripeEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_colorbook_stand_in',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_PRICE_PRO_MONTHLY: PRICES.proMonthly,
    STRIPE_PRICE_PRO_YEARLY: PRICES.proYearly,
    STRIPE_PRICE_ENTERPRISE_MONTHLY: PRICES.enterpriseMonthly,
    APP_URL: 'https://app.colorbook.test',
    ...overrides,
  };
}

export const MB = 1024 * 1024;
export const GB = 1024 * MB;

const rand = () => crypto.randomBytes(6).toString('hex');
export const newId = (prefix: string) => `${prefix}_test_${rand()}`;

/** A fixed point for event `created` values: tests order events by offsets from it, never by the clock. */
export const T0 = Math.floor(Date.now() / 1000) - 3600;

export interface StripeEventLike {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
  [key: string]: unknown;
}

export function stripeEvent(type: string, object: Record<string, unknown>, created: number): StripeEventLike {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** A Subscription object as Stripe sends it in `customer.subscription.*` events (API 2025-03-31 and later). */
export function subscription(input: {
  id: string;
  customer: string;
  status?: string;
  price?: string;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
  metadata?: Record<string, string>;
}): Record<string, unknown> {
  const periodEnd = input.periodEnd ?? T0 + 30 * 86400;
  return {
    id: input.id,
    object: 'subscription',
    customer: input.customer,
    status: input.status ?? 'active',
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    created: T0,
    livemode: false,
    metadata: input.metadata ?? {},
    items: {
      object: 'list',
      data: [
        {
          id: newId('si'),
          object: 'subscription_item',
          price: { id: input.price ?? PRICES.proMonthly, object: 'price' },
          quantity: 1,
          current_period_start: periodEnd - 30 * 86400,
          current_period_end: periodEnd,
        },
      ],
    },
  };
}

export function invoice(input: { subscription: string; customer: string }): Record<string, unknown> {
  return {
    id: newId('in'),
    object: 'invoice',
    customer: input.customer,
    billing_reason: 'subscription_cycle',
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { subscription: input.subscription, metadata: {} },
    },
  };
}

export function checkoutCompleted(input: { userId: string; customer: string; subscription?: string }) {
  return {
    id: newId('cs'),
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: input.userId,
    customer: input.customer,
    subscription: input.subscription ?? newId('sub'),
    metadata: { userId: input.userId, plan: 'pro', interval: 'month' },
  };
}

/** A `Stripe-Signature` header for these exact bytes, made by the library's own test helper. */
export function signatureHeader(
  payload: string,
  options: { secret?: string; timestamp?: number } = {},
): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
  });
}

/**
 * Delivers an event as Stripe does: the body pretty-printed (as Stripe sends it) and signed with the library's
 * own test header. `timestamp` (unix seconds) and `secret` override the signature's.
 */
export function deliver(
  t: TestApp,
  event: StripeEventLike,
  options: { secret?: string; timestamp?: number } = {},
) {
  const payload = JSON.stringify(event, null, 2);
  const header = signatureHeader(payload, options);
  return t
    .http()
    .post('/api/billing/webhook')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', header)
    .send(payload);
}

export async function planChangedEvents(t: TestApp, userId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await t.db.query<{ properties: Record<string, unknown> }>(
    `SELECT properties FROM analytics_events WHERE user_id = $1 AND type = 'plan.changed' ORDER BY id`,
    [userId],
  );
  return rows.map((r) => r.properties);
}

export async function processedEventCount(t: TestApp, eventId: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM billing_webhook_events WHERE id = $1',
    [eventId],
  );
  return rows[0].n;
}
