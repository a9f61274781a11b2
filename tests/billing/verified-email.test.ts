import { useTestApp } from '../helpers/app';
import { createUser, type TestUser } from '../helpers/factories';
import { stripeEnv } from './billing-helpers';
import { useStripeStandIn } from './stripe-stand-in';

const env = stripeEnv({ REQUIRE_VERIFIED_EMAIL: 'true' });
const stripe = useStripeStandIn(env);
const t = useTestApp({ env });

const verify = (user: TestUser) =>
  t.db.query('UPDATE users SET email_verified = true WHERE id = $1', [user.id]);

describe('billing with REQUIRE_VERIFIED_EMAIL', () => {
  test('when an unverified user starts a checkout or opens the portal, then it answers 403 EMAIL_NOT_VERIFIED and calls Stripe for nothing', async () => {
    const user = await createUser(t);
    const checkout = await t
      .http()
      .post('/api/billing/checkout')
      .set(user.auth)
      .send({ plan: 'pro', interval: 'month' });
    expect(checkout.status).toBe(403);
    expect(checkout.body.code).toBe('EMAIL_NOT_VERIFIED');
    const portal = await t.http().post('/api/billing/portal').set(user.auth);
    expect(portal.status).toBe(403);
    expect(portal.body.code).toBe('EMAIL_NOT_VERIFIED');
    expect(stripe.requests).toHaveLength(0);
  });

  test('when the user has verified the address, then checkout and portal answer 200', async () => {
    const user = await createUser(t);
    await verify(user);
    const checkout = await t
      .http()
      .post('/api/billing/checkout')
      .set(user.auth)
      .send({ plan: 'pro', interval: 'month' });
    expect(checkout.status).toBe(200);
    const portal = await t.http().post('/api/billing/portal').set(user.auth);
    expect(portal.status).toBe(200);
  });
});
