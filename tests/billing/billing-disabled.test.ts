import { useTestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { MB, T0, deliver, newId, stripeEvent, subscription } from './billing-helpers';

// No STRIPE_* variables at all: billing is disabled and everyone is on the free plan.
const t = useTestApp();

describe('billing without Stripe configuration', () => {
  test('when checkout or portal is called, then it answers 503 BILLING_DISABLED', async () => {
    const user = await createUser(t);
    const checkout = await t
      .http()
      .post('/api/billing/checkout')
      .set(user.auth)
      .send({ plan: 'pro', interval: 'month' });
    expect(checkout.status).toBe(503);
    expect(checkout.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(checkout.body.code).toBe('BILLING_DISABLED');
    const portal = await t.http().post('/api/billing/portal').set(user.auth);
    expect(portal.status).toBe(503);
    expect(portal.body.code).toBe('BILLING_DISABLED');
  });

  test('when the webhook is called, then it answers 503 BILLING_DISABLED before looking at the signature', async () => {
    const unsigned = await t
      .http()
      .post('/api/billing/webhook')
      .set('Content-Type', 'application/json')
      .send('{"not":"checked"}');
    expect(unsigned.status).toBe(503);
    expect(unsigned.body.code).toBe('BILLING_DISABLED');
    const signed = await deliver(
      t,
      stripeEvent(
        'customer.subscription.created',
        subscription({ id: newId('sub'), customer: newId('cus') }),
        T0,
      ),
    );
    expect(signed.status).toBe(503);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM billing_webhook_events');
    expect(rows[0]).toEqual({ n: 0 });
  });

  test('when plans, subscription and the user are read, then they work on the free plan', async () => {
    const user = await createUser(t);
    const plans = await t.http().get('/api/billing/plans');
    expect(plans.status).toBe(200);
    expect(plans.body.data.map((p: { id: string; prices: unknown[] }) => [p.id, p.prices])).toEqual([
      ['free', []],
      ['pro', []],
      ['enterprise', []],
    ]);
    const sub = await t.http().get('/api/billing/subscription').set(user.auth);
    expect(sub.body).toEqual({
      plan: 'free',
      status: 'active',
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
    });
    const me = await t.http().get('/api/auth/me').set(user.auth);
    expect(me.body).toMatchObject({ plan: 'free', storageLimitBytes: 100 * MB });
  });
});
