/**
 * tests/http/hostile-suite.ts on the local file store: every route asked with hostile input, then raced.
 * hostile-input-s3.test.ts runs the races on the S3 store.
 */
import { useTestApp } from '../helpers/app';
import { stripeEnv } from '../billing/billing-helpers';
import { useStripeStandIn } from '../billing/stripe-stand-in';
import { hostileSuite } from './hostile-suite';

const env = stripeEnv();
useStripeStandIn(env);
const t = useTestApp({ env });

hostileSuite(t, { fuzz: true });
