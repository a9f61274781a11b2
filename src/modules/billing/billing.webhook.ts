/**
 * The Stripe webhook: verifies an event's signature, records its id (each event applies once) and applies
 * it to the subscription rows and the user's plan in one transaction. Apart from billing.service.ts (plans,
 * checkout, portal), which the caller drives; this side is driven by Stripe.
 */
import Joi from 'joi';
import Stripe from 'stripe';
import type { AppContext } from '../../context';
import { isUnavailableError, type Database } from '../../db/database';
import { appError, serviceUnavailable, validationError } from '../../http/errors';
import { recordEvent } from '../analytics/analytics.service';
import * as q from './billing.queries';
import {
  billingDisabled,
  ENTITLING_STATUSES,
  isEntitling,
  planForPrice,
  type PlanId,
} from './billing.service';

const PLAN_RANK: Record<PlanId, number> = { free: 0, pro: 1, enterprise: 2 };

/** Signature timestamps older than this many seconds are refused (Stripe's default tolerance). */
export const WEBHOOK_TOLERANCE_S = 300;
/** Processed event ids are kept well past Stripe's 3-day retry window, then deleted. */
const WEBHOOK_EVENT_RETENTION_DAYS = 30;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidSignature = (detail = 'The Stripe-Signature header is missing or does not match the body') =>
  appError('INVALID_SIGNATURE', detail);

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
    if (error instanceof SyntaxError) throw appError('INVALID_JSON', 'The body is not valid JSON');
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
    throw appError('INTERNAL', 'The event could not be processed; Stripe will deliver it again', {
      cause: error,
    });
  }
}

export async function purgeWebhookEvents(ctx: AppContext): Promise<number> {
  return q.deleteWebhookEventsBefore(ctx.db, WEBHOOK_EVENT_RETENTION_DAYS);
}
