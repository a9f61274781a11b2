import Joi from 'joi';
import { component, timestamp } from '../../http/schemas';

const planId = Joi.string().valid('free', 'pro', 'enterprise');
const interval = Joi.string().valid('month', 'year');

export const PlanSchema = component(
  'Plan',
  Joi.object({
    id: planId.required(),
    name: Joi.string().required(),
    storageLimitBytes: Joi.number().integer().min(0).required(),
    features: Joi.array()
      .items(Joi.string())
      .required()
      .description('What the plan includes, e.g. `premium_templates`'),
    prices: Joi.array()
      .items(
        Joi.object({
          interval: interval.required(),
          priceId: Joi.string().required().description('The Stripe price id'),
        }),
      )
      .required()
      .description('The billing intervals offered (none for free)'),
  }),
);

export const PlanListSchema = Joi.object({ data: Joi.array().items(PlanSchema).required() });

export const SubscriptionSchema = component(
  'Subscription',
  Joi.object({
    plan: planId.required(),
    status: Joi.string()
      .required()
      .description(
        "Stripe's status of the user's subscription (`active`, `trialing`, `past_due`, `unpaid`, `canceled`, …); " +
          '`active` for a user who never subscribed',
      ),
    currentPeriodEnd: timestamp.allow(null).required(),
    cancelAtPeriodEnd: Joi.boolean().required(),
  }),
);

export interface CheckoutInput {
  plan: 'pro' | 'enterprise';
  interval: 'month' | 'year';
}

export const CheckoutBody = Joi.object<CheckoutInput, true>({
  plan: Joi.string().valid('pro', 'enterprise').required(),
  interval: interval.required(),
});

export const RedirectSchema = component(
  'BillingRedirect',
  Joi.object({ url: Joi.string().uri().required().description('The Stripe page to send the user to') }),
);

export const WebhookAckSchema = Joi.object({
  received: Joi.boolean().valid(true).required(),
  duplicate: Joi.boolean().required().description('The event id was processed before; nothing was applied'),
});
