import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { closeBillingAccount } from '../../src/modules/billing/billing.service';
import { GB, MB, PRICES, T0, deliver, newId, stripeEnv, stripeEvent, subscription } from './billing-helpers';
import { useStripeStandIn } from './stripe-stand-in';

const env = stripeEnv();
const stripe = useStripeStandIn(env);
const t = useTestApp({ env });

async function storedCustomer(userId: string): Promise<string | null> {
  const { rows } = await t.db.query<{ c: string }>(
    'SELECT stripe_customer_id AS c FROM billing_customers WHERE user_id = $1',
    [userId],
  );
  return rows[0]?.c ?? null;
}

const checkout = (auth: { Authorization: string }, body: Record<string, unknown>) =>
  t.http().post('/api/billing/checkout').set(auth).send(body);

describe('GET /api/billing/plans', () => {
  test('when listed without a token, then it answers each plan with its limit, features and configured prices', async () => {
    const res = await t.http().get('/api/billing/plans');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { id: 'free', name: 'Free', storageLimitBytes: 100 * MB, features: [], prices: [] },
        {
          id: 'pro',
          name: 'Pro',
          storageLimitBytes: 10 * GB,
          features: ['premium_templates'],
          prices: [
            { interval: 'month', priceId: PRICES.proMonthly },
            { interval: 'year', priceId: PRICES.proYearly },
          ],
        },
        {
          id: 'enterprise',
          name: 'Enterprise',
          storageLimitBytes: 100 * GB,
          features: ['premium_templates'],
          prices: [{ interval: 'month', priceId: PRICES.enterpriseMonthly }],
        },
      ],
    });
  });
});

describe('GET /api/billing/subscription', () => {
  test('when a user never subscribed, then it answers the free plan, active, with no period', async () => {
    const user = await createUser(t);
    const res = await t.http().get('/api/billing/subscription').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plan: 'free',
      status: 'active',
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
    });
  });
});

describe('POST /api/billing/checkout', () => {
  test('when a user checks out for the first time, then a Stripe customer is created and stored and a subscription Checkout is opened', async () => {
    const user = await createUser(t, { displayName: 'Ada' });
    const res = await checkout(user.auth, { plan: 'pro', interval: 'year' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/),
    });

    const created = stripe
      .calls('POST', '/v1/customers')
      .filter((r) => r.form['metadata[userId]'] === user.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      authorization: `Bearer ${env.STRIPE_SECRET_KEY}`,
      idempotencyKey: `colorbook-customer-${user.id}`,
      form: { email: user.email, name: 'Ada' },
    });
    const customer = await storedCustomer(user.id);
    expect(stripe.customers.has(customer!)).toBe(true);

    const session = stripe.calls('POST', '/v1/checkout/sessions').at(-1)!;
    expect(session.form).toMatchObject({
      mode: 'subscription',
      customer,
      client_reference_id: user.id,
      'line_items[0][price]': PRICES.proYearly,
      'line_items[0][quantity]': '1',
      'metadata[userId]': user.id,
      'metadata[plan]': 'pro',
      'subscription_data[metadata][userId]': user.id,
      success_url: 'https://app.colorbook.test/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.colorbook.test/billing?checkout=canceled',
    });
  });

  test('when the user checks out again, then the stored customer is reused', async () => {
    const user = await createUser(t);
    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    const second = await checkout(user.auth, { plan: 'enterprise', interval: 'month' });
    expect(second.status).toBe(200);
    const customer = await storedCustomer(user.id);
    expect(
      stripe.calls('POST', '/v1/customers').filter((r) => r.form['metadata[userId]'] === user.id),
    ).toHaveLength(1);
    const sessions = stripe
      .calls('POST', '/v1/checkout/sessions')
      .filter((r) => r.form.client_reference_id === user.id);
    expect(sessions.map((s) => [s.form.customer, s.form['line_items[0][price]']])).toEqual([
      [customer, PRICES.proMonthly],
      [customer, PRICES.enterpriseMonthly],
    ]);
  });

  test('when two first checkouts of one user race, then both use one Stripe customer', async () => {
    const user = await createUser(t);
    const [a, b] = await Promise.all([
      checkout(user.auth, { plan: 'pro', interval: 'month' }),
      checkout(user.auth, { plan: 'pro', interval: 'month' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const customer = await storedCustomer(user.id);
    const sessions = stripe
      .calls('POST', '/v1/checkout/sessions')
      .filter((r) => r.form.client_reference_id === user.id);
    expect(sessions.map((s) => s.form.customer)).toEqual([customer, customer]);
  });

  test('when the interval has no configured price, then it answers 400 and calls Stripe for nothing', async () => {
    const user = await createUser(t);
    const before = stripe.requests.length;
    const res = await checkout(user.auth, { plan: 'enterprise', interval: 'year' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ path: 'interval' }] });
    expect(stripe.requests.length).toBe(before);
    expect(await storedCustomer(user.id)).toBeNull();
  });

  test('when the plan is free, unknown or the interval missing, then it answers 400 VALIDATION_ERROR', async () => {
    const user = await createUser(t);
    for (const body of [
      { plan: 'free', interval: 'month' },
      { plan: 'gold', interval: 'month' },
      { plan: 'pro' },
    ]) {
      const res = await checkout(user.auth, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
  });

  test('when the user already has a live subscription, then it answers 409 ALREADY_SUBSCRIBED', async () => {
    const user = await createUser(t);
    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    const customer = (await storedCustomer(user.id))!;
    await deliver(
      t,
      stripeEvent('customer.subscription.created', subscription({ id: newId('sub'), customer }), T0),
    ).expect(200);
    const res = await checkout(user.auth, { plan: 'enterprise', interval: 'month' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ALREADY_SUBSCRIBED');
  });

  test('when Stripe is unavailable, then it answers 503 SERVICE_UNAVAILABLE with Retry-After and stores no customer', async () => {
    const user = await createUser(t);
    stripe.failNext(500);
    const res = await checkout(user.auth, { plan: 'pro', interval: 'month' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(await storedCustomer(user.id)).toBeNull();
  });

  test('when Stripe refuses the request, then it answers 500 INTERNAL without Stripe details', async () => {
    const user = await createUser(t);
    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    stripe.failNext(400, 'invalid_request_error', 'No such price: secret detail');
    const res = await checkout(user.auth, { plan: 'pro', interval: 'month' });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(JSON.stringify(res.body)).not.toMatch(/secret detail/);
  });
});

describe('POST /api/billing/portal', () => {
  test('when a user with a Stripe customer opens the portal, then it answers a portal session for that customer', async () => {
    const user = await createUser(t);
    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    const res = await t.http().post('/api/billing/portal').set(user.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      url: expect.stringMatching(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_test_/),
    });
    expect(stripe.calls('POST', '/v1/billing_portal/sessions').at(-1)!.form).toEqual({
      customer: await storedCustomer(user.id),
      return_url: 'https://app.colorbook.test/billing',
    });
  });

  test('when a user never checked out, then it answers 404 and calls Stripe for nothing', async () => {
    const user = await createUser(t);
    const before = stripe.requests.length;
    const res = await t.http().post('/api/billing/portal').set(user.auth);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(stripe.requests.length).toBe(before);
  });
});

describe('closeBillingAccount (account deletion)', () => {
  test('when a user with a Stripe customer is closed, then the customer is deleted in Stripe; again or without one, nothing fails', async () => {
    const user = await createUser(t);
    await closeBillingAccount(t.ctx, user.id);
    expect(stripe.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);

    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    const customer = (await storedCustomer(user.id))!;
    await closeBillingAccount(t.ctx, user.id);
    expect(stripe.calls('DELETE', `/v1/customers/${customer}`)).toHaveLength(1);
    expect(stripe.customers.has(customer)).toBe(false);

    // Stripe no longer knows the customer (deleted before): still no error.
    await closeBillingAccount(t.ctx, user.id);
    expect(stripe.calls('DELETE', `/v1/customers/${customer}`)).toHaveLength(2);
  });

  test('when Stripe is unavailable, then closing fails with 503 so the deletion can stop', async () => {
    const user = await createUser(t);
    await checkout(user.auth, { plan: 'pro', interval: 'month' }).expect(200);
    stripe.failNext(500);
    await expect(closeBillingAccount(t.ctx, user.id)).rejects.toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
  });
});
