/**
 * Billing as the caller drives it: the plans, their subscription, Stripe Checkout and the customer portal.
 * The webhook, which Stripe drives, is billing.webhook.ts.
 */
import Stripe from 'stripe';
import type { Config } from '../../config';
import type { AppContext } from '../../context';
import { appError, notFound, validationError } from '../../http/errors';
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
const PAID_PLANS = ['pro', 'enterprise'] as const;

/** Stripe statuses in which the subscription's plan applies (past_due: while Stripe retries the payment). */
export const ENTITLING_STATUSES = ['active', 'trialing', 'past_due'] as const;
/** Statuses in which a subscription still exists in Stripe: a new checkout would make a second one. */
const LIVE_STATUSES = ['active', 'trialing', 'past_due', 'unpaid', 'paused'];

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

export const billingDisabled = () => appError('BILLING_DISABLED', 'Billing is not configured on this server');

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
export function planForPrice(config: Config, priceId: string): PlanId | null {
  for (const plan of PAID_PLANS) {
    if (pricesOf(config, plan).some((p) => p.priceId === priceId)) return plan;
  }
  return null;
}

export function isEntitling(status: string): boolean {
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
      throw appError('SERVICE_UNAVAILABLE', 'The payment provider is unavailable; try again shortly', {
        headers: { 'Retry-After': '5' },
        cause: error,
      });
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
    throw appError(
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
    throw appError('NOT_FOUND', 'No billing account yet: subscribe through checkout first');
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
