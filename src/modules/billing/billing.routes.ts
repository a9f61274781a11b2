import type { AppContext, RouteModule } from '../../context';
import { defineRoute } from '../../http/route';
import { EMAIL_NOT_VERIFIED_NOTE, requireVerifiedEmail } from '../../http/guards';
import {
  CheckoutBody,
  PlanListSchema,
  RedirectSchema,
  SubscriptionSchema,
  WebhookAckSchema,
} from './billing.schemas';
import * as billing from './billing.service';
import * as webhook from './billing.webhook';

const tags = ['Billing'];

export const billingRoutes: RouteModule = (ctx: AppContext) => {
  const verifiedEmail = requireVerifiedEmail(ctx);
  ctx.maintenance.push({ name: 'billing-webhook-events', run: () => webhook.purgeWebhookEvents(ctx) });

  return [
    defineRoute({
      method: 'get',
      path: '/api/billing/plans',
      tags,
      summary: 'The plans: storage limits, features and Stripe prices',
      description:
        "Public: `{ data: [...] }` with each plan's storage limit, features and the Stripe price of each " +
        'billing interval it is offered in (none for free).',
      auth: 'none',
      response: { status: 200, schema: PlanListSchema },
      handler: async () => ({ body: { data: billing.listPlans(ctx.config) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/billing/subscription',
      tags,
      summary: "The caller's plan and subscription",
      description:
        'A user who never subscribed gets `{ plan: "free", status: "active", currentPeriodEnd: null, ' +
        "cancelAtPeriodEnd: false }`; otherwise the plan, status and period as Stripe's webhooks last reported them.",
      auth: 'required',
      response: { status: 200, schema: SubscriptionSchema },
      handler: async ({ userId }) => ({ body: await billing.getSubscription(ctx, userId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/billing/checkout',
      tags,
      summary: 'Start a Stripe Checkout for a paid plan',
      description:
        'Answers the URL of a Stripe Checkout session (subscription mode) for the plan and interval. The ' +
        "caller's Stripe customer is created on the first checkout and reused after. An interval with no " +
        'configured price → 400; a caller who already has a live subscription → 409 `ALREADY_SUBSCRIBED` (use ' +
        'the portal to change plans); Stripe not configured → 503 `BILLING_DISABLED`; Stripe unreachable → 503 ' +
        '`SERVICE_UNAVAILABLE` with `Retry-After`. ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'required',
      before: [verifiedEmail],
      body: CheckoutBody,
      response: { status: 200, schema: RedirectSchema },
      errors: ['EMAIL_NOT_VERIFIED', 'ALREADY_SUBSCRIBED', 'BILLING_DISABLED'],
      handler: async ({ userId, body }) => ({ body: await billing.createCheckout(ctx, userId, body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/billing/portal',
      tags,
      summary: 'Open the Stripe customer portal',
      description:
        'Answers the URL of a Stripe customer-portal session, where the caller changes plan, payment method or ' +
        'cancels. A caller who never started a checkout has no billing account → 404; Stripe not configured → ' +
        '503 `BILLING_DISABLED`; Stripe unreachable → 503 `SERVICE_UNAVAILABLE`. ' +
        EMAIL_NOT_VERIFIED_NOTE,
      auth: 'required',
      before: [verifiedEmail],
      response: { status: 200, schema: RedirectSchema },
      errors: ['EMAIL_NOT_VERIFIED', 'NOT_FOUND', 'BILLING_DISABLED'],
      handler: async ({ userId }) => ({ body: await billing.createPortal(ctx, userId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/billing/webhook',
      tags,
      summary: 'Stripe webhook',
      description:
        'Stripe-signed events (`Stripe-Signature` header over the raw body). Handles `checkout.session.completed`, ' +
        '`customer.subscription.created|updated|deleted`, `invoice.paid` and `invoice.payment_failed`; other types ' +
        'answer 200 and change nothing. Missing or bad signature, or a signature timestamp older than 5 minutes → ' +
        '400 `INVALID_SIGNATURE`; no webhook secret configured → 503 `BILLING_DISABLED`. Each event id is applied ' +
        'once; out-of-order events never move a subscription back to an older state; a processing failure ' +
        'answers 5xx so Stripe retries.',
      auth: 'none',
      bodyKind: 'raw',
      idempotent: false,
      response: { status: 200, schema: WebhookAckSchema },
      errors: ['INVALID_JSON', 'INVALID_SIGNATURE', 'BILLING_DISABLED'],
      handler: async ({ req, body }) => ({
        body: await webhook.handleWebhook(ctx, body, req.get('stripe-signature')),
      }),
    }),
  ];
};
