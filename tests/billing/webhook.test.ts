import { useTestApp } from '../helpers/app';
import { createUser, type TestUser } from '../helpers/factories';
import {
  GB,
  MB,
  PRICES,
  T0,
  checkoutCompleted,
  deliver,
  invoice,
  newId,
  planChangedEvents,
  processedEventCount,
  signatureHeader,
  stripeEvent,
  stripeEnv,
  subscription,
} from './billing-helpers';

// The webhook needs only its secret: no STRIPE_SECRET_KEY here, so no call to the Stripe API can happen.
const t = useTestApp({ env: stripeEnv({ STRIPE_SECRET_KEY: undefined }) });

/** A user whose Stripe customer is known, linked the way a completed Checkout links it. */
async function customerUser(): Promise<TestUser & { customer: string }> {
  const user = await createUser(t);
  const customer = newId('cus');
  const res = await deliver(
    t,
    stripeEvent('checkout.session.completed', checkoutCompleted({ userId: user.id, customer }), T0),
  );
  expect(res.status).toBe(200);
  return { ...user, customer };
}

async function me(user: TestUser) {
  const res = await t.http().get('/api/auth/me').set(user.auth);
  expect(res.status).toBe(200);
  return res.body;
}

async function billingState(user: TestUser) {
  const res = await t.http().get('/api/billing/subscription').set(user.auth);
  expect(res.status).toBe(200);
  return res.body;
}

describe('POST /api/billing/webhook: signatures', () => {
  const event = () =>
    stripeEvent(
      'customer.subscription.updated',
      subscription({ id: newId('sub'), customer: newId('cus') }),
      T0,
    );

  test('when the Stripe-Signature header is missing, then it answers 400 INVALID_SIGNATURE and records nothing', async () => {
    const e = event();
    const res = await t
      .http()
      .post('/api/billing/webhook')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(e));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('INVALID_SIGNATURE');
    expect(await processedEventCount(t, e.id)).toBe(0);
  });

  test('when the body is signed with another secret, then it answers 400 INVALID_SIGNATURE', async () => {
    const e = event();
    const res = await deliver(t, e, { secret: 'whsec_someone_else' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_SIGNATURE');
    expect(await processedEventCount(t, e.id)).toBe(0);
  });

  test('when the signature timestamp is outside the tolerance, then it answers 400 INVALID_SIGNATURE', async () => {
    const e = event();
    const res = await deliver(t, e, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_SIGNATURE', detail: expect.stringMatching(/too old/) });
    expect(await processedEventCount(t, e.id)).toBe(0);
  });

  test('when the signed bytes are re-serialised, then it answers 400; the bytes as signed are accepted', async () => {
    const user = await customerUser();
    const e = stripeEvent(
      'customer.subscription.created',
      subscription({ id: newId('sub'), customer: user.customer }),
      T0 + 10,
    );
    const asSent = JSON.stringify(e, null, 2);
    const header = signatureHeader(asSent);
    const post = (body: string) =>
      t
        .http()
        .post('/api/billing/webhook')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', header)
        .send(body);

    // The same event as compact JSON: the same data, but not the bytes the signature covers.
    const reserialised = await post(JSON.stringify(e));
    expect(reserialised.status).toBe(400);
    expect(reserialised.body.code).toBe('INVALID_SIGNATURE');
    expect(await processedEventCount(t, e.id)).toBe(0);

    const original = await post(asSent);
    expect(original.status).toBe(200);
    expect(await processedEventCount(t, e.id)).toBe(1);
  });

  test('when the event type is not one billing handles, then it answers 200 and records nothing', async () => {
    const e = stripeEvent('charge.succeeded', { id: newId('ch'), object: 'charge' }, T0);
    const res = await deliver(t, e);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false });
    expect(await processedEventCount(t, e.id)).toBe(0);
  });

  test('when a signed body is not a Stripe event, then it answers 400 VALIDATION_ERROR', async () => {
    const res = await deliver(t, { id: newId('evt'), object: 'event', type: 'invoice.paid' } as never);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/billing/webhook: each event once', () => {
  test('when the same event is delivered again, then it answers 200 and applies nothing the second time', async () => {
    const user = await customerUser();
    const e = stripeEvent(
      'customer.subscription.created',
      subscription({ id: newId('sub'), customer: user.customer }),
      T0 + 10,
    );
    const first = await deliver(t, e);
    const replay = await deliver(t, e);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, duplicate: false });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ received: true, duplicate: true });
    expect(await processedEventCount(t, e.id)).toBe(1);
    expect(await planChangedEvents(t, user.id)).toHaveLength(1);
  });

  test('when one event arrives several times at once, then its effects apply exactly once', async () => {
    const user = await customerUser();
    const e = stripeEvent(
      'customer.subscription.created',
      subscription({ id: newId('sub'), customer: user.customer }),
      T0 + 10,
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(t, e)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await processedEventCount(t, e.id)).toBe(1);
    expect(await planChangedEvents(t, user.id)).toEqual([
      expect.objectContaining({ from: 'free', to: 'pro', stripeEventId: e.id }),
    ]);
    expect((await me(user)).plan).toBe('pro');
  });

  test('when events of two subscriptions of one user arrive at once, then both apply and the better plan wins', async () => {
    const user = await customerUser();
    const [pro, enterprise] = await Promise.all([
      deliver(
        t,
        stripeEvent(
          'customer.subscription.created',
          subscription({ id: newId('sub'), customer: user.customer }),
          T0,
        ),
      ),
      deliver(
        t,
        stripeEvent(
          'customer.subscription.created',
          subscription({ id: newId('sub'), customer: user.customer, price: PRICES.enterpriseMonthly }),
          T0,
        ),
      ),
    ]);
    expect([pro.status, enterprise.status]).toEqual([200, 200]);
    expect(await me(user)).toMatchObject({ plan: 'enterprise', storageLimitBytes: 100 * GB });
  });

  test('when applying an event fails, then it answers 500, records nothing, and a redelivery is not a duplicate', async () => {
    const user = await customerUser();
    // A subscription id longer than the column allows: the database refuses the write inside the transaction.
    const e = stripeEvent(
      'customer.subscription.created',
      subscription({ id: `sub_${'x'.repeat(300)}`, customer: user.customer }),
      T0 + 10,
    );
    const first = await deliver(t, e);
    expect(first.status).toBe(500);
    expect(first.body.code).toBe('INTERNAL');
    expect(await processedEventCount(t, e.id)).toBe(0);
    const again = await deliver(t, e);
    expect(again.status).toBe(500);
    expect((await me(user)).plan).toBe('free');
  });
});

describe('POST /api/billing/webhook: plan effects', () => {
  test('when a subscription becomes active, then the plan and storage limit rise at once and the change is recorded', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    const periodEnd = T0 + 31 * 86400;
    const res = await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: subId, customer: user.customer, periodEnd }),
        T0 + 10,
      ),
    );
    expect(res.status).toBe(200);
    expect(await me(user)).toMatchObject({
      plan: 'pro',
      subscriptionStatus: 'active',
      storageLimitBytes: 10 * GB,
    });
    expect(await billingState(user)).toEqual({
      plan: 'pro',
      status: 'active',
      currentPeriodEnd: new Date(periodEnd * 1000).toISOString(),
      cancelAtPeriodEnd: false,
    });

    await deliver(
      t,
      stripeEvent(
        'customer.subscription.updated',
        subscription({ id: subId, customer: user.customer, price: PRICES.enterpriseMonthly }),
        T0 + 20,
      ),
    );
    expect(await me(user)).toMatchObject({ plan: 'enterprise', storageLimitBytes: 100 * GB });
    expect(await planChangedEvents(t, user.id)).toEqual([
      expect.objectContaining({ from: 'free', to: 'pro', subscriptionId: subId }),
      expect.objectContaining({ from: 'pro', to: 'enterprise', subscriptionId: subId }),
    ]);
  });

  test('when a renewal payment fails, then the user keeps the plan while past_due, drops to free when unpaid, and returns when paid', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: subId, customer: user.customer }),
        T0 + 10,
      ),
    );

    const failed = await deliver(
      t,
      stripeEvent(
        'invoice.payment_failed',
        invoice({ subscription: subId, customer: user.customer }),
        T0 + 20,
      ),
    );
    expect(failed.status).toBe(200);
    expect(await me(user)).toMatchObject({
      plan: 'pro',
      subscriptionStatus: 'past_due',
      storageLimitBytes: 10 * GB,
    });

    await deliver(
      t,
      stripeEvent(
        'customer.subscription.updated',
        subscription({ id: subId, customer: user.customer, status: 'unpaid' }),
        T0 + 30,
      ),
    );
    expect(await me(user)).toMatchObject({
      plan: 'free',
      subscriptionStatus: 'unpaid',
      storageLimitBytes: 100 * MB,
    });

    await deliver(
      t,
      stripeEvent('invoice.paid', invoice({ subscription: subId, customer: user.customer }), T0 + 40),
    );
    expect(await me(user)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active' });
    expect((await planChangedEvents(t, user.id)).map((p) => `${p.from}>${p.to}`)).toEqual([
      'free>pro',
      'pro>free',
      'free>pro',
    ]);
  });

  test('when a subscription is cancelled at period end, then the plan stays until Stripe deletes it, and data is kept', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: subId, customer: user.customer }),
        T0 + 10,
      ),
    );
    await t.db.query('UPDATE users SET storage_used_bytes = $2 WHERE id = $1', [user.id, 500 * MB]);

    await deliver(
      t,
      stripeEvent(
        'customer.subscription.updated',
        subscription({ id: subId, customer: user.customer, cancelAtPeriodEnd: true }),
        T0 + 20,
      ),
    );
    expect(await billingState(user)).toMatchObject({
      plan: 'pro',
      status: 'active',
      cancelAtPeriodEnd: true,
    });

    await deliver(
      t,
      stripeEvent(
        'customer.subscription.deleted',
        subscription({ id: subId, customer: user.customer, status: 'canceled', cancelAtPeriodEnd: true }),
        T0 + 30,
      ),
    );
    expect(await me(user)).toMatchObject({
      plan: 'free',
      subscriptionStatus: 'canceled',
      storageUsedBytes: 500 * MB,
      storageLimitBytes: 100 * MB,
    });
    expect((await planChangedEvents(t, user.id)).at(-1)).toMatchObject({ from: 'pro', to: 'free' });
  });

  test('when a Checkout completes for a customer not stored yet, then it is linked and its subscription events apply', async () => {
    const user = await createUser(t);
    const customer = newId('cus');
    await deliver(
      t,
      stripeEvent('checkout.session.completed', checkoutCompleted({ userId: user.id, customer }), T0),
    );
    const { rows } = await t.db.query(
      'SELECT stripe_customer_id AS c FROM billing_customers WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ c: customer }]);
    await deliver(
      t,
      stripeEvent('customer.subscription.created', subscription({ id: newId('sub'), customer }), T0 + 10),
    );
    expect((await me(user)).plan).toBe('pro');
  });

  test('when a subscription belongs to a customer that is not ours, then it answers 200 and changes nobody', async () => {
    const subId = newId('sub');
    const res = await deliver(
      t,
      stripeEvent('customer.subscription.created', subscription({ id: subId, customer: newId('cus') }), T0),
    );
    expect(res.status).toBe(200);
    const { rows } = await t.db.query('SELECT id FROM billing_subscriptions WHERE id = $1', [subId]);
    expect(rows).toEqual([]);
  });
});

describe('POST /api/billing/webhook: signed events of an unexpected shape', () => {
  test.each([
    ['without an id', { id: null }],
    ['with an array for its status', { status: [] }],
    ['with no status', { status: undefined }],
  ])(
    'when a subscription event comes %s, then it answers 200 and changes nothing',
    async (_what, change: Record<string, unknown>) => {
      const user = await customerUser();
      const event = stripeEvent(
        'customer.subscription.created',
        { ...subscription({ id: newId('sub'), customer: user.customer }), ...change },
        T0,
      );
      const res = await deliver(t, event);
      expect(res.status).toBe(200);
      expect((await me(user)).plan).toBe('free');
      const { rows } = await t.db.query('SELECT id FROM billing_subscriptions WHERE user_id = $1', [user.id]);
      expect(rows).toEqual([]);
    },
  );
});

describe('POST /api/billing/webhook: out-of-order events', () => {
  test('when an older update arrives after a newer one, then the subscription keeps the newer state', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    const sub = (over: Partial<Parameters<typeof subscription>[0]>) =>
      subscription({ id: subId, customer: user.customer, ...over });
    await deliver(t, stripeEvent('customer.subscription.updated', sub({ cancelAtPeriodEnd: true }), T0 + 20));
    const stale = await deliver(
      t,
      stripeEvent(
        'customer.subscription.updated',
        sub({ status: 'unpaid', price: PRICES.enterpriseMonthly }),
        T0 + 10,
      ),
    );
    expect(stale.status).toBe(200);
    expect(await billingState(user)).toMatchObject({
      plan: 'pro',
      status: 'active',
      cancelAtPeriodEnd: true,
    });

    // Created and updated in the same second: created is the older of the two whatever the arrival order.
    await deliver(t, stripeEvent('customer.subscription.created', sub({ status: 'incomplete' }), T0 + 20));
    expect(await billingState(user)).toMatchObject({ plan: 'pro', status: 'active' });
  });

  test('when updates arrive after the deletion, then the subscription stays deleted and the user free', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: subId, customer: user.customer }),
        T0 + 10,
      ),
    );
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.deleted',
        subscription({ id: subId, customer: user.customer, status: 'canceled' }),
        T0 + 30,
      ),
    );
    for (const created of [T0 + 20, T0 + 40]) {
      const res = await deliver(
        t,
        stripeEvent(
          'customer.subscription.updated',
          subscription({ id: subId, customer: user.customer }),
          created,
        ),
      );
      expect(res.status).toBe(200);
    }
    await deliver(
      t,
      stripeEvent('invoice.paid', invoice({ subscription: subId, customer: user.customer }), T0 + 50),
    );
    expect(await me(user)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled' });
  });

  test('when a delayed update is older than an invoice event, then its status is ignored but its other changes apply', async () => {
    const user = await customerUser();
    const subId = newId('sub');
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: subId, customer: user.customer }),
        T0 + 10,
      ),
    );
    await deliver(
      t,
      stripeEvent(
        'invoice.payment_failed',
        invoice({ subscription: subId, customer: user.customer }),
        T0 + 30,
      ),
    );
    await deliver(
      t,
      stripeEvent(
        'customer.subscription.updated',
        subscription({ id: subId, customer: user.customer, status: 'active', cancelAtPeriodEnd: true }),
        T0 + 20,
      ),
    );
    expect(await billingState(user)).toMatchObject({
      plan: 'pro',
      status: 'past_due',
      cancelAtPeriodEnd: true,
    });
  });
});
