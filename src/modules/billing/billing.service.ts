import Joi from 'joi';
import Stripe from 'stripe';
import type { Config } from '../../config';
import type { AppContext } from '../../context';
import { isUnavailableError, type Database } from '../../db/database';
import { AppError, notFound, serviceUnavailable, validationError } from '../../http/errors';
import { recordEvent } from '../analytics/analytics.service';
import * as users from '../users/users.service';
import * as q from './billing.queries';

export type PlanId = q.PlanId;
export type Interval = 'month' | 'year';
export type PlanFeature = 'premium_templates';

export interface PlanView {
  id: PlanId;
  name: string;
  storageLimitBytes: number;
  features: PlanFeature[];
  prices: { interval: Interval; priceId: string }[];
}

export interface SubscriptionView {
  plan: PlanId;
  status: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

const PLAN_NAMES: Record<PlanId, string> = { free: 'Free', pro: 'Pro', enterprise: 'Enterprise' };
const PLAN_FEATURES: Record<PlanId, PlanFeature[]> = {
  free: [],
  pro: ['premium_templates'],
  enterprise: ['premium_templates'],
};
const PLAN_RANK: Record<PlanId, number> = { free: 0, pro: 1, enterprise: 2 };
const PAID_PLANS = ['pro', 'enterprise'] as const;

/** Stripe statuses in which the subscription's plan applies (past_due: while Stripe retries the payment). */
export const ENTITLING_STATUSES = ['active', 'trialing', 'past_due'] as const;
/** Statuses in which a subscription still exists in Stripe: a new checkout would make a second one. */
const LIVE_STATUSES = ['active', 'trialing', 'past_due', 'unpaid', 'paused'];

/** Signature timestamps older than this many seconds are refused (Stripe's default tolerance). */
export const WEBHOOK_TOLERANCE_S = 300;
/** Processed event ids are kept well past Stripe's 3-day retry window, then deleted. */
const WEBHOOK_EVENT_RETENTION_DAYS = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The features a plan includes. */
export function planFeatures(plan: PlanId): PlanFeature[] {
  return PLAN_FEATURES[plan] ?? [];
}

/**
 * Whether a plan may use premium templates (`POST /api/templates/:id/use` on a premium template). The plan is
 * the user's current `plan` (`User.plan`), which the Stripe webhook keeps in step with the subscription.
 */
export function hasPremiumAccess(plan: PlanId): boolean {
  return planFeatures(plan).includes('premium_templates');
}

export const billingDisabled = () =>
  new AppError(503, 'BILLING_DISABLED', 'Billing is not configured on this server');

const invalidSignature = (detail = 'The Stripe-Signature header is missing or does not match the body') =>
  new AppError(400, 'INVALID_SIGNATURE', detail);

function pricesOf(config: Config, plan: PlanId): PlanView['prices'] {
  const { prices } = config.stripe;
  const byPlan: Record<PlanId, [Interval, string | undefined][]> = {
    free: [],
    pro: [
      ['month', prices.proMonthly],
      ['year', prices.proYearly],
    ],
    enterprise: [
      ['month', prices.enterpriseMonthly],
      ['year', prices.enterpriseYearly],
    ],
  };
  return byPlan[plan]
    .filter((entry): entry is [Interval, string] => Boolean(entry[1]))
    .map(([interval, priceId]) => ({ interval, priceId }));
}

/** The plans, from configuration: storage limits, features and the Stripe prices configured for each. */
export function listPlans(config: Config): PlanView[] {
  return (['free', 'pro', 'enterprise'] as const).map((id) => ({
    id,
    name: PLAN_NAMES[id],
    storageLimitBytes: users.storageLimitFor(config, id),
    features: planFeatures(id),
    prices: pricesOf(config, id),
  }));
}

/** The plan a configured Stripe price sells, or null for a price this server does not know. */
function planForPrice(config: Config, priceId: string): PlanId | null {
  for (const plan of PAID_PLANS) {
    if (pricesOf(config, plan).some((p) => p.priceId === priceId)) return plan;
  }
  return null;
}

function isEntitling(status: string): boolean {
  return (ENTITLING_STATUSES as readonly string[]).includes(status);
}

export async function getSubscription(ctx: AppContext, userId: string): Promise<SubscriptionView> {
  const user = await users.getUser(ctx.db, ctx.config, userId);
  const current = await q.findCurrentSubscription(ctx.db, userId, ENTITLING_STATUSES);
  return {
    plan: user.plan,
    status: user.subscriptionStatus,
    currentPeriodEnd: current?.currentPeriodEnd ?? null,
    cancelAtPeriodEnd: current?.cancelAtPeriodEnd ?? false,
  };
}

function requireStripe(ctx: AppContext): Stripe {
  if (!ctx.stripe) throw billingDisabled();
  return ctx.stripe;
}

/** Stripe being down or overloaded is a 503 the client may retry; anything else is our bug (500, logged). */
async function callStripe<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError
    ) {
      throw new AppError(
        503,
        'SERVICE_UNAVAILABLE',
        'The payment provider is unavailable; try again shortly',
        {
          headers: { 'Retry-After': '5' },
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** The user's Stripe customer, created on first use. */
async function ensureCustomer(ctx: AppContext, stripe: Stripe, userId: string): Promise<string> {
  const existing = await q.findCustomerId(ctx.db, userId);
  if (existing) return existing;
  const user = await users.getUser(ctx.db, ctx.config, userId);
  // The same key for every attempt: two first checkouts racing (or a retry after a failed INSERT) within
  // Stripe's 24 h idempotency window get the same customer instead of two.
  const customer = await callStripe(() =>
    stripe.customers.create(
      { email: user.email, name: user.displayName ?? undefined, metadata: { userId } },
      { idempotencyKey: `colorbook-customer-${userId}` },
    ),
  );
  const stored =
    (await q.insertCustomer(ctx.db, userId, customer.id)) ?? (await q.findCustomerId(ctx.db, userId));
  if (!stored) throw notFound('User');
  if (stored !== customer.id) {
    ctx.logger.warn('a second Stripe customer was created for a user; the first one is kept', {
      userId,
      kept: stored,
      orphan: customer.id,
    });
  }
  return stored;
}

/** A Stripe Checkout session (subscription mode) for a paid plan; answers the page to send the user to. */
export async function createCheckout(
  ctx: AppContext,
  userId: string,
  input: { plan: Exclude<PlanId, 'free'>; interval: Interval },
): Promise<{ url: string }> {
  const stripe = requireStripe(ctx);
  const price = pricesOf(ctx.config, input.plan).find((p) => p.interval === input.interval);
  if (!price) {
    throw validationError(`The ${input.plan} plan is not offered per ${input.interval}`, [
      { path: 'interval', message: `no ${input.interval}ly price is configured for the ${input.plan} plan` },
    ]);
  }
  const live = await q.findSubscriptionInStatus(ctx.db, userId, LIVE_STATUSES);
  if (live) {
    throw new AppError(
      409,
      'ALREADY_SUBSCRIBED',
      `You already have a subscription (${live.status}); change or cancel it in the customer portal`,
    );
  }
  const customerId = await ensureCustomer(ctx, stripe, userId);
  const { appUrl } = ctx.config;
  const session = await callStripe(() =>
    stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: userId,
      line_items: [{ price: price.priceId, quantity: 1 }],
      metadata: { userId, plan: input.plan, interval: input.interval },
      subscription_data: { metadata: { userId, plan: input.plan } },
      success_url: `${appUrl}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/billing?checkout=canceled`,
    }),
  );
  if (!session.url) throw new Error(`Stripe answered Checkout Session ${session.id} without a url`);
  return { url: session.url };
}

/** A Stripe customer-portal session for the user's customer. */
export async function createPortal(ctx: AppContext, userId: string): Promise<{ url: string }> {
  const stripe = requireStripe(ctx);
  const customerId = await q.findCustomerId(ctx.db, userId);
  if (!customerId) {
    throw new AppError(404, 'NOT_FOUND', 'No billing account yet: subscribe through checkout first');
  }
  const session = await callStripe(() =>
    stripe.billingPortal.sessions.create({
      customer: customerId,
      return_url: `${ctx.config.appUrl}/billing`,
    }),
  );
  return { url: session.url };
}

/**
 * For account deletion, before the user's rows go: deletes the user's Stripe customer, which makes Stripe
 * cancel its subscriptions at once, so a deleted account is not billed again. A no-op without a customer or
 * without Stripe configuration; a customer Stripe no longer knows counts as deleted. Throws 503 when Stripe
 * cannot be reached, so the deletion can stop rather than leave a live subscription behind.
 */
export async function closeBillingAccount(ctx: AppContext, userId: string): Promise<void> {
  const customerId = await q.findCustomerId(ctx.db, userId);
  if (!customerId || !ctx.stripe) return;
  const stripe = ctx.stripe;
  try {
    await callStripe(() => stripe.customers.del(customerId));
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return;
    throw error;
  }
}

// ---- Webhook ----

const EventShape = Joi.object({
  id: Joi.string().min(1).max(255).required(),
  type: Joi.string().min(1).max(255).required(),
  created: Joi.number().integer().min(0).required(),
  data: Joi.object({ object: Joi.object().unknown(true).required() })
    .unknown(true)
    .required(),
}).unknown(true);

/** Verifies the signature over the raw bytes exactly as received; any failure is a 400. */
function verifyEvent(payload: unknown, signature: string | undefined, secret: string): Stripe.Event {
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      Buffer.isBuffer(payload) ? payload : Buffer.alloc(0),
      signature ?? '',
      secret,
      WEBHOOK_TOLERANCE_S,
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw invalidSignature(
        /tolerance/i.test(error.message) ? 'The Stripe-Signature timestamp is too old' : undefined,
      );
    }
    // Signed, but not JSON: only a sender holding the secret can get here.
    if (error instanceof SyntaxError) throw new AppError(400, 'INVALID_JSON', 'The body is not valid JSON');
    throw invalidSignature();
  }
  const { error } = EventShape.validate(event);
  if (error) throw validationError(`Not a Stripe event: ${error.message}`);
  return event;
}

// Events of one second are ordered by kind: a subscription is created before it is updated, and deleted last.
const RANK = { created: 0, updated: 1, deleted: 2 } as const;
const version = (created: number, rank: number) => created * 10 + rank;

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === 'string' ? value : (value?.id ?? null);

interface EventMeta {
  id: string;
  type: string;
  created: number;
}

/** The plan a subscription sells: its prices first (portal plan switches change them), then our metadata. */
function planOfSubscription(
  ctx: AppContext,
  sub: Stripe.Subscription,
): { plan: PlanId; priceId: string | null } {
  let best: { plan: PlanId; priceId: string | null } | null = null;
  for (const item of sub.items?.data ?? []) {
    const priceId = idOf(item.price);
    const plan = priceId ? planForPrice(ctx.config, priceId) : null;
    if (plan && (!best || PLAN_RANK[plan] > PLAN_RANK[best.plan])) best = { plan, priceId };
  }
  if (best) return best;
  const priceId = idOf(sub.items?.data?.[0]?.price) ?? null;
  const fromMetadata = sub.metadata?.plan;
  if (fromMetadata === 'pro' || fromMetadata === 'enterprise') return { plan: fromMetadata, priceId };
  ctx.logger.warn('Stripe subscription with a price this server does not know; it grants no plan', {
    subscriptionId: sub.id,
    priceId,
  });
  return { plan: 'free', priceId };
}

/** The period end: on the items since API 2025-03-31, on the subscription before. */
function periodEndOf(sub: Stripe.Subscription): number | null {
  const ends = (sub.items?.data ?? [])
    .map((item) => item.current_period_end)
    .filter((value): value is number => typeof value === 'number');
  if (ends.length > 0) return Math.max(...ends);
  const legacy = (sub as unknown as { current_period_end?: unknown }).current_period_end;
  return typeof legacy === 'number' ? legacy : null;
}

async function applySubscriptionEvent(
  ctx: AppContext,
  tx: Database,
  event: EventMeta,
  sub: Stripe.Subscription,
  kind: keyof typeof RANK,
): Promise<void> {
  if (typeof sub?.id !== 'string' || typeof sub.status !== 'string') {
    // Signed, so from Stripe, but not a subscription we can store: acknowledged, so it is not retried for days.
    ctx.logger.warn('Stripe subscription event without an id or a status; ignored', { eventId: event.id });
    return;
  }
  const customerId = idOf(sub.customer);
  const metadataUser = sub.metadata?.userId;
  const userId = customerId
    ? await q.findUserForCustomer(
        tx,
        customerId,
        metadataUser && UUID.test(metadataUser) ? metadataUser : null,
      )
    : null;
  if (!customerId || !userId) {
    ctx.logger.warn('Stripe subscription event for a customer that is not ours; ignored', {
      eventId: event.id,
      subscriptionId: sub.id,
    });
    return;
  }
  const { plan, priceId } = planOfSubscription(ctx, sub);
  const owner = await q.upsertSubscription(tx, {
    id: sub.id,
    userId,
    customerId,
    status: sub.status,
    plan,
    priceId,
    currentPeriodEnd: periodEndOf(sub),
    cancelAtPeriodEnd: Boolean(sub.cancel_at_period_end),
    ended: kind === 'deleted',
    version: version(event.created, RANK[kind]),
    eventId: event.id,
  });
  if (!owner) {
    ctx.logger.info('stale Stripe event ignored', { eventId: event.id, subscriptionId: sub.id });
    return;
  }
  await syncUserPlan(tx, owner, event, sub.id);
}

/** The subscription an invoice belongs to: `parent.subscription_details` since API 2025-03-31. */
function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const fromParent = idOf(invoice.parent?.subscription_details?.subscription);
  if (fromParent) return fromParent;
  return idOf((invoice as unknown as { subscription?: string | { id: string } | null }).subscription);
}

async function applyInvoiceEvent(
  ctx: AppContext,
  tx: Database,
  event: EventMeta,
  invoice: Stripe.Invoice,
  outcome: 'paid' | 'failed',
): Promise<void> {
  const subscriptionId = subscriptionOfInvoice(invoice);
  if (!subscriptionId) return;
  // Stripe's own transitions: paying the invoice makes a past-due, unpaid or incomplete subscription active;
  // a failed renewal makes an active one past_due. The customer.subscription.updated that follows agrees.
  const owner = await q.updateStatusFromInvoice(tx, {
    subscriptionId,
    from: outcome === 'paid' ? ['past_due', 'unpaid', 'incomplete'] : ['active', 'trialing'],
    to: outcome === 'paid' ? 'active' : 'past_due',
    version: version(event.created, RANK.updated),
    eventId: event.id,
  });
  if (!owner) {
    ctx.logger.info('Stripe invoice event changes nothing here', { eventId: event.id, subscriptionId });
    return;
  }
  await syncUserPlan(tx, owner, event, subscriptionId);
}

/** Links the Checkout's customer to the user it was made for (checkout stores it first; this repairs a gap). */
async function applyCheckoutCompleted(
  ctx: AppContext,
  tx: Database,
  event: EventMeta,
  session: Stripe.Checkout.Session,
): Promise<void> {
  if (session.mode !== 'subscription') return;
  const userId = session.client_reference_id ?? session.metadata?.userId ?? null;
  const customerId = idOf(session.customer);
  if (!userId || !UUID.test(userId) || !customerId) {
    ctx.logger.warn('Checkout Session without our user id or a customer; ignored', { eventId: event.id });
    return;
  }
  const stored = await q.insertCustomer(tx, userId, customerId);
  if (stored !== null && stored !== customerId) {
    ctx.logger.warn('Checkout completed for a customer other than the one stored for the user', {
      eventId: event.id,
      userId,
    });
  }
}

/** Derives users.plan and users.subscription_status from the user's subscriptions; records a plan change. */
async function syncUserPlan(
  tx: Database,
  userId: string,
  event: EventMeta,
  subscriptionId: string,
): Promise<void> {
  const before = await q.lockUserPlan(tx, userId);
  if (!before) return;
  const current = await q.findCurrentSubscription(tx, userId, ENTITLING_STATUSES);
  const plan: PlanId = current && isEntitling(current.status) ? current.plan : 'free';
  const status = current?.status ?? 'active';
  if (plan === before.plan && status === before.subscriptionStatus) return;
  await q.updateUserPlan(tx, userId, plan, status);
  if (plan !== before.plan) {
    await recordEvent(tx, {
      userId,
      type: 'plan.changed',
      properties: { from: before.plan, to: plan, status, subscriptionId, stripeEventId: event.id },
    });
  }
}

async function applyEvent(ctx: AppContext, tx: Database, event: Stripe.Event): Promise<void> {
  const meta: EventMeta = { id: event.id, type: event.type, created: event.created };
  switch (event.type) {
    case 'checkout.session.completed':
      return applyCheckoutCompleted(ctx, tx, meta, event.data.object);
    case 'customer.subscription.created':
      return applySubscriptionEvent(ctx, tx, meta, event.data.object, 'created');
    case 'customer.subscription.updated':
      return applySubscriptionEvent(ctx, tx, meta, event.data.object, 'updated');
    case 'customer.subscription.deleted':
      return applySubscriptionEvent(ctx, tx, meta, event.data.object, 'deleted');
    case 'invoice.paid':
      return applyInvoiceEvent(ctx, tx, meta, event.data.object, 'paid');
    case 'invoice.payment_failed':
      return applyInvoiceEvent(ctx, tx, meta, event.data.object, 'failed');
  }
}

const HANDLED_EVENTS = new Set<string>([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
]);

export interface WebhookAck {
  received: true;
  /** The event id was processed before: nothing was applied again. */
  duplicate: boolean;
}

/**
 * Verifies and applies one Stripe webhook delivery. The event id is recorded in the transaction that applies
 * its effects, so a replay (or a concurrent delivery of the same event, which waits on the id's key) changes
 * nothing, and a failure leaves no trace and answers 5xx for Stripe to retry.
 */
export async function handleWebhook(
  ctx: AppContext,
  payload: unknown,
  signature: string | undefined,
): Promise<WebhookAck> {
  const secret = ctx.config.stripe.webhookSecret;
  if (!secret) throw billingDisabled();
  const event = verifyEvent(payload, signature, secret);
  if (!HANDLED_EVENTS.has(event.type)) return { received: true, duplicate: false };
  try {
    return await ctx.db.transaction(async (tx) => {
      if (!(await q.insertWebhookEvent(tx, event.id, event.type))) return { received: true, duplicate: true };
      await applyEvent(ctx, tx, event);
      return { received: true, duplicate: false };
    });
  } catch (error) {
    if (isUnavailableError(error)) throw serviceUnavailable();
    ctx.logger.error('Stripe webhook event failed; Stripe will retry it', {
      eventId: event.id,
      type: event.type,
      error:
        error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : error,
    });
    throw new AppError(500, 'INTERNAL', 'The event could not be processed; Stripe will deliver it again', {
      cause: error,
    });
  }
}

export async function purgeWebhookEvents(ctx: AppContext): Promise<number> {
  return q.deleteWebhookEventsBefore(ctx.db, WEBHOOK_EVENT_RETENTION_DAYS);
}
